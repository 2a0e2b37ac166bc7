"""Supervision: a background task's failure is logged at CRITICAL and the task runs again; a
Fatal one ends it and is reported; a one-shot task's death is never silent."""

from __future__ import annotations

import asyncio
import logging

import pytest

from handlers.supervision import Fatal, TokenRefused, pause, supervise, watch


def critical(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.CRITICAL]


async def test_a_failing_body_is_logged_critical_and_run_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runs: list[int] = []

    async def body() -> None:
        runs.append(len(runs))
        if len(runs) < 3:
            raise OSError(f"disk I/O error #{len(runs)}")

    fatal: list[Fatal] = []
    await asyncio.wait_for(supervise("the job", body, fatal.append, first=0.001), 10)
    assert runs == [0, 1, 2] and fatal == []
    logged = critical(caplog)
    assert len(logged) == 2
    assert logged[0].startswith("the job failed (OSError: disk I/O error #1); restarting it in")


async def test_a_fatal_failure_ends_the_task_and_is_reported_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runs = 0

    async def body() -> None:
        nonlocal runs
        runs += 1
        raise TokenRefused()

    fatal: list[Fatal] = []
    await asyncio.wait_for(supervise("polling", body, fatal.append, first=0.001), 10)
    assert runs == 1 and len(fatal) == 1 and isinstance(fatal[0], TokenRefused)
    assert any("polling stopped: MINQING_BOT_TOKEN" in m for m in critical(caplog))


async def test_a_task_that_dies_is_logged_critical(caplog: pytest.LogCaptureFixture) -> None:
    async def dies() -> None:
        raise RuntimeError("a bug")

    task = asyncio.create_task(dies(), name="chat-42")
    task.add_done_callback(watch)
    await asyncio.gather(task, return_exceptions=True)  # after watch, added first
    assert critical(caplog) == ["background task chat-42 died (RuntimeError: a bug)"]


def test_the_back_off_doubles_up_to_its_ceiling() -> None:
    assert [pause(n, 0.5, 30.0) for n in (1, 2, 3, 7, 8, 100)] == [0.5, 1, 2, 30.0, 30.0, 30.0]
