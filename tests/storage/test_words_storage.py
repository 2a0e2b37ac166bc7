"""Words never lost or misplaced, on a real SQLite file: the queries behind them agree with the
in-memory fake (invitations, open questions, a removed member's cases, a closed case's buttons)."""

from __future__ import annotations

import pytest

from core.context import District
from core.models import CaseStatus
from core.service import Service
from storage.db import Database
from tests.core.test_casework import staff, to
from tests.core.test_intake import file_concern
from tests.support import Chat, Clock, RuleClassifier, sqlite_fetch, sqlite_service


@pytest.fixture
def service(db: Database, district: District, classifier: RuleClassifier, clock: Clock) -> Service:
    return sqlite_service(db, district, classifier, clock)


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
