"""Several workers' jobs on one PostgreSQL: digests asked for by two workers at once go out once,
the nightly housekeeping is done by one worker at a time, and a turn that loses a real deadlock
to another transaction is run again and succeeds once. Each worker is a pool of its own."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import cast

import asyncpg
import pytest

import bot
from core.context import District
from core.messages import OUTBOUND, Inbound, Outbound
from core.models import Person
from core.service import Service
from core.throttle import Throttle, Verdict
from storage.db import Database
from storage.housekeeping import Retention, nightly
from storage.pg import PgDatabase, pg_unit_factory
from storage.pg_claims import PgOutboxDeliveries
from storage.pg_unit import chat_lock_key
from tests.core.test_casework import staff
from tests.core.test_intake import file_concern
from tests.support import UNLIMITED, Chat, Clock, Fetch, RuleClassifier

MONDAY_9 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
WITHIN = 10.0


@pytest.fixture
async def workers(pg_schema: tuple[str, str]) -> AsyncIterator[list[PgDatabase]]:
    """Two workers' pools on one fresh schema."""
    url, schema = pg_schema
    dbs = [await PgDatabase.open(url, schema=schema) for _ in range(2)]
    yield dbs
    for db in dbs:
        await db.close()


def service_on(
    db: PgDatabase, district: District, classifier: RuleClassifier, clock: Clock
) -> Service:
    """Core on a worker's pool, wired as bot.py wires it."""
    service = bot.build_service(cast(Database, db), district, classifier, clock, asyncio.to_thread)
    service.throttle = UNLIMITED
    return service


def pg_fetch(db: PgDatabase) -> Fetch:
    """The queued messages of these outbox ids."""

    async def fetch(ids: list[int]) -> list[Outbound]:
        async with db.pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT payload FROM outbox WHERE id = ANY($1) ORDER BY id", ids
            )
        return [OUTBOUND.validate_json(r[0]) for r in rows]

    return fetch


async def blocked_by(conn: asyncpg.Connection, watcher: asyncpg.Connection, count: int) -> None:
    """Until count sessions wait for a lock conn holds (a condition: each look is a round trip)."""
    pid = conn.get_server_pid()
    query = "SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))"
    async with asyncio.timeout(WITHIN):
        while await watcher.fetchval(query, pid) < count:
            continue


async def test_two_workers_asking_for_the_digests_at_once_send_each_once(
    workers: list[PgDatabase], district: District, classifier: RuleClassifier
) -> None:
    clock = Clock(MONDAY_9 - timedelta(days=1))
    one, two = (service_on(db, district, classifier, clock) for db in workers)
    fetch = pg_fetch(workers[0])
    await staff(one, fetch)
    await file_concern(Chat(one, fetch, "501"), "老板拖欠工资三个月了")
    clock.now = MONDAY_9
    blocker = await workers[0].pool.acquire()
    watcher = await workers[0].pool.acquire()
    try:
        # Hold every digest's key: both workers' digests wait on it, then race for it at once.
        people = [r[0] for r in await blocker.fetch("SELECT id FROM people")]
        await blocker.execute("BEGIN")
        for person in people:
            for kind, period in (("daily", "2026-11-30"), ("weekly", "2026-W49")):
                await blocker.execute(
                    "INSERT INTO digests_sent VALUES ($1, $2, $3, 0)", kind, period, person
                )
        runs = asyncio.gather(one.daily_digest(), two.daily_digest())
        await blocked_by(blocker, watcher, 2)
        await blocker.execute("ROLLBACK")
        daily = await runs
        weekly = await asyncio.gather(one.weekly_digest(), two.weekly_digest())
    finally:
        await workers[0].pool.release(blocker)
        await workers[0].pool.release(watcher)
    sent = await fetch([i for ids in (*daily, *weekly) for i in ids])
    assert sorted(m.chat_id for m in sent if "今日待办" in m.text) == ["11", "12"]
    assert [m.chat_id for m in sent if "案件总数" in m.text] == ["99"]
    assert [] in daily  # one of the two found the digests sent
    async with workers[1].pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM digests_sent") == 3


async def old_deliveries(db: PgDatabase, count: int, now: datetime, chat: str) -> list[int]:
    """count delivered messages queued at now, to a new person's chat."""
    async with pg_unit_factory(db)() as uow:
        await uow.people.add(Person(0, "telegram", chat, chat), now)
        ids = [
            await uow.outbox.add(Outbound(channel="telegram", chat_id=chat, text=f"旧{i}"), now)
            for i in range(count)
        ]
        await uow.commit()
    store = PgOutboxDeliveries(db, "telegram")
    for row in ids:
        await store.sent(row, row, now)
    return ids


