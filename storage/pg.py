"""PostgreSQL (asyncpg): a pool of connections, the migrations of storage/migrations/postgres/,
reads of committed data, and short transactions of their own; the units of work are in
storage/pg_unit.py.

Where SQLite has one writer at a time (the process-wide writer lock, storage/db.py), PostgreSQL
has many: each unit of work is a transaction on a connection of its own, READ COMMITTED, and
what must not run twice at once is held by row locks (claims with FOR UPDATE SKIP LOCKED,
storage/pg_claims.py) or a transaction-scoped advisory lock (a chat's turn, the migrations).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable, Generator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

import asyncpg

from storage.buffer import Params
from storage.dialect import postgres, returns_id
from storage.pg_records import PgRecords
from storage.pg_reset import SessionResets
from storage.pg_unit import ROWCOUNT, PgConnection, PgUnitOfWork, pg_unit_factory

__all__ = [
    "PgConnection",
    "PgDatabase",
    "PgUnitOfWork",
    "is_postgres",
    "pg_migrations",
    "pg_unit_factory",
]

log = logging.getLogger(__name__)

_MIGRATION = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
MIGRATION_LOCK = 0x6D696E71  # the advisory lock two processes migrating at once take in turn
# A job one worker at a time does (the nightly housekeeping), keyed by its name.
JOB_LOCK = "SELECT pg_try_advisory_lock(hashtextextended('job:' || $1, 0))"
JOB_UNLOCK = "SELECT pg_advisory_unlock(hashtextextended('job:' || $1, 0))"


def is_postgres(target: str) -> bool:
    """Whether a database setting names a PostgreSQL server rather than a SQLite file."""
    return target.startswith(("postgresql://", "postgres://"))


def pg_migrations() -> list[tuple[int, str, str]]:
    """The PostgreSQL migrations, numbered as SQLite's are: (version, name, sql)."""
    found = []
    for entry in resources.files("storage.migrations.postgres").iterdir():
        match = _MIGRATION.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


