"""Short writes of their own on PostgreSQL (the channels' ingress rows and small tables, the
ingress marks), committed together: PostgreSQL's counterpart of storage/group_commit.py.

Each commit waits for the WAL to reach the disk; a busy channel makes hundreds of one-statement
writes a second (a row recorded, a row handled). Written one by one, each would be a
transaction and a flush of its own; here the writes made while a batch is being committed wait
for it and then go together, in one transaction on one pooled connection.

Invariants:
- `write` returns once its statement is committed, and raises if it was not.
- Writes are applied in the order they were made (one batch at a time).
- A batch is one transaction: BEGIN and COMMIT around its runs of statements, or, when it is a
  single run of one statement, that statement or executemany alone (each atomic by itself).
- A batch that fails is rolled back and its writes are made again one by one, each in its own
  transaction, so that one bad write fails its own caller only.
- A caller that is cancelled does not take its write back: the write is still made.
- The task that commits ends when nothing is waiting; whatever it meets is handed to the
  callers it was committing for, so nothing fails unseen.
"""

from __future__ import annotations

import asyncio
import logging
from itertools import groupby

import asyncpg

from storage.batches import Params, Write, commit_batch, settle
from storage.dialect import postgres

log = logging.getLogger(__name__)


class PgRecords:
    """Batches single-statement writes on a pool's connections."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self._waiting: list[Write] = []
        self._committer: asyncio.Task[None] | None = None

    async def write(self, sql: str, params: Params) -> None:
        """Make one write (SQL as SQLite takes it), with whatever others are waiting; returns
        once it is committed."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((sql, params, done))
        if self._committer is None:
            self._committer = asyncio.create_task(self._commit_all(), name="pg-records")
        await done

    async def _commit_all(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                await self._commit(batch)
        except BaseException as e:  # the loop is closing: no caller is left waiting
            for _, _, done in self._waiting:
                settle(done, e if isinstance(e, Exception) else None, cancel=True)
            raise
        finally:
            self._committer = None

    async def _commit(self, batch: list[Write]) -> None:
        await commit_batch(batch, self._transaction)

    async def _transaction(self, batch: list[Write]) -> None:
        runs = [(sql, [write[1] for write in same]) for sql, same in groupby(batch, _sql)]
        async with self.pool.acquire() as conn:
            if len(runs) == 1:  # one statement, or one executemany (atomic since asyncpg
                await _run(conn, *runs[0])  # 0.22): a transaction of its own, one round trip
                return
            async with conn.transaction():
                for sql, params in runs:
                    await _run(conn, sql, params)


def _sql(write: Write) -> str:
    return write[0]


async def _run(conn: asyncpg.Connection, sql: str, params: list[Params]) -> None:
    """One run of writes of one statement: alone, or pipelined with executemany."""
    if len(params) == 1:
        await conn.execute(postgres(sql), *params[0])
    else:
        await conn.executemany(postgres(sql), params)
