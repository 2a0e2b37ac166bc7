"""The SQLite database: one connection, WAL, foreign keys, numbered migrations on open."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
import threading
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import aiosqlite

from storage.backup import PageProgress, RestoreError, backup_to, restore_from
from storage.buffer import BUSY_TIMEOUT_MS, Trips
from storage.group_commit import GroupCommit

__all__ = ["Database", "PageProgress", "RestoreError", "from_ms", "migrations", "to_ms"]

log = logging.getLogger(__name__)

_MIGRATION = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def to_ms(moment: datetime) -> int:
    """A moment as UTC milliseconds since the epoch."""
    return int(moment.timestamp() * 1000)


def from_ms(value: int | None) -> datetime | None:
    """UTC milliseconds since the epoch as an aware moment."""
    return None if value is None else datetime.fromtimestamp(value / 1000, UTC)


def at_ms(value: int) -> datetime:
    """A column that is never NULL, UTC milliseconds since the epoch, as an aware moment."""
    return datetime.fromtimestamp(value / 1000, UTC)


def migrations() -> list[tuple[int, str, str]]:
    """The numbered migrations shipped with the code, in order: (version, name, sql)."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _MIGRATION.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


class WriterLock:
    """Turns on the writer connection: first come, first served, except that urgent turns go
    before every waiting ordinary one. The sender's record of a delivery is urgent: it is short,
    and until it is committed a crash would send the message again."""

    def __init__(self) -> None:
        self._held = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._ordinary: deque[asyncio.Future[None]] = deque()

    def locked(self) -> bool:
        """True while someone has the turn."""
        return self._held

    async def acquire(self, urgent: bool = False) -> None:
        """Wait for the turn."""
        if not self._held:
            self._held = True
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._urgent if urgent else self._ordinary
        queue.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed the turn as it was cancelled: pass it on
            else:
                with contextlib.suppress(ValueError):
                    queue.remove(waiter)
            raise

    def release(self) -> None:
        """Hand the turn to the next waiter, urgent ones first."""
        for queue in (self._urgent, self._ordinary):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
        self._held = False

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(self, *exc: object) -> None:
        self.release()


