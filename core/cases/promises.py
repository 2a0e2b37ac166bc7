"""What a resident is promised when their concern is received: by when someone takes it up and
by when they have an answer, from the tank's deadlines, told in the district's working time.

The deadlines the sweep keeps are hours from receipt, by the clock. A promise is never earlier
than its deadline: a deadline that falls in working time is promised at that moment (rounded up
to the half hour); one that falls outside it (at night, on a day off) is promised for the end of
the next working day's hours, when someone at work can keep it. Pure functions of the moment,
the deadlines and the working time; core/cases/sweep.py tells the resident once when the answer
promised has not come.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from core.context import District
from core.models import Deadlines
from core.texts import t

WorkingDay = Callable[[date], bool]
ROUND = timedelta(minutes=30)
MOST_DAYS_OFF = 30  # no run of days off is longer (the Spring Festival is 8 or 9 days)


def weekdays(day: date) -> bool:
    """Monday to Friday: the working days when no holiday calendar is given."""
    return day.weekday() < 5


@dataclass(frozen=True, slots=True)
class WorkingTime:
    """The district's working hours, on its working days, in its time zone."""

    zone: tzinfo
    start: time = time(9, 0)
    end: time = time(17, 30)
    is_working_day: WorkingDay = weekdays

    def working(self, moment: datetime) -> bool:
        """True when the moment is within the hours of a working day."""
        local = moment.astimezone(self.zone)
        return self.is_working_day(local.date()) and self.start <= local.time() <= self.end


@dataclass(frozen=True, slots=True)
class Promise:
    """The two moments a receipt names (UTC)."""

    taken_by: datetime
    answer_by: datetime


def working_time(district: District) -> WorkingTime:
    """The district's working time as configured."""
    return WorkingTime(
        district.timezone, district.work_start, district.work_end, district.working_day
    )


def kept_by(deadline: datetime, hours: WorkingTime) -> datetime:
    """The moment a deadline is promised for: itself, rounded up to the half hour, in working
    time; else the end of the hours of the next working day."""
    local = deadline.astimezone(hours.zone)
    rounded = _round_up(local)
    if hours.working(rounded):
        return rounded.astimezone(UTC)
    day = local.date() if local.time() < hours.start else local.date() + timedelta(days=1)
    for _ in range(MOST_DAYS_OFF):
        if hours.is_working_day(day):
            break
        day += timedelta(days=1)
    return datetime.combine(day, hours.end, tzinfo=hours.zone).astimezone(UTC)


def promise(received: datetime, deadlines: Deadlines, hours: WorkingTime) -> Promise:
    """What the receipt of a concern received at that moment promises."""
    taken = kept_by(received + timedelta(hours=deadlines.hours("claim", received)), hours)
    answer = kept_by(received + timedelta(hours=deadlines.hours("reply", received)), hours)
    return Promise(taken, max(taken, answer))


def show(locale: str, moment: datetime, zone: tzinfo) -> str:
    """A promised moment as a resident reads it: 12月1日（周二）17:30, Tue 1 Dec, 17:30."""
    local = moment.astimezone(zone)
    return t(
        locale,
        "promise_time",
        month=t(locale, f"month_{local.month}"),
        day=local.day,
        weekday=t(locale, f"weekday_{local.weekday()}"),
        hm=local.strftime("%H:%M"),
    )


def _round_up(local: datetime) -> datetime:
    base = local.replace(minute=0, second=0, microsecond=0)
    steps = -(-(local - base) // ROUND)
    return base + ROUND * steps
