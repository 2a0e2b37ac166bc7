"""A unit of work's connection: held-back writes, and one round trip per read, BEGIN and COMMIT
included.

aiosqlite runs each statement on the connection's own thread: a round trip there and back to the
event loop for every statement. A unit of work holds the writer while it makes them, and under
load the round trips, not the statements, were most of the time it held it (each one waits for
the thread and for the GIL, then for the loop to come back to the task: 0.1 ms when idle,
milliseconds when busy, and the thread switches cost more CPU than the statements). So a unit's
connection sends as little as it can, as late as it can, all in one go:

- BEGIN IMMEDIATE is not sent when the unit opens, but with the unit's first statement; a unit
  that never touches the database never begins. BEGIN goes first, and if it fails nothing else
  of that round trip runs.
- Inserts and updates whose result nobody reads (a timeline event, an outbox row, a changed case)
  are queued, and sent grouped by statement (`executemany`), in their original order, in the
  same round trip as the next statement whose result is needed (a read, an insert whose id is
  needed), or as COMMIT. Within the transaction nothing can tell the difference.
- Reads registered with `peek` (what nearly every turn reads first: its sender, the chat's
  conversation, the outbox's last id) ride along with the next round trip; `take` hands their
  rows out once, and a repository that writes what one read drops it (`drop`).

A conversation's turn (a unit told `expect_turn`) does not even send them to the thread: its
round trips are a few statements on its own chat's rows, some tens of microseconds of SQLite, and
run right here on the event loop (`Trips`), COMMIT's fsync included. Everything else (the sweep,
digests, erasure, a round trip of more than MAX_HERE held-back writes) goes to the thread.

Invariants: statements run in the order they were made; a round trip stops at the first
statement that fails and raises its error, leaving what came before inside the transaction, for
the unit of work to roll back; COMMIT runs only after every held-back write succeeded. The writer
connection is used by whoever holds the writer lock, and by one thread at a time: a round trip
runs here only while none is queued on or running in aiosqlite's thread. A round trip here never
waits for another process's lock: a BEGIN that finds the file locked goes to the thread, which
waits for it (busy_timeout) without holding up the event loop.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Any, TypeVar

import aiosqlite

Params = tuple[Any, ...] | list[Any]
T = TypeVar("T")
MAX_HERE = 200  # held-back writes a round trip may carry and still run on the event loop
BUSY_TIMEOUT_MS = 10_000


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a write reports: rows changed, and the id of the row it inserted."""

    rowcount: int
    lastrowid: int | None


