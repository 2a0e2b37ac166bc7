"""One transaction over every repository, rolled back unless committed."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from storage.buffer import BufferedConnection
from storage.cases import SqlCases, SqlEvents
from storage.db import Database
from storage.desk import SqlDesk
from storage.erasure import SqlErasure
from storage.outbox import SqlOutboxQueue
from storage.records import SqlCorrections, SqlDigestLog, SqlInvites
from storage.repositories import SqlDialogs, SqlPeople, SqlUpdateLog
from storage.supporters import SqlSupporters


class Repositories:
    """Every repository of a unit of work, on the unit's connection (SQLite's, or PostgreSQL's,
    which answers to the same interface: storage/pg_unit.py)."""

    def attach(self, conn: BufferedConnection) -> None:
        """Put every repository on conn."""
        self.people = SqlPeople(conn)
        self.cases = SqlCases(conn)
        self.events = SqlEvents(conn)
        self.dialogs = SqlDialogs(conn)
        self.outbox = SqlOutboxQueue(conn)
        self.updates = SqlUpdateLog(conn)
        self.invites = SqlInvites(conn)
        self.corrections = SqlCorrections(conn)
        self.digests = SqlDigestLog(conn)
        self.erasure = SqlErasure(conn)
        self.supporters = SqlSupporters(conn)
        self.desk = SqlDesk(conn)


class SqliteUnitOfWork(Repositories):
    """A write transaction (BEGIN IMMEDIATE, sent with its first statement) holding the
    database's writer lock."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.conn = conn = BufferedConnection(db.trips)
        self.attach(conn)
        self.queued: list[int] = []
        self._done = False

    def expect_turn(self, channel: str, user_id: str, chat_id: str) -> None:
        """Read the sender and the chat's conversation with the turn's first round trip; a
        turn's round trips are small, and run on the event loop (storage/buffer.py)."""
        self.conn.here = True
        self.people.expect(channel, user_id)
        self.dialogs.expect(channel, chat_id)

    async def __aenter__(self) -> SqliteUnitOfWork:
        await self.db.lock.acquire()
        self.conn.begin()  # sent with the first statement
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
            self.db.lock.release()

    async def commit(self) -> None:
        """Make every change of this unit durable (held-back writes first, in one round trip),
        and the delivery records waiting for the writer with them."""
        riding = self.db.records.board()
        for sql, params, _ in riding:
            self.conn.queue(sql, params)
        try:
            await self.conn.commit()
        except BaseException:
            self.db.records.missed(riding)
            raise
        self._done = True
        self.db.records.landed(riding)


def unit_factory(db: Database) -> Callable[[], SqliteUnitOfWork]:
    """A factory of units of work on a database (PostgreSQL's has its own: storage/pg.py)."""
    if getattr(db, "dialect", "sqlite") == "postgres":
        factory: Callable[[], SqliteUnitOfWork] = db.unit_factory()  # type: ignore[attr-defined]
        return factory
    return lambda: SqliteUnitOfWork(db)


def committed_dialogs(db: Database) -> SqlDialogs:
    """The chats' conversations as last committed, read outside any unit of work, right here
    on the event loop (a point read: core/conversation/prejudge.py)."""
    if getattr(db, "dialect", "sqlite") == "postgres":
        return SqlDialogs(db.read_conn())  # type: ignore[attr-defined]
    conn = BufferedConnection(db.glance)
    conn.here = True
    return SqlDialogs(conn)
