"""The scheduler calls the sweep every minute and the digests by cron in the district's zone."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import pytest

from core.context import District
from core.ports import UnitOfWorkFactory
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


class FlakyUnits:
    """The unit-of-work factory (a port core owns) whose next units fail to open, as on a full
    or failing disk; then the real ones."""

    def __init__(self, real: UnitOfWorkFactory, failures: int) -> None:
        self.real, self.failures = real, failures

    def __call__(self) -> Any:
        if self.failures > 0:
            self.failures -= 1
            return Broken()
        return self.real()


class Broken:
    """A unit of work that cannot begin."""

    async def __aenter__(self) -> Any:
        raise sqlite3.OperationalError("disk I/O error (injected)")

    async def __aexit__(self, *exc: object) -> None:
        return None


def critical(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.CRITICAL]


async def test_a_job_that_fails_is_logged_critical_and_runs_again(
    db: Database,
    district: District,
    classifier: RuleClassifier,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    service = sqlite_service(db, district, classifier, clock)
    fetch = sqlite_fetch(db)
    await staff(service, fetch)
    await file_concern(Chat(service, fetch, "501"), "老板拖欠工资三个月了")
    clock.advance(days=3)
    service.open_unit = FlakyUnits(service.open_unit, failures=1)
    submitted: list[int] = []
    scheduler = Scheduler(service, submitted.extend)
    await scheduler.catch_up()  # the sweep fails; the digests run
    assert [m for m in critical(caplog) if "sweep" in m and "disk I/O error" in m]
    assert not any("已按工作量分派给您" in m.text for m in await fetch(submitted))
    await scheduler.catch_up()  # its next time
    assert any("已按工作量分派给您" in m.text for m in await fetch(submitted))


async def test_housekeeping_runs_each_night_and_its_failure_is_critical(
    db: Database,
    district: District,
    classifier: RuleClassifier,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="handlers.scheduler")
    calls: list[str] = []

    async def housekeeping() -> str:
        calls.append("ran")
        if len(calls) == 1:
            raise sqlite3.OperationalError("database is locked (injected)")
        return "3 delivery records"

    service = sqlite_service(db, district, classifier, clock)
    scheduler = Scheduler(service, lambda ids: None, housekeeping=housekeeping)
    scheduler.start()
    try:
        jobs = [j for j in scheduler.scheduler.get_jobs() if str(j.trigger) == NIGHTLY]
    finally:
        scheduler.stop()
    assert len(jobs) == 1
    await jobs[0].func(*jobs[0].args)
    assert [m for m in critical(caplog) if "housekeeping" in m and "database is locked" in m]
    await jobs[0].func(*jobs[0].args)
    assert calls == ["ran", "ran"]
    assert "housekeeping: deleted 3 delivery records" in caplog.text


NIGHTLY = "cron[hour='4', minute='0']"
