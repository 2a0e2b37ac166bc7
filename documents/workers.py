"""Files are built in worker threads, a few at a time, so that building one never holds up the
event loop (other chats go on) and a flood of exports cannot take every thread or all memory.

Invariant: a slot is held from the moment a build is handed to a thread until that thread has
finished, even when the caller stops waiting (cancelled), so at most `limit` builds ever run.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import Executor
from typing import ParamSpec

P = ParamSpec("P")


class FileWorkers:
    """Runs file builders (pure functions returning bytes) in threads, at most limit at once."""

    def __init__(self, limit: int = 2, executor: Executor | None = None) -> None:
        if limit < 1:
            raise ValueError(f"FileWorkers needs a limit of at least 1, not {limit}")
        self._slots = asyncio.Semaphore(limit)
        self._executor = executor

    async def build(self, builder: Callable[P, bytes], *args: P.args, **kwargs: P.kwargs) -> bytes:
        """builder(*args, **kwargs), run in a worker thread; its bytes, or what it raised."""
        await self._slots.acquire()
        try:
            loop = asyncio.get_running_loop()
            job = loop.run_in_executor(self._executor, functools.partial(builder, *args, **kwargs))
        except BaseException:
            self._slots.release()
            raise
        job.add_done_callback(self._finished)
        return await asyncio.shield(job)

    def _finished(self, job: asyncio.Future[bytes]) -> None:
        """Free the slot; a result nobody waits for any more is collected, not left to warn."""
        self._slots.release()
        if not job.cancelled():
            job.exception()
