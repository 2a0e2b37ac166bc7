"""A pooled PostgreSQL connection goes back to the pool without asyncpg's full reset round trip
unless it may hold session state (a job's lock): locks never outlive their holder."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from storage.pg import PgDatabase

SESSION_LOCK = "SELECT pg_try_advisory_lock(hashtextextended('job:test', 0))"


async def _open(pg_schema: tuple[str, str], size: int = 1) -> PgDatabase:
    url, schema = pg_schema
    return await PgDatabase.open(url, schema=schema, size=size)


async def _lock_is_free(db: PgDatabase) -> bool:
    """Whether a session outside the pool can take the job's lock (given back at once)."""
    other = await asyncpg.connect(db.path)
    try:
        return bool(await other.fetchval(SESSION_LOCK))
    finally:
        await other.close()


async def test_a_unit_of_work_is_released_without_the_full_reset(
    pg_schema: tuple[str, str],
) -> None:
    db = await _open(pg_schema)
    try:
        for _ in range(3):
            async with db.unit_factory()() as uow:
                uow.expect_turn("telegram", "1", "1")  # the chat's transaction-scoped lock
                assert (await uow.dialogs.get("telegram", "1")).state == "idle"
                await uow.commit()
        async with db.pool.acquire() as conn:
            await conn.fetchval("SELECT 1")
        assert db.resets.full == 0
        async with db.pool.acquire() as conn:  # the one connection the units used
            held = await conn.fetchval(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                " AND pid = pg_backend_pid()"
            )
        assert held == 0
    finally:
        await db.close()


async def test_a_transaction_left_open_is_rolled_back_on_release(
    pg_schema: tuple[str, str],
) -> None:
    db = await _open(pg_schema)
    try:
        conn = await db.pool.acquire()
        await conn.execute("BEGIN")
        await conn.execute("CREATE TABLE left_open (x INTEGER)")
        await conn.execute("SELECT pg_advisory_xact_lock(7)")
        await db.pool.release(conn)  # asyncpg rolls back, whatever the pool's reset does
        async with db.pool.acquire() as again:
            assert await again.fetchval("SELECT to_regclass('left_open')") is None
            assert await again.fetchval("SELECT pg_try_advisory_xact_lock(7)") is True
    finally:
        await db.close()


async def test_a_jobs_session_lock_is_given_back_even_when_the_block_is_cancelled(
    pg_schema: tuple[str, str],
) -> None:
    db = await _open(pg_schema, size=2)
    try:
        async with db.alone("test") as got:
            assert got
            assert not await _lock_is_free(db)  # held for the block
        assert await _lock_is_free(db)
        assert db.resets.full == 1

        entered = asyncio.Event()

        async def hold() -> None:
            async with db.alone("test"):
                entered.set()
                await asyncio.Event().wait()

        task = asyncio.create_task(hold())
        await entered.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await _lock_is_free(db)
        assert db.resets.full == 2  # each release after trying the lock: a full reset
    finally:
        await db.close()


async def test_a_marked_connection_loses_a_lock_it_never_unlocked(
    pg_schema: tuple[str, str],
) -> None:
    db = await _open(pg_schema, size=2)
    try:
        async with db.pool.acquire() as conn:
            db.resets.mark(conn)
            assert await conn.fetchval(SESSION_LOCK)  # and not unlocked
        assert await _lock_is_free(db)
        assert db.resets.full == 1
        async with db.pool.acquire() as conn:  # the mark is forgotten after its reset
            await conn.fetchval("SELECT 1")
        assert db.resets.full == 1
    finally:
        await db.close()
