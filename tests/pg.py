"""The PostgreSQL half of the suite: a fresh schema per test on MINQING_TEST_POSTGRES."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

POSTGRES_URL = os.environ.get("MINQING_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@asynccontextmanager
async def fresh_schema() -> AsyncIterator[tuple[str, str]]:
    """A new, empty schema on the test server, dropped afterwards: (server url, schema).
    Skips the test, saying why, when no server answers (CI always has one)."""
    try:
        import asyncpg
    except ImportError:
        pytest.skip("PostgreSQL half not run: asyncpg is not installed (pip install -e '.[dev]')")
    try:
        admin = await asyncpg.connect(POSTGRES_URL, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError) as e:
        pytest.skip(f"PostgreSQL half not run: no server at MINQING_TEST_POSTGRES ({e})")
    schema = f"minqing_test_{secrets.token_hex(6)}"
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield POSTGRES_URL, schema
    finally:
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()
