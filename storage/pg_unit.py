"""A unit of work on PostgreSQL: a transaction on a pooled connection of its own, whose
repositories are the SQLite ones on a connection that speaks PostgreSQL (storage/dialect.py).

Invariants (what a newcomer can break):
- Units run side by side (READ COMMITTED); a turn holds its chat with a transaction-scoped
  advisory lock (CHAT_LOCK), taken with BEGIN, so no other worker runs a turn of that chat.
- Held-back writes go in order, a run of one statement at a time (executemany, pipelined),
  those that commute gathered by statement (storage/buffer.py's batches): a unit's hundreds of
  outbox rows, events and case updates go as three executemany, not hundreds of round trips.
  A read that no held-back write can change (fetch_apart) does not send them.
- A unit that loses a deadlock or a serialization failure is rolled back whole and raises
  core's Conflict, so that core may run the turn again from its start; nothing else is retried.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

import asyncpg

from core.models import Case
from core.ports import Conflict
from storage.buffer import HeldBack, Outcome, Params, batches
from storage.dialect import postgres, returns_id
from storage.unit_of_work import Repositories

if TYPE_CHECKING:
    from storage.pg import PgDatabase

__all__ = ["PgConnection", "PgUnitOfWork", "chat_lock_key", "pg_unit_factory"]

ROWCOUNT = re.compile(r"(\d+)$")  # the count at the end of a command's status ("UPDATE 3")
# A chat's turn: one unit of work at a time per chat, in whichever worker (released at the end
# of the transaction). Keyed by a 64-bit hash of "channel:chat" (chat_lock_key); a collision
# only makes two chats take turns. Sent with BEGIN as one simple query: one round trip, not two.
# The key is an integer computed here, so nothing but digits is put into the statement.
CHAT_LOCK = "BEGIN; SELECT pg_advisory_xact_lock({key:d})"
# What a transaction loses to another: nothing of it is kept, and running it again from its
# start is safe (not the rest of class 40: 40003, completion unknown, may have committed).
LOST = (asyncpg.exceptions.DeadlockDetectedError, asyncpg.exceptions.SerializationError)


def chat_lock_key(chat: str) -> int:
    """The advisory lock key of a chat's turns ("channel:chat"): a signed 64-bit hash, the same
    in every worker (a stable hash, not Python's salted hash())."""
    digest = hashlib.blake2b(chat.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class PgConnection(HeldBack):
    """A unit of work's connection on PostgreSQL, as its repositories see it: the interface of
    storage/buffer.py's BufferedConnection (held-back writes, peeks), each statement rewritten
    for PostgreSQL. Held-back writes go grouped by statement with executemany (pipelined)."""

    dialect = "postgres"
    locks_rows = True  # a case read in a unit is locked until it ends (storage/cases.py)

    def __init__(self, raw: asyncpg.Connection) -> None:
        super().__init__()
        self.raw = raw
        self.here = False  # asked for by SQLite's units; every round trip is async here
        self._open = False
        self.chat: str | None = None  # the chat whose turn this is: held until the unit ends

    async def _send(self) -> None:
        """BEGIN if due, the peeks, then the held-back writes, in order."""
        if self._begin:
            self._begin = False
            self._open = True  # rolled back at the end even if the lock is never granted
            if self.chat is None:
                await self.raw.execute("BEGIN")
            else:
                await self.raw.execute(CHAT_LOCK.format(key=chat_lock_key(self.chat)))
        peeks, self._peeks = self._peeks, {}
        for name, (sql, params) in peeks.items():
            self.peeked[name] = list(await self.raw.fetch(postgres(sql), *params))
        queued, self._queue = self._queue, []
        for sql, rows in batches(queued, self._commuting):
            if len(rows) == 1:
                await self.raw.execute(postgres(sql), *rows[0])
            else:
                await self.raw.executemany(postgres(sql), [tuple(p) for p in rows])

    async def fetch_apart(self, sql: str, params: Params = ()) -> list[Any]:
        """The rows of a read that no held-back write can change (a sequence's next values):
        the writes stay held back, to go together later."""
        if self._begin or self._peeks:
            held, self._queue = self._queue, []
            try:
                await self._send()
            finally:
                self._queue = held + self._queue
        return list(await self.raw.fetch(postgres(sql), *params))

    async def flush(self) -> None:
        """Send every held-back write, in order."""
        await self._send()

    async def execute(self, sql: str, params: Params = ()) -> Outcome:
        """Run a statement after the held-back writes; returns what it changed."""
        await self._send()
        if returns_id(sql):
            rows = await self.raw.fetch(postgres(sql), *params)
            return Outcome(len(rows), int(rows[0][0]) if rows else None)
        status = await self.raw.execute(postgres(sql), *params)
        found = ROWCOUNT.search(status)
        return Outcome(int(found.group(1)) if found else -1, None)

    async def fetchone(self, sql: str, params: Params = ()) -> Any:
        """The first row of a query, after the held-back writes."""
        await self._send()
        return await self.raw.fetchrow(postgres(sql), *params)

    async def execute_fetchall(self, sql: str, params: Params = ()) -> Iterable[Any]:
        """Run a query after the held-back writes and return its rows."""
        await self._send()
        return list(await self.raw.fetch(postgres(sql), *params))

    async def commit(self) -> None:
        """Send the held-back writes and COMMIT (nothing if nothing began)."""
        if self._queue:
            await self._send()
        self._begin = False
        if self._open:
            self._open = False
            await self.raw.execute("COMMIT")

    async def rollback(self) -> None:
        """Forget what is held back and roll back what was sent, if anything was."""
        self.discard()
        self._begin = False
        if self._open:
            self._open = False
            await self.raw.execute("ROLLBACK")


class PgUnitOfWork(Repositories):
    """A transaction on a pooled connection of its own; units of work run side by side."""

    def __init__(self, db: PgDatabase) -> None:
        self.db = db
        self.queued: list[int] = []
        self._done = False
        self._raw: asyncpg.Connection | None = None

    def expect_turn(self, channel: str, user_id: str, chat_id: str) -> None:
        """Hold the chat (no other worker's unit runs a turn of it meanwhile), and read the
        sender and the chat's conversation with the turn's first round trip."""
        self.conn.chat = f"{channel}:{chat_id}"
        self.people.expect(channel, user_id)
        self.dialogs.expect(channel, chat_id)

    async def read_ahead(self, cases: Sequence[Case]) -> None:
        """Read for the cases the unit is about to act on (the sweep's batch) in three
        statements, not three round trips a case: their residents and assignees, their tanks'
        members and the coordinators, their keyed messages, their timelines (core.ports)."""
        if not cases:
            return
        ids = [case.id for case in cases]
        people = {case.resident_id for case in cases}
        people |= {case.assignee_id for case in cases if case.assignee_id is not None}
        await self.people.read_ahead(people, {case.tank for case in cases if case.tank})
        await self.outbox.read_ahead(ids)
        await self.events.read_ahead(ids)

    async def __aenter__(self) -> PgUnitOfWork:
        if self.db.recording:
            await asyncio.wait(list(self.db.recording))
        self._raw = raw = await self.db.pool.acquire()
        self.conn = conn = PgConnection(raw)
        self.attach(conn)  # type: ignore[arg-type]  # the same interface, PostgreSQL's
        conn.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._done:
                self.queued.clear()
                await self.conn.rollback()
        finally:
            if self._raw is not None:
                await self.db.pool.release(self._raw)
                self._raw = None
        if isinstance(exc, LOST):  # rolled back whole: core may run it again (core.ports)
            raise Conflict(f"{type(exc).__name__}: {exc}") from exc

    async def commit(self) -> None:
        """Make every change of this unit durable."""
        await self.conn.commit()
        self._done = True


def pg_unit_factory(db: PgDatabase) -> Callable[[], PgUnitOfWork]:
    """A factory of units of work on a PostgreSQL database."""
    return lambda: PgUnitOfWork(db)