class Database:
    """The bot's database: a writer connection that units of work share in turns (`lock`); a
    reader connection that sees only committed data, for the sender; and one more such for the
    coordinators' read side (`views`), whose reports take seconds on a large file (/stats all:
    2.9 s on a million cases) and must not hold up the sender's reads meanwhile (one connection
    runs one statement at a time)."""

    def __init__(
        self,
        conn: aiosqlite.Connection,
        reader: aiosqlite.Connection,
        path: str,
        views: aiosqlite.Connection | None = None,
    ) -> None:
        self.conn = conn
        self.reader = reader
        self.views = views or reader
        # Point reads of committed data made right here on the event loop, a few tens of
        # microseconds each (the chat's conversation before a turn, the rows the sender was
        # just handed): a connection of their own, never used from a thread.
        self.glance = Trips(reader, here=False, writes=False)
        self.path = path
        self.lock = WriterLock()
        # The writer's round trips: on aiosqlite's thread, or for small turns on the event loop
        # (storage/buffer.py); a file's writer connection allows that, :memory:'s (also the
        # reader) does not.
        self.trips = Trips(conn, here=reader is not conn)
        # Short writes (the sender's records of deliveries) committed together, or with the
        # unit of work that commits while they wait.
        self.records = GroupCommit(self, urgent=True)

    @classmethod
    async def open(cls, path: str | Path) -> Database:
        """Open (creating if needed) and migrate the database at path."""
        target = str(path)
        if target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        memory = target == ":memory:"
        conn = await _connect(target, any_thread=not memory)
        db = cls(conn, conn, target)
        try:
            await _pragma(conn, "PRAGMA journal_mode = WAL")
            await _pragma(conn, "PRAGMA synchronous = FULL")
            await db.migrate()
            if not memory:
                db.reader = await _read_only(target)
                db.views = await _read_only(target)
                db.glance = Trips(await _read_only(target, any_thread=True), writes=False)
                db.trips = Trips(conn, here=True)
        except BaseException:
            await db.close()
            raise
        return db

    async def version(self) -> int:
        """The schema version the file is at."""
        async with self.conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self) -> list[int]:
        """Apply every migration newer than the file, each in its own transaction. Foreign keys
        are off meanwhile, so that a migration may rebuild a table others refer to (SQLite's
        way to change a constraint), and checked before each commits."""
        applied: list[int] = []
        async with self.lock:
            current = await self.version()
            pending = [m for m in migrations() if m[0] > current]
            if not pending:
                return applied
            await _pragma(self.conn, "PRAGMA foreign_keys = OFF")
            try:
                for version, name, sql in pending:
                    log.info("applying migration %s", name)
                    await self._apply(name, f"{sql}\nPRAGMA user_version = {version};")
                    applied.append(version)
            finally:
                await _pragma(self.conn, "PRAGMA foreign_keys = ON")
        return applied

    async def _apply(self, name: str, script: str) -> None:
        """Run one migration's script in a transaction; committed only if every foreign key
        still holds."""
        try:
            await self.conn.executescript(f"BEGIN IMMEDIATE;\n{script}")
            broken = list(await self.conn.execute_fetchall("PRAGMA foreign_key_check"))
            if broken:
                raise sqlite3.IntegrityError(f"{name} breaks foreign keys: {list(broken[0])}")
            await self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                await self.conn.execute("ROLLBACK")
            raise

    @asynccontextmanager
    async def transaction(self, urgent: bool = False) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction on the writer connection, committed when the block ends; an
        urgent one goes before the units of work waiting for their turn."""
        await self.lock.acquire(urgent)
        try:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            try:
                await self.conn.execute("COMMIT")
            except Exception:
                if self.conn.in_transaction:  # a COMMIT that fails leaves it open
                    await self.conn.execute("ROLLBACK")
                raise
        finally:
            self.lock.release()

    async def backup(
        self, target: str | Path, overwrite: bool = False, progress: PageProgress | None = None
    ) -> int:
        """Copy the database with SQLite's online backup API into a checked new file; returns the
        copy's page count. An existing file is replaced only when `overwrite` is true, and only
        once the copy is complete and sound."""
        return await backup_to(self.reader, Path(target), overwrite, progress)

    @staticmethod
    async def restore(
        source: str | Path,
        target: str | Path,
        skip_numbers: int = 0,
        keep_as: str | Path | None = None,
        progress: PageProgress | None = None,
    ) -> int:
        """Replace the database at target with a checked copy of a backup, its case numbers moved
        on by skip_numbers; returns the last case number now taken. The source is checked before
        anything is touched (RestoreError); an existing target is kept, with its -wal and -shm,
        under keep_as (which must be given then, and must not exist)."""
        kept = Path(keep_as) if keep_as is not None else None
        latest = migrations()[-1][0]
        return await restore_from(
            Path(source), Path(target), max(0, skip_numbers), kept, latest, progress
        )

    async def close(self) -> None:
        """Close the connections."""
        if self.glance.raw not in (self.reader, self.conn):
            await self.glance.raw.close()
        if self.views is not self.reader and self.views is not self.conn:
            await self.views.close()
        if self.reader is not self.conn:
            await self.reader.close()
        await self.conn.close()


async def _pragma(conn: aiosqlite.Connection, sql: str) -> None:
    """Run a pragma and close its cursor, so no statement stays open on the connection."""
    async with conn.execute(sql):
        pass


async def _read_only(target: str, any_thread: bool = False) -> aiosqlite.Connection:
    conn = await _connect(target, any_thread)
    await _pragma(conn, "PRAGMA query_only = ON")
    return conn


async def _connect(target: str, any_thread: bool = False) -> aiosqlite.Connection:
    # The writer's connection may be used from the event loop's thread as well as aiosqlite's,
    # one at a time (storage/buffer.py, Trips).
    pending = aiosqlite.connect(target, isolation_level=None, check_same_thread=not any_thread)
    try:
        conn = await pending
    except BaseException:
        # aiosqlite stops its thread on a failed connect without waiting for it: wait here, or
        # the thread answers into a closed event loop when the failure ends the process.
        thread = getattr(pending, "_thread", None)
        if isinstance(thread, threading.Thread) and thread.is_alive():
            await asyncio.to_thread(thread.join, 5)
        raise
    conn.row_factory = aiosqlite.Row
    await _pragma(conn, "PRAGMA foreign_keys = ON")
    # Deleted and overwritten content is zeroed, not left in free space: what /forgetme and
    # purge erase is gone from the file once checkpointed. SQLite's own default is off (some
    # distributions build it on), so erasure must not depend on the build.
    await _pragma(conn, "PRAGMA secure_delete = ON")
    await _pragma(conn, f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn
