"""The scheduler calls the sweep every minute and the digests by cron in the district's zone."""

from __future__ import annotations

from core.context import District
from handlers.scheduler import Scheduler
from storage.db import Database
from tests.core.test_casework import staff
from tests.core.test_intake import file_concern
from tests.support import Chat, Clock, RuleClassifier, sqlite_fetch, sqlite_service


async def test_catch_up_sends_what_fell_due_while_down(
    db: Database, district: District, classifier: RuleClassifier, clock: Clock
) -> None:
    service = sqlite_service(db, district, classifier, clock)
    fetch = sqlite_fetch(db)
    await staff(service, fetch)
    await file_concern(Chat(service, fetch, "501"), "老板拖欠工资三个月了")
    clock.advance(days=3)  # the bot was down: the case is far past its claim deadline
    submitted: list[int] = []
    scheduler = Scheduler(service, submitted.extend)
    await scheduler.catch_up()
    messages = await fetch(submitted)
    assert any("已按工作量分派给您" in m.text for m in messages)
    again: list[int] = []
    await Scheduler(service, again.extend).catch_up()
    assert [m.text[:30] for m in await fetch(again)] == []


async def test_jobs_run_in_the_district_time_zone(
    db: Database, district: District, classifier: RuleClassifier, clock: Clock
) -> None:
    scheduler = Scheduler(sqlite_service(db, district, classifier, clock), lambda ids: None)
    scheduler.start()
    try:
        jobs = {str(job.trigger) for job in scheduler.scheduler.get_jobs()}
    finally:
        scheduler.stop()
    assert "interval[0:01:00]" in jobs
    assert "cron[hour='9', minute='0']" in jobs
    assert "cron[day_of_week='mon', hour='9', minute='0']" in jobs
    assert str(scheduler.scheduler.timezone) == "Asia/Shanghai"
