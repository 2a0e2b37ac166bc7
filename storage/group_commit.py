"""Short writes from many tasks, committed together: one turn on the writer for a whole batch.

The sender records every delivery (sent, failed, retry) in a write of its own. Made one by one,
each write is a turn on the writer: BEGIN, the statement and COMMIT (an fsync), three round
trips to SQLite's thread while every unit of work waits. Under load those turns, not the writes,
were most of the time the writer was held. Here the writes that come while a batch is being
committed wait for it to end and then go together, in one transaction, one round trip.

Better still, a unit of work that commits while writes wait takes them into its own COMMIT
(`board`): they ride with it, and the writer gives no turn to them at all. The task that commits
them alone does so only when no unit was there to take them.

Invariants:
- `write` returns once its statement is committed, and raises if it was not.
- Writes are applied in the order they were made.
- A batch takes the writer as an urgent turn (before the units of work waiting), if so made.
- A batch that fails is rolled back and its writes are made again one by one, each in its own
  transaction, so that one bad write fails its own caller only; writes that rode with a unit
  whose commit failed wait for the next turn.
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
from typing import TYPE_CHECKING

from storage.batches import Params, Write, commit_batch, settle
from storage.buffer import MAX_HERE

if TYPE_CHECKING:
    from storage.db import Database

log = logging.getLogger(__name__)


class GroupCommit:
    """Batches single-statement writes on a database's writer connection."""

    def __init__(self, db: Database, urgent: bool = True) -> None:
        self.db = db
        self.urgent = urgent
        self._waiting: list[Write] = []
        self._committer: asyncio.Task[None] | None = None
        self._standing_by = False  # the committer waits for a turn, holding nothing yet
        self._stood_down = False

    async def write(self, sql: str, params: Params) -> None:
        """Make one write, with whatever others are waiting; returns once it is committed."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((sql, params, done))
        self._wake()
        await done

    def board(self) -> list[Write]:
        """Take every waiting write into the turn of the unit of work calling, which holds the
        writer and is about to commit: it commits them with its own changes, then says whether
        they landed (`landed`) or not (`missed`)."""
        writes, self._waiting = self._waiting, []
        if writes and self._committer is not None and self._standing_by:
            self._stood_down = True
            self._committer.cancel()
        return writes

    def landed(self, writes: list[Write]) -> None:
        """The writes a unit took are committed."""
        for _, _, done in writes:
            settle(done, None)

    def missed(self, writes: list[Write]) -> None:
        """The writes a unit took were rolled back with it: they go first in the next turn."""
        self._waiting[:0] = writes
        self._wake()

    def _wake(self) -> None:
        if self._committer is None and self._waiting:
            self._committer = asyncio.create_task(self._commit_all(), name="group-commit")

    async def _commit_all(self) -> None:
        try:
            while self._waiting:
                self._standing_by = True
                await self.db.lock.acquire(urgent=self.urgent)
                self._standing_by = False
                try:
                    batch, self._waiting = self._waiting, []
                    await self._commit(batch)
                finally:
                    self.db.lock.release()
        except asyncio.CancelledError:
            if not self._stood_down:  # the loop is closing
                for _, _, done in self._waiting:
                    done.cancel()
                raise
        finally:
            self._committer, self._standing_by, self._stood_down = None, False, False
        self._wake()  # stood down, and more came meanwhile

    async def _commit(self, batch: list[Write]) -> None:
        await commit_batch(batch, partial(_transaction, self.db))


async def _transaction(db: Database, batch: list[Write]) -> None:
    """The batch as one transaction, on the writer the caller holds."""
    statements = [
        (sql, [write[1] for write in same])
        for sql, same in groupby(batch, key=lambda write: write[0])
    ]
    # A batch of records is a few UPDATEs: here on the event loop when it is small.
    await db.trips.run(partial(_apply, statements), here=len(batch) <= MAX_HERE)


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
