"""The PostgreSQL half of the suite: a fresh schema per test on MINQING_TEST_POSTGRES."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import NoReturn

import pytest

POSTGRES_URL = os.environ.get("MINQING_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
# CI sets this: there, a PostgreSQL half that cannot run is a failure, never a quiet skip.
REQUIRED = os.environ.get("MINQING_REQUIRE_POSTGRES") == "1"


def not_run(why: str) -> NoReturn:
    """Skip the test saying why, or fail it where PostgreSQL is required (CI)."""
    message = f"PostgreSQL half not run: {why}"
    if REQUIRED:
        pytest.fail(message + " (MINQING_REQUIRE_POSTGRES=1)")
    pytest.skip(message)


@asynccontextmanager
async def fresh_schema() -> AsyncIterator[tuple[str, str]]:
    """A new, empty schema on the test server, dropped afterwards: (server url, schema).
    Skips the test, saying why, when no server answers (CI always has one)."""
    try:
        import asyncpg
    except ImportError:
        not_run("asyncpg is not installed (pip install -e '.[dev]')")
    try:
        admin = await asyncpg.connect(POSTGRES_URL, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError) as e:
        not_run(f"no server at MINQING_TEST_POSTGRES ({e})")
    schema = f"minqing_test_{secrets.token_hex(6)}"
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield POSTGRES_URL, schema
    finally:
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()
