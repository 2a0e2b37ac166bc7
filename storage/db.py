"""The SQLite database: one connection, WAL, foreign keys, numbered migrations on open."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

_MIGRATION = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def to_ms(moment: datetime) -> int:
    """A moment as UTC milliseconds since the epoch."""
    return int(moment.timestamp() * 1000)


def from_ms(value: int | None) -> datetime | None:
    """UTC milliseconds since the epoch as an aware moment."""
    return None if value is None else datetime.fromtimestamp(value / 1000, UTC)


def migrations() -> list[tuple[int, str, str]]:
    """The numbered migrations shipped with the code, in order: (version, name, sql)."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _MIGRATION.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


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
        self.path = path
        self.lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path) -> Database:
        """Open (creating if needed) and migrate the database at path."""
        target = str(path)
        if target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        conn = await _connect(target)
        db = cls(conn, conn, target)
        try:
            await _pragma(conn, "PRAGMA journal_mode = WAL")
            await _pragma(conn, "PRAGMA synchronous = FULL")
            await db.migrate()
            if target != ":memory:":
                db.reader = await _read_only(target)
                db.views = await _read_only(target)
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
        """Apply every migration newer than the file, each in its own transaction."""
        applied = []
        async with self.lock:
            current = await self.version()
            for version, name, sql in migrations():
                if version <= current:
                    continue
                log.info("applying migration %s", name)
                script = f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;"
                try:
                    await self.conn.executescript(script)
                except BaseException:
                    if self.conn.in_transaction:
                        await self.conn.execute("ROLLBACK")
                    raise
                applied.append(version)
        return applied

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction on the writer connection, committed when the block ends."""
        async with self.lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def backup(self, target: str | Path) -> int:
        """Copy the database with SQLite's online backup API; returns the copy's page count."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        copy = await aiosqlite.connect(str(target))
        try:
            await self.reader.backup(copy)
            async with copy.execute("PRAGMA integrity_check") as cursor:
                row = await cursor.fetchone()
            if row is None or row[0] != "ok":
                raise RuntimeError(f"backup {target} failed its integrity check: {row}")
            async with copy.execute("PRAGMA page_count") as cursor:
                pages = await cursor.fetchone()
        finally:
            await copy.close()
        return int(pages[0]) if pages else 0

    @staticmethod
    async def restore(source: str | Path, target: str | Path) -> None:
        """Replace the database at target with a checked copy of a backup."""
        src = await aiosqlite.connect(str(source))
        try:
            async with src.execute("PRAGMA integrity_check") as cursor:
                row = await cursor.fetchone()
            if row is None or row[0] != "ok":
                raise RuntimeError(f"{source} is not a sound database: {row}")
            await asyncio.to_thread(_remove_journal, Path(target))
            dst = await aiosqlite.connect(str(target))
            try:
                await src.backup(dst)
            finally:
                await dst.close()
        finally:
            await src.close()

    async def close(self) -> None:
        """Close the connections."""
        if self.views is not self.reader and self.views is not self.conn:
            await self.views.close()
        if self.reader is not self.conn:
            await self.reader.close()
        await self.conn.close()


async def _pragma(conn: aiosqlite.Connection, sql: str) -> None:
    """Run a pragma and close its cursor, so no statement stays open on the connection."""
    async with conn.execute(sql):
        pass


def _remove_journal(path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def _read_only(target: str) -> aiosqlite.Connection:
    conn = await _connect(target)
    await _pragma(conn, "PRAGMA query_only = ON")
    return conn


async def _connect(target: str) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(target, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    await _pragma(conn, "PRAGMA foreign_keys = ON")
    await _pragma(conn, "PRAGMA busy_timeout = 10000")
    return conn