class PgDatabase:
    """The bot's database on a PostgreSQL server: a pool of connections."""

    dialect = "postgres"

    def __init__(self, pool: asyncpg.Pool, url: str, resets: SessionResets | None = None) -> None:
        self.pool = pool
        self.resets = resets or SessionResets()  # the pool's reset (storage/pg_reset.py)
        self.path = url
        # The sender's records of deliveries being written: a unit of work starts after them,
        # so a reply to a message just delivered finds it (SQLite gives them urgent turns).
        self.recording: set[asyncio.Future[None]] = set()
        # Short writes of their own (the channels' ingress rows, their small tables), committed
        # together when they come at once, as SQLite's group commit does (db.records.write).
        self.records = PgRecords(pool)

    @asynccontextmanager
    async def record(self) -> AsyncIterator[asyncpg.Connection]:
        """A pooled connection for one of the sender's records; units wait for it. A record
        is a transaction of its own, of one row: batched with others, a delivery's record
        would hold several outbox rows and could deadlock with the leases' renewal."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.recording.add(done)
        try:
            async with self.pool.acquire() as conn:
                yield conn
        finally:
            self.recording.discard(done)
            done.set_result(None)

    @classmethod
    async def open(
        cls, url: str, schema: str | None = None, size: int = 10, migrate: bool = True
    ) -> PgDatabase:
        """Connect to the server at url (tables in `schema`, if given) and migrate."""
        settings = {"search_path": schema} if schema else None
        resets = SessionResets()
        pool = await asyncpg.create_pool(
            url, min_size=1, max_size=size, server_settings=settings, reset=resets
        )
        db = cls(pool, url, resets)
        try:
            if migrate:
                await db.migrate()
        except BaseException:
            await pool.close()
            raise
        return db

    async def version(self) -> int:
        """The schema version the database is at."""
        async with self.pool.acquire() as conn:
            return await _version(conn)

    async def migrate(self) -> list[int]:
        """Apply every migration newer than the database, each in its own transaction, under an
        advisory lock so that workers starting together migrate once."""
        applied: list[int] = []
        async with self.pool.acquire() as conn:
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)"
                )
            for version, name, sql in pg_migrations():
                async with conn.transaction():
                    await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
                    if version <= await _version(conn):
                        continue
                    log.info("applying migration %s", name)
                    await conn.execute(sql)
                    await conn.execute("DELETE FROM schema_version")
                    await conn.execute("INSERT INTO schema_version VALUES ($1)", version)
                    applied.append(version)
        return applied

    @property
    def reader(self) -> PgReader:
        """Committed data, read on the pool."""
        return PgReader(self.pool)

    views = reader

    def read_conn(self) -> PgReader:
        """A reading connection for the repositories (a case's timeline, the conversations)."""
        return PgReader(self.pool)

    def unit_factory(self) -> Callable[[], PgUnitOfWork]:
        """A factory of units of work on this database."""
        return lambda: PgUnitOfWork(self)

    def deliveries(self, channel: str) -> Any:
        """The sender's side of the outbox, claimed per chat (storage/pg_claims.py)."""
        from storage.pg_claims import PgOutboxDeliveries

        return PgOutboxDeliveries(self, channel)

    @asynccontextmanager
    async def transaction(self, urgent: bool = False) -> AsyncIterator[PgStatements]:
        """A short write transaction of its own (housekeeping's batches), as Database's."""
        async with self.pool.acquire() as conn, conn.transaction():
            yield PgStatements(conn)

    @asynccontextmanager
    async def alone(self, job: str) -> AsyncIterator[bool]:
        """Whether this worker got the job to itself (a session advisory lock on its name,
        tried, never waited for, held until the block ends); False: another worker is at it."""
        async with self.pool.acquire() as conn:
            self.resets.mark(conn)  # a session lock: unlocked by the full reset, come what may
            got = bool(await conn.fetchval(JOB_LOCK, job))
            try:
                yield got
            finally:
                if got:
                    await conn.fetchval(JOB_UNLOCK, job)

    async def fold_tallies(self) -> None:
        """Fold the tallies' deltas into one row per key (storage/migrations/postgres/0002)."""
        async with self.pool.acquire() as conn:
            await conn.execute("SELECT fold_tallies()")

    async def close(self) -> None:
        """Close the pool."""
        await self.pool.close()


def _number(text: str) -> int | float:
    """A numeric as SQLite gives it: sum() of integers is an integer."""
    return float(text) if "." in text or "e" in text.lower() else int(text)


async def _codecs(conn: asyncpg.Connection) -> None:
    """numeric (what sum() and avg() of BIGINT give) as int or float, not Decimal."""
    await conn.set_type_codec(
        "numeric", encoder=str, decoder=_number, schema="pg_catalog", format="text"
    )


async def _version(conn: asyncpg.Connection) -> int:
    value = await conn.fetchval("SELECT max(version) FROM schema_version")
    return int(value or 0)


class PgStatements:
    """A transaction's connection as SQLite's is used for short transactions of their own:
    `async with conn.execute(sql, params) as cursor` (or `await conn.execute(...)`), and the
    cursor's rowcount, lastrowid (an INSERT's new id), fetchone and fetchall."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Params = ()) -> _Ran:
        """Run a statement when entered."""
        return _Ran(self.conn, sql, params)


class _Ran:
    """A statement run on entering (or awaiting); its rowcount, rows and new id after."""

    def __init__(self, conn: asyncpg.Connection, sql: str, params: Params) -> None:
        self.conn, self.sql, self.params = conn, sql, params
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.rows: list[Any] = []

    async def _run(self) -> _Ran:
        sql = postgres(self.sql)
        if sql.lstrip().upper().startswith(("SELECT", "WITH")) or " RETURNING " in sql.upper():
            self.rows = list(await self.conn.fetch(sql, *self.params))
            self.rowcount = len(self.rows)
            if returns_id(self.sql) and self.rows:
                self.lastrowid = int(self.rows[0][0])
            return self
        status = await self.conn.execute(sql, *self.params)
        found = ROWCOUNT.search(status)
        self.rowcount = int(found.group(1)) if found else -1
        return self

    def __await__(self) -> Generator[Any, None, _Ran]:
        return self._run().__await__()

    async def fetchall(self) -> list[Any]:
        """The statement's rows."""
        return self.rows

    async def fetchone(self) -> Any:
        """The statement's first row, or None."""
        return self.rows[0] if self.rows else None

    async def __aenter__(self) -> _Ran:
        return await self._run()

    async def __aexit__(self, *exc: object) -> None:
        return None


class PgReader:
    """Committed data read outside any unit of work (the coordinators' lists, the conversations
    before a turn, the similarity index), each statement on a pooled connection; it answers to
    what the repositories and views ask of a reading connection."""

    dialect = "postgres"

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.here = False

    def peek(self, name: str, sql: str, params: Params = ()) -> None:
        """Reads are made when asked for here (take hands back nothing)."""

    def take(self, name: str) -> list[Any] | None:
        """Nothing is read ahead."""
        return None

    def drop(self, prefix: str) -> None:
        """Nothing is read ahead."""

    async def execute_fetchall(self, sql: str, params: Params = ()) -> list[Any]:
        """The rows of a query."""
        async with self.pool.acquire() as conn:
            return list(await conn.fetch(postgres(sql), *params))

    async def fetchone(self, sql: str, params: Params = ()) -> Any:
        """The first row of a query."""
        async with self.pool.acquire() as conn:
            return await conn.fetchrow(postgres(sql), *params)
