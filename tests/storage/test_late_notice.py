"""The answer promised to a resident, on a real SQLite file: the receipt's moment is stored with
the case, the sweep tells the resident once when it passes unanswered, and never again."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, time

import pytest

from core.context import District
from core.service import Service
from storage.db import Database
from tests.core.test_intake import file_concern
from tests.support import Chat, Clock, RuleClassifier, sqlite_fetch, sqlite_service


@pytest.fixture
def service(db: Database, district: District, classifier: RuleClassifier, clock: Clock) -> Service:
    quiet_free = dataclasses.replace(district, quiet_start=time(0, 0), quiet_end=time(0, 0))
    return sqlite_service(db, quiet_free, classifier, clock)


async def test_the_promise_is_kept_in_the_database_and_a_late_answer_told_once(
    service: Service, db: Database, clock: Clock
) -> None:
    fetch = sqlite_fetch(db)
    resident = Chat(service, fetch, "501")
    await file_concern(resident, "老板拖欠工资三个月了")  # Wednesday 10:00 in Shanghai
    promised = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)  # Monday 17:30
    rows = await db.conn.execute_fetchall("SELECT late_notice_at FROM cases")
    assert [r[0] for r in rows] == [int(promised.timestamp() * 1000)]
    clock.now = promised
    late = [m for m in await fetch(await service.sweep()) if m.chat_id == "501"]
    assert len(late) == 1 and "原定 11月30日（周一）17:30 前给您答复" in late[0].text
    rows = await db.conn.execute_fetchall("SELECT late_notice_at FROM cases")
    assert [r[0] for r in rows] == [None]
    clock.advance(days=20)
    again = await fetch(await service.sweep())
    assert not [m for m in again if "原定" in m.text]
