"""Referred cases (转办) on a real SQLite file: the schema that allows them, and the figures."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.context import District
from core.service import Service
from storage.db import Database, migrations
from tests.core.test_casework import staff, to
from tests.core.test_intake import file_concern
from tests.support import Chat, Clock, RuleClassifier, sqlite_fetch, sqlite_service

HOURS = {"law": 72.0, "economy": 72.0, "agriculture": 72.0, None: 72.0}


@pytest.fixture
def service(db: Database, district: District, classifier: RuleClassifier, clock: Clock) -> Service:
    return sqlite_service(db, district, classifier, clock)


async def test_referred_cases_count_as_their_own_kind_not_as_unresolved(
    service: Service, db: Database, clock: Clock
) -> None:
    fetch = sqlite_fetch(db)
    zhang, _, _, zhao = await staff(service, fetch)
    residents = [Chat(service, fetch, f"50{i}") for i in range(3)]
    await file_concern(residents[0], "老板拖欠工资三个月了")
    await file_concern(residents[1], "小区路灯坏了一个月")
    await file_concern(residents[2], "公交车改线了，去医院不方便")
    await zhang.send(callback_id="q", callback_data="case:claim:1")
    await zhang.command("resolve", "1 已追回")
    clock.advance(hours=1)
    await zhao.command("refer", "2 chengguan 路灯归城管局维修，可拨打 12345")
    residents[1].inbox.extend(to("501", zhao.everyone))
    await residents[1].press("满意")
    clock.advance(days=5)
    text = (await zhao.command("stats", "all"))[0].text
    assert "案件总数：3" in text and "已转办 1" in text
    assert "未归入智库：待分派 1 · 已转办 1" in text
    assert "办结率（不含转办）：50% (1/2)" in text
    assert "当前超期：1" in text  # the bus route, still in triage; not the referred one
    assert "满意率（满意+基本满意）：100% (1/1)" in text
    all_time = await service.views.stats(None, clock.now, HOURS)
    window = await service.views.stats(datetime(1970, 1, 2, tzinfo=UTC), clock.now, HOURS)
    assert all_time == window
    assert all_time.by_status["referred"] == 1 and all_time.resolution.total == 2
    assert "已转办" in (await zhao.command("stats", "7d"))[0].text
    found = (await zhao.command("find", "城管局"))[0].text
    assert "#2</b> · 丰南区城市管理综合行政执法局 · 已转办" in found


V2_ROWS = (
    "INSERT INTO people (id, channel, external_id, chat_id, name, role, tank, created_at) VALUES"
    " (1, 'telegram', '501', '501', '王小明', 'resident', NULL, 0),"
    " (2, 'telegram', '11', '11', '张律师', 'member', 'law', 0),"
    " (3, 'telegram', '99', '99', '赵协调', 'coordinator', NULL, 0);"
    "INSERT INTO cases (id, resident_id, channel, text, status, tank, assignee_id, created_at,"
    " updated_at, claimed_at, first_reply_at, rating, due_kind, due_from, due_at, next_check_at)"
    " VALUES (1, 1, 'telegram', '老板拖欠工资三个月了', 'claimed', 'law', 2, 0, 60000, 60000,"
    " 120000, NULL, 'resolve', 0, 1296000000, 972000000),"
    " (2, 1, 'telegram', '小区路灯坏了一个月', 'triage', NULL, NULL, 1000, 1000, NULL, NULL,"
    " NULL, 'claim', 1000, 86401000, 64801000),"
    " (3, 1, 'telegram', '大棚补贴没发', 'closed', 'agriculture', 2, 2000, 9000, 3000, 4000,"
    " 'good', NULL, NULL, NULL, NULL);"
    "INSERT INTO case_events (case_id, kind, actor_id, at, data) VALUES"
    " (1, 'created', 1, 0, '{}'), (1, 'claimed', 2, 60000, '{\"member\": \"张律师\"}'),"
    " (2, 'created', 1, 1000, '{}'), (3, 'rated', 1, 9000, '{\"rating\": \"good\"}');"
    "INSERT INTO corrections (case_id, text, old_tank, new_tank, actor_id, reason, at) VALUES"
    " (3, '大棚补贴没发', NULL, 'agriculture', 3, '协调员分派', 2500);"
    # A restore moved the case numbers on past the last case.
    "UPDATE sqlite_sequence SET seq = 1000 WHERE name = 'cases';"
)
TABLES = ("cases", "case_events", "corrections", "case_tallies", "duration_tallies")


async def test_the_referral_migration_keeps_every_case_number_row_and_tally(
    tmp_path: Path,
    district: District,
    classifier: RuleClassifier,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "v2.db"
    monkeypatch.setattr("storage.db.migrations", lambda: migrations()[:2])
    old = await Database.open(path)
    try:
        assert await old.version() == 2
        await old.conn.executescript(f"BEGIN; {V2_ROWS} COMMIT;")
        with pytest.raises(sqlite3.IntegrityError):  # version 2 has no such status
            await old.conn.execute("UPDATE cases SET status = 'referred' WHERE id = 2")
        before = {t: await old.conn.execute_fetchall(f"SELECT * FROM {t}") for t in TABLES}  # noqa: S608
    finally:
        await old.close()
    monkeypatch.undo()

    db = await Database.open(path)
    try:
        assert await db.version() == migrations()[-1][0] >= 3
        for table in TABLES:
            rows = await db.conn.execute_fetchall(f"SELECT * FROM {table}")  # noqa: S608
            kept = [tuple(r)[:32] if table == "cases" else tuple(r) for r in rows]
            assert kept == [tuple(r) for r in before[table]], table
        for pragma, want in (("integrity_check", [("ok",)]), ("foreign_key_check", [])):
            got = await db.conn.execute_fetchall(f"PRAGMA {pragma}")
            assert [tuple(r) for r in got] == want
        assert [tuple(r) for r in await db.conn.execute_fetchall("PRAGMA foreign_keys")] == [(1,)]
        seq = await db.conn.execute_fetchall("SELECT seq FROM sqlite_sequence WHERE name='cases'")
        assert [tuple(r) for r in seq] == [(1000,)]
        schema = await db.conn.execute_fetchall(
            "SELECT name FROM sqlite_master WHERE tbl_name = 'cases' AND type IN ('index',"
            " 'trigger') AND sql IS NOT NULL ORDER BY name"
        )
        assert [r[0] for r in schema] == [
            "cases_by_assignee",
            "cases_by_due",
            "cases_by_resident",
            "cases_by_status",
            "cases_for_stats",
            "cases_to_check",
            "tally_case_added",
            "tally_case_changed",
            "tally_case_removed",
        ]
        service = sqlite_service(db, district, classifier, clock)
        fetch = sqlite_fetch(db)
        zhao = Chat(service, fetch, "99")
        out = await zhao.command("refer", "2 chengguan 路灯归城管局维修")
        assert "#2 已转办" in out[-1].text
        assert "#1001" in await file_concern(Chat(service, fetch, "503"), "公交车改线了")
        all_time = await service.views.stats(None, clock.now, HOURS)
        window = await service.views.stats(datetime(1970, 1, 1, tzinfo=UTC), clock.now, HOURS)
        assert all_time == window
        assert all_time.by_status == {"claimed": 1, "referred": 1, "closed": 1, "triage": 1}
    finally:
        await db.close()


async def test_a_migration_that_breaks_a_foreign_key_is_not_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "m.db"
    db = await Database.open(path)
    version = await db.version()
    orphan = "INSERT INTO case_events (case_id, kind, at) VALUES (424242, 'note', 0);"
    bad = [*migrations(), (version + 1, "9999_orphan.sql", orphan)]
    monkeypatch.setattr("storage.db.migrations", lambda: bad)
    with pytest.raises(sqlite3.IntegrityError, match=r"9999_orphan\.sql breaks foreign keys"):
        await db.migrate()
    assert await db.version() == version
    assert [tuple(r) for r in await db.conn.execute_fetchall("PRAGMA foreign_keys")] == [(1,)]
    assert list(await db.conn.execute_fetchall("SELECT * FROM case_events")) == []
    await db.close()
