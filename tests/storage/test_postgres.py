"""PostgreSQL with several workers: migrations once, tallies exact, and no message or reminder
claimed by two workers. Each worker is a pool of its own (its own connections), as a separate
process would have; they run at once on one event loop."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from core.cases.sweep import sweep
from core.context import District
from core.messages import Outbound
from core.models import Case, CaseStatus, Person, Role
from storage.dialect import postgres
from storage.pg import PgDatabase, pg_migrations, pg_unit_factory
from storage.pg_claims import PgOutboxDeliveries

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, outside quiet hours


async def open_workers(url: str, schema: str, n: int) -> list[PgDatabase]:
    """n workers starting together on one database, each migrating it as it opens."""
    return list(await asyncio.gather(*(PgDatabase.open(url, schema=schema) for _ in range(n))))


async def close_all(dbs: list[PgDatabase]) -> None:
    for db in dbs:
        await db.close()


def test_statements_are_rewritten_for_postgresql() -> None:
    sql = "INSERT OR IGNORE INTO people (a, b) VALUES (?, '?')"
    assert postgres(sql) == (
        "INSERT INTO people (a, b) VALUES ($1, '?') ON CONFLICT DO NOTHING RETURNING id"
    )
    assert postgres("SELECT json_extract(data, '$.text') FROM t WHERE a = ? AND b = ?") == (
        "SELECT ((data)::jsonb ->> 'text') FROM t WHERE a = $1 AND b = $2"
    )
    assert postgres("INSERT INTO digests_sent VALUES (?, ?)") == (
        "INSERT INTO digests_sent VALUES ($1, $2)"
    )


def test_postgresql_has_a_migration_for_every_sqlite_one() -> None:
    from storage.db import migrations

    assert [m[0] for m in pg_migrations()] == [m[0] for m in migrations()]


async def test_workers_starting_together_migrate_once(pg_schema: tuple[str, str]) -> None:
    url, schema = pg_schema
    dbs = await open_workers(url, schema, 3)
    try:
        assert {await db.version() for db in dbs} == {pg_migrations()[-1][0]}
        assert await dbs[0].migrate() == []
        async with dbs[0].pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM schema_version") == 1
    finally:
        await close_all(dbs)


async def test_tallies_stay_exact_under_concurrent_writers(pg_schema: tuple[str, str]) -> None:
    url, schema = pg_schema
    dbs = await open_workers(url, schema, 2)
    units = [pg_unit_factory(db) for db in dbs]
    try:
        async with units[0]() as uow:
            resident = await uow.people.add(Person(0, "telegram", "1", "1"), NOW)
            await uow.commit()

        async def churn(worker: int, k: int) -> None:
            async with units[worker]() as uow:
                case = await uow.cases.add(
                    Case(0, resident.id, "路灯", NOW, NOW, status=CaseStatus.OPEN, tank="a")
                )
                case.status = CaseStatus.CLAIMED if k % 2 else CaseStatus.RESOLVED
                case.tank = "b" if k % 3 else "a"
                case.claimed_at = NOW + timedelta(minutes=k % 5)
                await uow.cases.update(case)
                await uow.commit()

        await asyncio.gather(*(churn(k % 2, k) for k in range(60)))
        async with dbs[1].pool.acquire() as conn:
            counted = "SELECT status, tank, count(*) FROM cases GROUP BY 1, 2 ORDER BY 1, 2"
            tallied = "SELECT status, tank, n FROM case_tallies WHERE n > 0 ORDER BY 1, 2"
            minutes = (
                "SELECT (claimed_at - created_at) / 60000, count(*) FROM cases"
                " GROUP BY 1 ORDER BY 1"
            )
            durations = (
                "SELECT minutes, sum(n) FROM duration_tallies WHERE kind = 'claim'"
                " GROUP BY 1 HAVING sum(n) > 0 ORDER BY 1"
            )
            expected = [tuple(r) for r in await conn.fetch(counted)]
            assert [tuple(r) for r in await conn.fetch(tallied)] == expected
            assert [tuple(r) for r in await conn.fetch(durations)] == [
                tuple(r) for r in await conn.fetch(minutes)
            ]
            await dbs[0].fold_tallies()
            assert [tuple(r) for r in await conn.fetch(tallied)] == expected
            assert await conn.fetchval("SELECT count(*) FROM case_tally_deltas") == len(expected)
    finally:
        await close_all(dbs)


async def test_two_senders_never_send_one_message_twice_and_keep_each_chat_in_order(
    pg_schema: tuple[str, str],
) -> None:
    url, schema = pg_schema
    dbs = await open_workers(url, schema, 2)
    try:
        ids: dict[str, list[int]] = defaultdict(list)
        async with pg_unit_factory(dbs[0])() as uow:
            for k in range(200):
                chat = str(k % 10)
                ids[chat].append(
                    await uow.outbox.add(
                        Outbound(channel="telegram", chat_id=chat, text=f"第{k}条"), NOW
                    )
                )
            await uow.commit()
        sent: list[tuple[str, int]] = []  # (chat, outbox id) in the order they went out

        async def worker(db: PgDatabase) -> None:
            deliveries = PgOutboxDeliveries(db, "telegram")
            while batch := await deliveries.claim(NOW, limit=7):
                for pending in batch:
                    sent.append((pending.message.chat_id, pending.id))
                    await asyncio.sleep(0)  # the other worker claims meanwhile
                    await deliveries.sent(pending.id, pending.id, NOW)

        await asyncio.gather(worker(dbs[0]), worker(dbs[1]))
        assert Counter(row_id for _, row_id in sent) == Counter(
            row_id for chat in ids.values() for row_id in chat
        )
        for chat, expected in ids.items():
            assert [row_id for c, row_id in sent if c == chat] == expected
    finally:
        await close_all(dbs)


async def test_a_claimed_message_is_not_claimed_again_until_its_lease_ends(
    pg_schema: tuple[str, str],
) -> None:
    url, schema = pg_schema
    dbs = await open_workers(url, schema, 2)
    try:
        async with pg_unit_factory(dbs[0])() as uow:
            first = await uow.outbox.add(Outbound(channel="telegram", chat_id="7", text="一"), NOW)
            second = await uow.outbox.add(Outbound(channel="telegram", chat_id="7", text="二"), NOW)
            await uow.commit()
        real = [NOW]  # the machines' time, for the leases
        a, b = (PgOutboxDeliveries(db, "telegram", real=lambda: real[0]) for db in dbs)
        assert [p.id for p in await a.claim(NOW)] == [first, second]  # the whole chat
        assert await b.claim(NOW) == []  # leased to a
        async with pg_unit_factory(dbs[1])() as uow:
            third = await uow.outbox.add(Outbound(channel="telegram", chat_id="7", text="三"), NOW)
            await uow.commit()
        assert await b.get([third]) == []  # the chat's earlier rows are a's
        real[0] = NOW + a.lease + timedelta(seconds=1)  # a died with them: b takes them over
        assert [p.id for p in await b.claim(NOW)] == [first, second, third]
    finally:
        await close_all(dbs)


@pytest.mark.parametrize("together", [2, 3])
async def test_sweeps_running_at_once_remind_each_case_once(
    pg_schema: tuple[str, str], district: District, together: int
) -> None:
    url, schema = pg_schema
    dbs = await open_workers(url, schema, together)
    tank = district.tanks[0].code
    try:
        async with pg_unit_factory(dbs[0])() as uow:
            member = await uow.people.add(
                Person(0, "telegram", "9", "9", role=Role.MEMBER, tank=tank), NOW
            )
            resident = await uow.people.add(Person(0, "telegram", "1", "1"), NOW)
            for _ in range(120):
                await uow.cases.add(
                    Case(
                        0,
                        resident.id,
                        "路灯坏了",
                        NOW - timedelta(hours=10),
                        NOW,
                        status=CaseStatus.CLAIMED,
                        tank=tank,
                        assignee_id=member.id,
                        due_kind="resolve",
                        due_from=NOW - timedelta(hours=10),
                        due_at=NOW + timedelta(hours=1),
                        next_check_at=NOW - timedelta(minutes=1),
                    )
                )
            await uow.commit()
        runs = await asyncio.gather(*(sweep(pg_unit_factory(db), district, NOW) for db in dbs))
        assert sum(len(r) for r in runs) == 120  # one reminder per case, from one sweep or another
        async with dbs[0].pool.acquire() as conn:
            per_case = await conn.fetch(
                "SELECT case_id, count(*) FROM case_events WHERE kind = 'reminder' GROUP BY 1"
            )
            assert len(per_case) == 120 and {r[1] for r in per_case} == {1}
            assert await conn.fetchval("SELECT count(*) FROM outbox") == 120
    finally:
        await close_all(dbs)


def test_migrate_command_upgrades_a_postgresql_database(
    pg_schema: tuple[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import bot

    url, schema = pg_schema
    monkeypatch.setenv("MINQING_DATABASE", f"{url}?search_path={schema}")
    assert bot.main(["migrate"]) == 0
    assert bot.main(["migrate"]) == 0
    latest = pg_migrations()[-1][0]
    assert capsys.readouterr().out.splitlines() == [f"PostgreSQL: schema version {latest}"] * 2
    assert bot.main(["backup", "copy.db"]) == 2
    assert "pg_dump" in capsys.readouterr().err


async def waiting_for_chat_locks(db: PgDatabase, count: int) -> None:
    """Until count units wait for a chat's advisory lock (a condition, not a sleep)."""
    async with asyncio.timeout(10), db.pool.acquire() as conn:
        query = (
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        while await conn.fetchval(query) != count:
            continue  # each look is a round trip to the server


async def test_a_chat_is_held_by_one_worker_at_a_time(pg_schema: tuple[str, str]) -> None:
    url, schema = pg_schema
    dbs = await open_workers(url, schema, 3)
    go = asyncio.Event()
    try:
        async with pg_unit_factory(dbs[0])() as uow:
            await uow.people.add(Person(0, "telegram", "5", "5"), NOW)
            await uow.commit()
        order: list[str] = []

        entered = asyncio.Event()

        async def turn(db: PgDatabase, chat: str, name: str, held: asyncio.Event) -> None:
            async with pg_unit_factory(db)() as uow:
                uow.expect_turn("telegram", chat, chat)
                await uow.people.by_external("telegram", chat)
                order.append(name)
                entered.set()
                await held.wait()
                await uow.commit()

        first = asyncio.create_task(turn(dbs[0], "5", "first", go))
        async with asyncio.timeout(10):
            await entered.wait()
        free = asyncio.Event()
        free.set()
        second = asyncio.create_task(turn(dbs[1], "5", "second", free))
        await waiting_for_chat_locks(dbs[2], 1)
        await turn(dbs[2], "6", "other chat", free)  # another chat is not held up
        assert order == ["first", "other chat"]
        go.set()
        await asyncio.gather(first, second)
        assert order == ["first", "other chat", "second"]
    finally:
        go.set()  # a failed check must not leave the first unit holding its connection
        await close_all(dbs)


async def test_housekeeping_prunes_and_folds_the_tallies(pg_schema: tuple[str, str]) -> None:
    from typing import cast

    from storage.db import Database
    from storage.housekeeping import Retention, prune

    url, schema = pg_schema
    (db,) = await open_workers(url, schema, 1)
    try:
        async with pg_unit_factory(db)() as uow:
            resident = await uow.people.add(Person(0, "telegram", "1", "1"), NOW)
            for _ in range(3):
                await uow.cases.add(Case(0, resident.id, "路灯", NOW, NOW, status=CaseStatus.OPEN))
            old = await uow.outbox.add(Outbound(channel="telegram", chat_id="1", text="旧"), NOW)
            await uow.updates.first_time("telegram", 1, NOW)
            await uow.commit()
        await PgOutboxDeliveries(db, "telegram").sent(old, 5, NOW)
        later = NOW + timedelta(days=100)
        pruned = await prune(cast(Database, db), later, Retention())
        assert (pruned.deliveries, pruned.updates) == (1, 1)
        async with db.pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM outbox") == 0
            assert [tuple(r) for r in await conn.fetch("SELECT * FROM case_tally_deltas")] == [
                ("open", "", "", 3)
            ]
    finally:
        await db.close()
