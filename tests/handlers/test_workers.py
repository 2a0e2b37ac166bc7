"""The supervisor of `run --workers N` with stand-in worker commands: a worker that exits with
a code that is not fatal is started again after a back-off until a stop, which ends the
supervisor with 0 at once (even mid back-off); one that cannot be started at all ends it with 1."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from handlers.workers import Workers, described


class Deaths(logging.Handler):
    """Counts the supervisor's lines about a dead worker; wakes a waiter at each."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.more = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if "died" in record.getMessage():
            self.lines.append(record.getMessage())
            self.more.set()

    async def wait_for(self, count: int) -> None:
        async with asyncio.timeout(30):
            while len(self.lines) < count:
                self.more.clear()
                await self.more.wait()


@pytest.fixture
def deaths() -> Iterator[Deaths]:
    handler = Deaths()
    logger = logging.getLogger("handlers.workers")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


async def test_a_worker_that_dies_is_started_again_until_a_stop(deaths: Deaths) -> None:
    crash = [sys.executable, "-c", "raise SystemExit(3)"]
    workers = Workers(2, command=crash, first=0.01, longest=0.02, grace=5)
    run = asyncio.create_task(workers.run())
    await deaths.wait_for(6)  # both slots, three times each at least
    assert all("died (exit code 3); starting it again in" in line for line in deaths.lines)
    workers.first = workers.longest = 3600.0  # the next back-off would be an hour: a stop ends it
    await deaths.wait_for(len(deaths.lines) + 1)
    workers.stop()
    async with asyncio.timeout(10):
        assert await run == 0


async def test_a_worker_that_cannot_be_started_stops_the_supervisor(tmp_path: Path) -> None:
    workers = Workers(2, command=[str(tmp_path / "no-such-command")])
    async with asyncio.timeout(10):
        assert await workers.run() == 1


def test_exit_codes_in_words() -> None:
    assert described(-9) == "killed by SIGKILL"
    assert described(3) == "exit code 3"
