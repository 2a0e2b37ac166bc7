"""Where a stress part's bot keeps its data: a SQLite file (one process), or a fresh schema on the
PostgreSQL server of MINQING_TEST_POSTGRES (several workers), dropped when the part ends.

The parts read the database only through `query` (tests/stress/proc.py), with `?` placeholders
and plain SELECTs that mean the same on both; the PostgreSQL reads run on a connection of their
own in a thread of their own, so a part may call them from its event loop or from a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.pg import POSTGRES_URL

WORKERS = 4
PLACEHOLDER = re.compile(r"\?")


@dataclass(frozen=True)
class Store:
    """A SQLite file, or a schema on the test server served by `workers` worker processes."""

    path: Path | None = None
    schema: str = ""
    workers: int = 1
    server: str = POSTGRES_URL

    @classmethod
    def sqlite(cls, path: Path) -> Store:
        """One bot process on this file."""
        return cls(path=path)

    @property
    def postgres(self) -> bool:
        """Whether this is a PostgreSQL schema."""
        return self.path is None

    def setting(self) -> str:
        """MINQING_DATABASE for the bot."""
        if self.path is not None:
            return str(self.path)
        return f"{self.server}?search_path={self.schema}"

    def query(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        """Rows of a read-only query on the schema; `?` placeholders."""
        numbered = iter(range(1, len(params) + 1))
        text = PLACEHOLDER.sub(lambda _: f"${next(numbered)}", sql)
        with ThreadPoolExecutor(1) as thread:
            return thread.submit(asyncio.run, self._fetch(text, params)).result()

    async def _fetch(self, sql: str, params: tuple[object, ...]) -> list[tuple[Any, ...]]:
        import asyncpg

        conn = await asyncpg.connect(self.server, server_settings={"search_path": self.schema})
        try:
            async with conn.transaction(readonly=True):
                return [tuple(r) for r in await conn.fetch(sql, *params)]
        finally:
            await conn.close()


async def reachable() -> str | None:
    """None when the test server answers; else why not."""
    try:
        import asyncpg
    except ImportError:
        return "asyncpg is not installed (pip install -e '.[dev]')"
    try:
        conn = await asyncpg.connect(POSTGRES_URL, timeout=3)
    except (OSError, TimeoutError, asyncpg.PostgresError) as e:
        return f"no server at MINQING_TEST_POSTGRES ({e})"
    await conn.close()
    return None


@contextlib.asynccontextmanager
async def fresh(database: str, path: Path, workers: int = WORKERS) -> AsyncIterator[Store]:
    """The file at path (database "sqlite"), or a new schema for `workers` workers (database
    "postgres"), dropped afterwards with everything in it."""
    if database == "sqlite":
        yield Store.sqlite(path)
        return
    import asyncpg

    schema = f"minqing_stress_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(POSTGRES_URL, timeout=3)
    try:
        await admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield Store(schema=schema, workers=workers)
        finally:
            await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        await admin.close()
