"""The scheduler: APScheduler calls core's sweep every minute, the digests by cron in the
district's time zone, and the housekeeping once a night.

Invariants (what a newcomer can break):
- It holds no state of its own; the database is the truth, so a restart loses nothing and the
  catch-up at start sends what fell due while the bot was down.
- A job that fails is logged at CRITICAL with its cause and runs again at its next time (every
  minute for the sweep): no failure stops a job for good, and none stops the scheduler.
- What a job queues goes to the sender at once (`submit`); the jobs' own transactions commit it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import time

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from core.service import Service

log = logging.getLogger(__name__)

Submit = Callable[[list[int]], None]
Housekeeping = Callable[[], Awaitable[object]]
HOUSEKEEPING_AT = time(4, 0)  # local time, inside the default quiet hours


class Scheduler:
    """Runs the sweep, the digests and the housekeeping; hands what they queue to the sender."""

    def __init__(
        self,
        service: Service,
        submit: Submit,
        sweep_seconds: float = 60.0,
        housekeeping: Housekeeping | None = None,
    ) -> None:
        self.service = service
        self.submit = submit
        district = service.district
        self.scheduler = AsyncIOScheduler(timezone=district.timezone)
        at = district.digest_time
        options = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
        self.scheduler.add_job(
            self._run, IntervalTrigger(seconds=sweep_seconds), args=[service.sweep], **options
        )
        daily = CronTrigger(hour=at.hour, minute=at.minute, timezone=district.timezone)
        weekly = CronTrigger(
            day_of_week="mon", hour=at.hour, minute=at.minute, timezone=district.timezone
        )
        self.scheduler.add_job(self._run, daily, args=[service.daily_digest], **options)
        self.scheduler.add_job(self._run, weekly, args=[service.weekly_digest], **options)
        if housekeeping is not None:
            nightly = CronTrigger(
                hour=HOUSEKEEPING_AT.hour,
                minute=HOUSEKEEPING_AT.minute,
                timezone=district.timezone,
            )
            self.scheduler.add_job(self._housekeep, nightly, args=[housekeeping], **options)

    async def catch_up(self) -> None:
        """Do now what fell due while the bot was down: the sweep and today's digests."""
        for job in (self.service.sweep, self.service.daily_digest, self.service.weekly_digest):
            await self._run(job)

    def start(self) -> None:
        """Start the jobs (inside the running event loop)."""
        self.scheduler.start()

    def stop(self) -> None:
        """Stop the jobs; a job in progress finishes its transaction or rolls it back."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def _run(self, job: Callable[[], Awaitable[list[int]]]) -> None:
        try:
            self.submit(await job())
        except Exception as e:
            self._failed(job.__name__, e)

    async def _housekeep(self, housekeeping: Housekeeping) -> None:
        try:
            log.info("housekeeping: deleted %s", await housekeeping())
        except Exception as e:
            self._failed("housekeeping", e)

    @staticmethod
    def _failed(name: str, error: Exception) -> None:
        log.critical(
            "scheduled job %s failed (%s: %s); it runs again at its next time",
            name,
            type(error).__name__,
            error,
            exc_info=error,
        )
