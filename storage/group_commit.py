"""Short writes from many tasks, committed together: one turn on the writer for a whole batch.

The sender records every delivery (sent, failed, retry) in a write of its own. Made one by one,
each write is a turn on the writer: BEGIN, the statement and COMMIT (an fsync), three round
trips to SQLite's thread while every unit of work waits. Under load those turns, not the writes,
were most of the time the writer was held. Here the writes that come while a batch is being
committed wait for it to end and then go together, in one transaction, one round trip.

Invariants:
- `write` returns once its statement is committed, and raises if it was not.
- Writes are applied in the order they were made.
- A batch takes the writer as an urgent turn (before the units of work waiting), if so made.
- A batch that fails is rolled back and its writes are made again one by one, each in its own
  transaction, so that one bad write fails its own caller only.
- A caller that is cancelled does not take its write back: the write is still made.
- The task that commits ends when nothing is waiting; whatever it meets is handed to the
  callers it was committing for, so nothing fails unseen.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from functools import partial
from itertools import groupby
from typing import Any

from storage.buffer import on_thread
from storage.db import Database

log = logging.getLogger(__name__)

Params = tuple[Any, ...]
Write = tuple[str, Params, "asyncio.Future[None]"]


class GroupCommit:
    """Batches single-statement writes on a database's writer connection."""

    def __init__(self, db: Database, urgent: bool = True) -> None:
        self.db = db
        self.urgent = urgent
        self._waiting: list[Write] = []
        self._committer: asyncio.Task[None] | None = None

    async def write(self, sql: str, params: Params) -> None:
        """Make one write, with whatever others are waiting; returns once it is committed."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((sql, params, done))
        if self._committer is None:
            self._committer = asyncio.create_task(self._commit_all(), name="group-commit")
        await done

    async def _commit_all(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                await self._commit(batch)
        finally:
            self._committer = None
            for _, _, done in self._waiting:  # only when cancelled: the loop is closing
                done.cancel()

    async def _commit(self, batch: list[Write]) -> None:
        try:
            await self._transaction(batch)
        except asyncio.CancelledError:
            for _, _, done in batch:
                done.cancel()
            raise
        except Exception as e:
            if len(batch) == 1:
                _settle(batch[0][2], e)
                return
            log.warning("a batch of %d writes failed (%s); making them one by one", len(batch), e)
            for write in batch:
                await self._commit([write])
            return
        for _, _, done in batch:
            _settle(done, None)

    async def _transaction(self, batch: list[Write]) -> None:
        statements = [
            (sql, [write[1] for write in same])
            for sql, same in groupby(batch, key=lambda write: write[0])
        ]
        await self.db.lock.acquire(urgent=self.urgent)
        try:
            await on_thread(self.db.conn, partial(_apply, statements))
        finally:
            self.db.lock.release()


def _apply(statements: list[tuple[str, list[Params]]], db: sqlite3.Connection) -> None:
    """One transaction, on SQLite's thread: one round trip for the whole batch."""
    db.execute("BEGIN IMMEDIATE")
    try:
        for sql, params in statements:
            if len(params) == 1:
                db.execute(sql, params[0])
            else:
                db.executemany(sql, params)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _settle(done: asyncio.Future[None], error: BaseException | None) -> None:
    if done.done():
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)
