"""A unit of work's connection that holds back plain writes and sends them in batches.

Inserts and updates whose result nobody reads (a timeline event, an outbox row, a changed case)
are queued and sent with `executemany`, grouped by statement, in their original order, before
any read and at commit. Within the transaction nothing can tell the difference; the sweep, which
writes thousands of rows, makes a few round trips to SQLite's thread instead of thousands.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from itertools import groupby
from types import TracebackType
from typing import Any

import aiosqlite

Params = tuple[Any, ...] | list[Any]


class _Statement:
    """A statement run after the queue is flushed; awaitable, or usable with `async with`."""

    def __init__(self, conn: BufferedConnection, sql: str, params: Params) -> None:
        self.conn, self.sql, self.params = conn, sql, params
        self.cursor: aiosqlite.Cursor | None = None

    async def _run(self) -> aiosqlite.Cursor:
        await self.conn.flush()
        return await self.conn.raw.execute(self.sql, self.params)

    def __await__(self) -> Generator[Any, None, aiosqlite.Cursor]:
        return self._run().__await__()

    async def __aenter__(self) -> aiosqlite.Cursor:
        self.cursor = await self._run()
        return self.cursor

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.cursor is not None:
            await self.cursor.close()


class BufferedConnection:
    """The writer connection as a unit of work's repositories see it."""

    def __init__(self, raw: aiosqlite.Connection) -> None:
        self.raw = raw
        self._queue: list[tuple[str, Params]] = []

    def queue(self, sql: str, params: Params) -> None:
        """Hold back a write whose result is not needed."""
        self._queue.append((sql, params))

    async def flush(self) -> None:
        """Send every held-back write, in order."""
        if not self._queue:
            return
        queued, self._queue = self._queue, []
        for sql, group in groupby(queued, key=lambda item: item[0]):
            params = [p for _, p in group]
            if len(params) == 1:
                await self.raw.execute(sql, params[0])
            else:
                await self.raw.executemany(sql, params)

    def discard(self) -> None:
        """Forget what is held back (the transaction is rolled back)."""
        self._queue.clear()

    def execute(self, sql: str, params: Params = ()) -> _Statement:
        """Run a statement after the held-back writes."""
        return _Statement(self, sql, params)

    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        """The first row of a query (one round trip), after the held-back writes."""
        rows = list(await self.execute_fetchall(sql, params))
        return rows[0] if rows else None

    async def execute_fetchall(self, sql: str, params: Params = ()) -> Iterable[aiosqlite.Row]:
        """Run a query after the held-back writes and return its rows."""
        await self.flush()
        return await self.raw.execute_fetchall(sql, params)
