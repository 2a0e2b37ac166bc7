"""Words never lost or misplaced, on a real SQLite file: the queries behind them agree with the
in-memory fake (invitations, open questions, a removed member's cases, a closed case's buttons)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from core.context import District
from core.messages import Kind
from core.models import CaseStatus, Invite, Person
from core.service import Service
from storage.db import Database
from storage.unit_of_work import unit_factory
from tests.core.test_casework import staff, to
from tests.core.test_intake import file_concern
from tests.support import Chat, Clock, RuleClassifier, sqlite_fetch, sqlite_service


@pytest.fixture
def service(db: Database, district: District, classifier: RuleClassifier, clock: Clock) -> Service:
    return sqlite_service(db, district, classifier, clock)


async def test_the_invites_migration_adds_revocation(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    db = await Database.open(path)
    await db.close()
    with sqlite3.connect(path) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(invites)")}
    assert {"revoked_at", "revoked_by"} <= columns


async def test_live_invitations_and_revocation_in_sql(db: Database, clock: Clock) -> None:
    now = clock()
    week = now + timedelta(days=7)
    async with unit_factory(db)() as uow:
        person = await uow.people.add(Person(0, "telegram", "1", "1"), now)
        for code in ("live", "used", "gone", "late"):
            await uow.invites.add(Invite(code, "law", None, person.id, now, week))
            now += timedelta(minutes=1)
        assert await uow.invites.use("used", person.id, now)
        assert await uow.invites.revoke("gone", person.id, now)
        assert not await uow.invites.revoke("gone", person.id, now)
        assert not await uow.invites.revoke("used", person.id, now)
        await uow.commit()
    async with unit_factory(db)() as uow:
        assert [i.code for i in await uow.invites.live(now)] == ["live", "late"]
        assert await uow.invites.live(week) == []
        gone = await uow.invites.get("gone")
        assert gone is not None and gone.revoked_at == now and gone.revoked_by == person.id
        assert not await uow.invites.use("gone", person.id, now)


async def test_an_open_question_is_answered_by_plain_text(service: Service, db: Database) -> None:
    fetch = sqlite_fetch(db)
    zhang, _, _, _ = await staff(service, fetch)
    resident = Chat(service, fetch, "501")
    await file_concern(resident, "老板拖欠工资三个月了")
    await zhang.send(callback_id="q", callback_data="case:claim:1")
    await zhang.send(callback_id="q", callback_data="case:ask:1")
    await zhang.text("是哪家公司？")
    await resident.text("是丰南某建筑公司")
    assert any("丰南某建筑公司" in m.text for m in to("11", resident.everyone))
    rows = await db.reader.execute_fetchall("SELECT waiting_since FROM cases WHERE id = 1")
    assert [tuple(row) for row in rows] == [(None,)]


async def test_removal_returns_a_resolved_case_to_the_tank(service: Service, db: Database) -> None:
    fetch = sqlite_fetch(db)
    zhang, _, _, zhao = await staff(service, fetch)
    resident = Chat(service, fetch, "501")
    await file_concern(resident, "老板拖欠工资三个月了")
    await zhang.send(callback_id="q", callback_data="case:claim:1")
    await zhang.command("resolve", "1 已追回")
    resident.inbox.extend(to("501", zhang.everyone))
    assert "1 件" in (await zhao.command("removemember", "1"))[0].text
    await resident.press("不满意")
    assert not to("11", resident.everyone) and to("12", resident.everyone)
    rows = await db.reader.execute_fetchall("SELECT status, assignee_id FROM cases")
    assert [tuple(r) for r in rows] == [(CaseStatus.OPEN.value, None)]


async def test_closing_a_case_takes_the_buttons_off_its_messages(
    service: Service, db: Database
) -> None:
    fetch = sqlite_fetch(db)
    zhang, _, _, _ = await staff(service, fetch)
    resident = Chat(service, fetch, "501")
    await file_concern(resident, "老板拖欠工资三个月了")
    await zhang.send(callback_id="q", callback_data="case:claim:1")
    await zhang.command("resolve", "1 已追回")
    resident.inbox.extend(to("501", zhang.everyone))
    await resident.press("满意")
    removals = [m for m in resident.everyone if m.kind == Kind.EDIT and not m.text]
    assert {m.chat_id for m in removals} == {"11", "501"}
    refusal = await zhang.send(callback_id="q", callback_data="case:resolve:1")
    assert refusal[0].alert and "已办结" in refusal[0].text