async def test_housekeeping_is_done_by_one_worker_at_a_time(workers: list[PgDatabase]) -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    ids = await old_deliveries(workers[0], 30, now, "1")
    later = now + timedelta(days=100)
    blocker = await workers[0].pool.acquire()
    watcher = await workers[0].pool.acquire()
    try:
        # The first worker's run is held up on a row; meanwhile the second finds it at work.
        await blocker.execute("BEGIN")
        await blocker.execute("SELECT 1 FROM outbox WHERE id = $1 FOR UPDATE", ids[0])
        first = asyncio.create_task(nightly(cast(Database, workers[0]), later, Retention()))
        await blocked_by(blocker, watcher, 1)
        assert await nightly(cast(Database, workers[1]), later, Retention()) is None
        await blocker.execute("ROLLBACK")
        pruned = await first
    finally:
        await workers[0].pool.release(blocker)
        await workers[0].pool.release(watcher)
    assert pruned is not None and pruned.deliveries == 30
    # Once it is done, the job is free again; two at once: one does it, neither fails.
    await old_deliveries(workers[1], 10, now, "2")
    both = await asyncio.gather(
        *(nightly(cast(Database, db), later, Retention()) for db in workers)
    )
    assert sum(p.deliveries for p in both if p is not None) == 10
    async with workers[0].pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM outbox") == 0


async def test_a_turn_that_loses_a_deadlock_runs_again_and_succeeds_once(
    workers: list[PgDatabase],
    district: District,
    classifier: RuleClassifier,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock(MONDAY_9)
    service = service_on(workers[0], district, classifier, clock)
    other = await workers[1].pool.acquire()
    watcher = await workers[1].pool.acquire()
    update = 7001
    try:
        # The other transaction waits longest before looking for deadlocks: the turn is the one
        # PostgreSQL picks to fail.
        workers[1].resets.mark(other)  # a setting of its own: reset when it goes back
        await other.execute("SET deadlock_timeout = '30s'")
        await other.execute("BEGIN")
        await other.execute(
            "INSERT INTO processed_updates (channel, update_id, at) VALUES ('telegram', $1, 0)",
            update,
        )
        start = Inbound(update_id=update, user_id="501", chat_id="501", command="start")
        turn = asyncio.create_task(service.handle(start))
        await blocked_by(other, watcher, 1)  # the turn holds its chat and waits for the update id
        # Now the other wants the chat: each waits for the other.
        await other.execute("SELECT pg_advisory_xact_lock($1)", chat_lock_key("telegram:501"))
        await other.execute("ROLLBACK")
        with caplog.at_level(logging.WARNING):
            async with asyncio.timeout(WITHIN):
                queued = await turn
    finally:
        await workers[1].pool.release(other)
        await workers[1].pool.release(watcher)
    sent = await pg_fetch(workers[0])(queued)
    assert any("民情直通车" in m.text for m in sent), [m.text[:30] for m in sent]
    retried = [r for r in caplog.records if "running it again (attempt 2 of 3)" in r.message]
    assert len(retried) == 1 and "DeadlockDetectedError" in retried[0].message
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # no apology
    async with workers[0].pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM processed_updates") == 1
        assert await conn.fetchval("SELECT count(*) FROM outbox") == len(queued)
    assert await service.handle(start) == []  # handled once


async def test_a_flood_spread_over_two_workers_is_warned_once_and_then_dropped(
    workers: list[PgDatabase],
) -> None:
    """Each worker takes whichever of a person's messages it claims: the flood limit counts
    them together (a bucket in each process let a flood through twice over, and unwarned)."""
    throttles = [bot.throttle_for(cast(Database, db)) for db in workers]
    one_process = Throttle()
    times = [MONDAY_9 + timedelta(seconds=i * 0.05) for i in range(60)]  # 60 in 3 s
    verdicts = [await throttles[i % 2].take("telegram:4242", t) for i, t in enumerate(times)]
    assert verdicts == [one_process.check("telegram:4242", t) for t in times]
    assert Counter(verdicts)[Verdict.WARN] == 1 and verdicts[-1] is Verdict.DROP
    # Both sides of the same flood, at once: still one warning between them.
    later = MONDAY_9 + timedelta(minutes=5)
    together = await asyncio.gather(
        *(throttles[i % 2].take("telegram:77", later) for i in range(40))
    )
    assert Counter(together) == {Verdict.ALLOW: 20, Verdict.WARN: 1, Verdict.DROP: 19}
    # Nobody's buckets outlive the purge: these two name no person, and are stale besides.
    async with pg_unit_factory(workers[0])() as uow:
        await uow.erasure.purge(later - timedelta(days=1), later + timedelta(minutes=2))
        await uow.commit()
    async with workers[1].pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM flood_buckets") == 0