async def on_thread(raw: aiosqlite.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """Run work with the sqlite3 connection, on the connection's own thread, as one round trip.

    aiosqlite has no public call for this: `_execute` (queue a function for the thread) and
    `_conn` (the sqlite3 connection, on that thread) are its own, unchanged since 0.17; the
    storage tests run every statement through here.
    """
    result: T = await raw._execute(lambda: work(raw._conn))
    return result


class Trips:
    """The way to one sqlite3 connection: on aiosqlite's thread, or here on the event loop."""

    def __init__(self, raw: aiosqlite.Connection, here: bool = True, writes: bool = True) -> None:
        self.raw = raw
        self.here = here  # the connection allows use from the event loop's thread
        self.writes = writes  # BEGIN IMMEDIATE may wait for another process's lock
        self._on_thread = 0  # round trips handed to the thread and not yet done there

    async def run(self, work: Callable[[sqlite3.Connection], T], here: bool = False) -> T:
        """Run work as one round trip; here on the event loop if asked and safe."""
        if here and self.here and self._on_thread == 0:
            db = self.raw._conn
            if not self.writes:
                return work(db)  # reads of committed data in WAL mode do not wait
            db.execute("PRAGMA busy_timeout = 0")
            try:
                return work(db)
            except sqlite3.OperationalError as e:
                if db.in_transaction or not _locked(e):
                    raise
            finally:
                db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self._on_thread += 1

        def counted(db: sqlite3.Connection) -> T:
            try:
                return work(db)
            finally:
                self._on_thread -= 1

        return await on_thread(self.raw, counted)


def _locked(error: sqlite3.OperationalError) -> bool:
    """Whether BEGIN found the file locked by another process (nothing ran)."""
    return "locked" in str(error) or "busy" in str(error)


def batches(
    queued: Iterable[tuple[str, Params]], commuting: set[str]
) -> list[tuple[str, list[Params]]]:
    """Held-back writes as runs of one statement each (one executemany a run), in order, but
    for the statements that commute: between two that do not, those are gathered by statement,
    each in its first place, their own rows in their own order.

    A statement may commute (HeldBack.queue) only if it changes rows of a table that no other
    held-back statement of another text changes, and inserts nothing another one needs (an
    outbox row with its id, a timeline event, a case's update of every column): then sending
    it earlier or later than writes of other statements cannot change what either does."""
    runs: list[tuple[str, list[Params]]] = []
    gathered: dict[str, list[Params]] = {}  # the commuting runs since the last other statement
    for sql, params in queued:
        if sql in commuting:
            if sql not in gathered:
                gathered[sql] = []
                runs.append((sql, gathered[sql]))
            gathered[sql].append(params)
            continue
        gathered = {}
        if runs and runs[-1][0] == sql:
            runs[-1][1].append(params)
        else:
            runs.append((sql, [params]))
    return runs


class HeldBack:
    """What a unit's connection keeps until its next round trip, on either database: whether
    BEGIN is due, the peeks registered and the rows they brought, and the held-back writes."""

    def __init__(self) -> None:
        self._queue: list[tuple[str, Params]] = []
        self._commuting: set[str] = set()  # statements that may go out of turn (batches)
        self._begin = False
        self._peeks: dict[str, tuple[str, Params]] = {}
        self.peeked: dict[str, list[Any]] = {}

    def begin(self) -> None:
        """Open the transaction with the first statement sent."""
        self._begin = True

    def peek(self, name: str, sql: str, params: Params = ()) -> None:
        """Make a read with the next round trip; its rows land in `peeked[name]`."""
        self._peeks[name] = (sql, params)

    def take(self, name: str) -> list[Any] | None:
        """The rows a peek brought back, once; None if it has not (it is then not made)."""
        self._peeks.pop(name, None)
        return self.peeked.pop(name, None)

    def drop(self, prefix: str) -> None:
        """Forget the peeks whose name starts with prefix: what they read has changed."""
        for names in (self._peeks, self.peeked):
            for name in [n for n in names if n.startswith(prefix)]:
                del names[name]

    def queue(self, sql: str, params: Params, commutes: bool = False) -> None:
        """Hold back a write whose result is not needed; one that commutes (see `batches`) may
        be sent gathered with the later writes of its statement."""
        self._queue.append((sql, params))
        if commutes:
            self._commuting.add(sql)

    def discard(self) -> None:
        """Forget what is held back (the transaction is rolled back)."""
        self._queue.clear()


class BufferedConnection(HeldBack):
    """The writer connection as a unit of work's repositories see it (BEGIN IMMEDIATE)."""

    def __init__(self, trips: Trips) -> None:
        super().__init__()
        self.trips = trips
        self.raw = trips.raw
        self.here = False  # round trips on the event loop (a conversation's turn)

    async def flush(self) -> None:
        """Send every held-back write, in order."""
        if self._queue:
            await self._round_trip(lambda db: None)

    async def execute(self, sql: str, params: Params = ()) -> Outcome:
        """Run a statement after the held-back writes; returns what it changed."""

        def run(db: sqlite3.Connection) -> Outcome:
            cursor = db.execute(sql, params)
            return Outcome(cursor.rowcount, cursor.lastrowid)

        return await self._round_trip(run)

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """The first row of a query, after the held-back writes."""
        row: sqlite3.Row | None = await self._round_trip(
            lambda db: db.execute(sql, params).fetchone()
        )
        return row

    async def execute_fetchall(self, sql: str, params: Params = ()) -> Iterable[sqlite3.Row]:
        """Run a query after the held-back writes and return its rows."""
        rows: list[sqlite3.Row] = await self._round_trip(
            lambda db: db.execute(sql, params).fetchall()
        )
        return rows

    async def fetch_apart(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """The rows of a read that no held-back write can change: here as execute_fetchall
        (the writes ride along); PostgreSQL's leaves them held back (storage/pg_unit.py)."""
        return list(await self.execute_fetchall(sql, params))

    async def commit(self) -> None:
        """Send the held-back writes and COMMIT, in one round trip (nothing if nothing began)."""
        if self._queue or self.raw.in_transaction:
            await self._round_trip(lambda db: db.execute("COMMIT"))

    async def rollback(self) -> None:
        """Forget what is held back and roll back what was sent, if anything was."""
        self.discard()
        self._begin = False
        if self.raw.in_transaction:
            await self.trips.run(lambda db: db.execute("ROLLBACK"), self.here)

    async def _round_trip(self, last: Callable[[sqlite3.Connection], T]) -> T:
        begin, self._begin = self._begin, False
        queued, self._queue = self._queue, []
        peeks, self._peeks = self._peeks, {}

        def run(db: sqlite3.Connection) -> tuple[dict[str, list[sqlite3.Row]], T]:
            if begin:
                db.execute("BEGIN IMMEDIATE")
            peeked = {name: db.execute(sql, p).fetchall() for name, (sql, p) in peeks.items()}
            for sql, group in groupby(queued, key=lambda item: item[0]):
                params = [p for _, p in group]
                if len(params) == 1:
                    db.execute(sql, params[0])
                else:
                    db.executemany(sql, params)
            return peeked, last(db)

        here = self.here and len(queued) <= MAX_HERE
        peeked, result = await self.trips.run(run, here)
        self.peeked.update(peeked)
        return result
