"""Files are built off the event loop, a few at a time, and a cancelled wait keeps its slot
until its thread is done."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

import pytest

from documents.workers import FileWorkers


class HeldExecutor(Executor):
    """An executor that runs each job only when the test says so, to see what was handed out."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Callable[..., Any], Future[Any]]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        self.jobs.append((lambda: fn(*args, **kwargs), future))
        return future

    def run(self, index: int) -> None:
        """Run the index-th job handed out, as its thread would."""
        job, future = self.jobs[index]
        future.set_running_or_notify_cancel()
        try:
            future.set_result(job())
        except Exception as e:
            future.set_exception(e)


async def settle() -> None:
    """Let every ready task run until it waits on something (no time passes)."""
    for _ in range(20):
        await asyncio.sleep(0)


async def test_a_build_runs_in_another_thread_and_returns_its_bytes() -> None:
    loop_thread = threading.get_ident()

    def build(text: str, times: int = 1) -> bytes:
        assert threading.get_ident() != loop_thread
        return text.encode() * times

    assert await FileWorkers().build(build, "台账", times=2) == "台账台账".encode()


async def test_what_a_builder_raises_reaches_the_caller() -> None:
    def refuse() -> bytes:
        raise ValueError("too long")

    with pytest.raises(ValueError, match="too long"):
        await FileWorkers().build(refuse)


async def test_no_more_than_the_limit_run_at_once() -> None:
    executor = HeldExecutor()
    workers = FileWorkers(limit=2, executor=executor)
    tasks = [asyncio.create_task(workers.build(bytes, [n])) for n in range(3)]
    await settle()
    assert len(executor.jobs) == 2  # the third waits for a slot
    executor.run(0)
    await settle()
    assert await tasks[0] == b"\x00"
    assert len(executor.jobs) == 3
    executor.run(1)
    executor.run(2)
    assert await asyncio.gather(tasks[1], tasks[2]) == [b"\x01", b"\x02"]


async def test_a_cancelled_wait_keeps_its_slot_until_its_thread_is_done() -> None:
    executor = HeldExecutor()
    workers = FileWorkers(limit=1, executor=executor)
    first = asyncio.create_task(workers.build(lambda: b"1"))
    await settle()
    first.cancel()
    second = asyncio.create_task(workers.build(lambda: b"2"))
    await settle()
    assert first.cancelled()
    assert len(executor.jobs) == 1  # the first build still runs: the second waits
    executor.run(0)
    await settle()
    assert len(executor.jobs) == 2
    executor.run(1)
    assert await second == b"2"


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        FileWorkers(limit=0)
