"""Daily and weekly digests in the district's time zone, on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime

from core.context import District
from core.messages import Outbound
from storage.db import Database
from storage.outbox import OutboxDeliveries
from tests.core.test_casework import staff
from tests.core.test_intake import file_concern
from tests.support import Chat, Clock, RuleClassifier, sqlite_fetch, sqlite_service


async def test_daily_and_weekly_digests_follow_shanghai_time(
    db: Database, district: District, classifier: RuleClassifier
) -> None:
    clock = Clock(datetime(2026, 11, 29, 14, 0, tzinfo=UTC))  # Sunday 22:00 in Shanghai
    service = sqlite_service(db, district, classifier, clock)
    fetch = sqlite_fetch(db)
    await staff(service, fetch)
    await file_concern(Chat(service, fetch, "501"), "老板拖欠工资三个月了")
    clock.now = datetime(2026, 11, 30, 0, 59, tzinfo=UTC)  # Monday 08:59 local
    assert await service.daily_digest() == [] and await service.weekly_digest() == []
    clock.now = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Monday 09:00 local
    daily = await fetch(await service.daily_digest())
    assert sorted(m.chat_id for m in daily) == ["11", "12"]  # the economy member has no work
    assert "今日待办" in daily[0].text and "#1" in daily[0].text
    weekly = await fetch(await service.weekly_digest())
    assert [m.chat_id for m in weekly] == ["99"] and "案件总数：1" in weekly[0].text
    assert await service.daily_digest() == [] and await service.weekly_digest() == []
    clock.now = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)  # Tuesday 00:30 local: quiet
    assert await service.daily_digest() == []
    clock.now = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # Tuesday 09:00 local
    assert len(await service.daily_digest()) == 2
    assert await service.weekly_digest() == []  # not a Monday
    rows = await db.reader.execute_fetchall(
        "SELECT DISTINCT kind, period FROM digests_sent ORDER BY 2"
    )
    assert sorted(tuple(r) for r in rows) == [
        ("daily", "2026-11-30"),
        ("daily", "2026-12-01"),
        ("weekly", "2026-W49"),
    ]


async def test_the_weekly_digest_counts_cases_overdue_now_whenever_they_were_filed(
    db: Database, district: District, classifier: RuleClassifier
) -> None:
    clock = Clock(datetime(2026, 11, 19, 2, 0, tzinfo=UTC))  # Thursday, the week before
    service = sqlite_service(db, district, classifier, clock)
    fetch = sqlite_fetch(db)
    await staff(service, fetch)
    await file_concern(Chat(service, fetch, "501"), "老板拖欠工资三个月了")
    await file_concern(Chat(service, fetch, "502"), "小区路灯坏了一个月")
    clock.now = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Monday 09:00 local, 11 days on
    weekly = await fetch(await service.weekly_digest())
    assert [m.chat_id for m in weekly] == ["99"]
    assert "案件总数：0" in weekly[0].text and "超期：2" in weekly[0].text


async def test_the_weekly_digest_counts_the_messages_that_could_not_be_delivered(
    db: Database, district: District, classifier: RuleClassifier
) -> None:
    clock = Clock(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))  # the Friday before
    service = sqlite_service(db, district, classifier, clock)
    fetch = sqlite_fetch(db)
    await staff(service, fetch)
    async with service.open_unit() as uow:
        ids = [
            await uow.outbox.add(Outbound(chat_id="501", text=text), clock())
            for text in ("被拒收", "被屏蔽", "已送达")
        ]
        await uow.commit()
    store = OutboxDeliveries(db, "telegram")
    await store.failed(ids[0], "Bad Request: message is too long", clock())
    await store.failed(ids[1], "Forbidden: bot was blocked", clock())
    await store.sent(ids[2], 7, clock())
    clock.now = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Monday 09:00 local
    (weekly,) = await fetch(await service.weekly_digest())
    assert "本周有 2 条消息未能送达" in weekly.text


async def test_a_week_with_every_message_delivered_says_nothing_of_it(
    db: Database, district: District, classifier: RuleClassifier
) -> None:
    clock = Clock(datetime(2026, 11, 30, 1, 0, tzinfo=UTC))  # Monday 09:00 local
    service = sqlite_service(db, district, classifier, clock)
    fetch = sqlite_fetch(db)
    await staff(service, fetch)
    (weekly,) = await fetch(await service.weekly_digest())
    assert "未能送达" not in weekly.text
