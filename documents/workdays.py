"""Working days as China counts them: weekends and public holidays off, the weekend days made
working days in exchange (调休) on; from the chinese-calendar package's data.

Deadlines "in N working days" are counted in the district's zone: the moment's local time on the
Nth working day after its local date (a moment on a day off counts from that day too, so Saturday
10:00 + 1 is Monday 10:00, as Friday 10:00 + 1 is). A day outside the package's data raises
BeyondCalendarData, never a guess: a new year's schedule comes with a new release of the package,
or, until then, as a `Schedule` read from the district's TOML (config/holidays.toml) once the
State Council publishes it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from documents.errors import BeyondCalendarData, DocumentInputError

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Schedule:
    """Days off and make-up working days (调休) of years the package does not cover yet, as
    the State Council publishes them; a listed year's other days follow the weekend rule."""

    days_off: frozenset[date] = frozenset()
    working: frozenset[date] = frozenset()

    @property
    def years(self) -> frozenset[int]:
        """The years the schedule covers."""
        return frozenset(d.year for d in self.days_off | self.working)

    def is_working_day(self, day: date) -> bool:
        """Whether people work that day by this schedule."""
        if day in self.working:
            return True
        return day.weekday() < 5 and day not in self.days_off


NO_SCHEDULE = Schedule()


@functools.cache
def calendar_span() -> tuple[date, date]:
    """The first and last day the holiday data covers."""
    from chinese_calendar import constants

    years = [day.year for day in constants.holidays]
    return date(min(years), 1, 1), date(max(years), 12, 31)


def is_working_day(day: date, schedule: Schedule = NO_SCHEDULE) -> bool:
    """Whether people work that day: a weekday that is no public holiday, or a make-up day;
    from the package's data, else from the schedule of a year the package lacks."""
    import chinese_calendar

    if isinstance(day, datetime):
        raise DocumentInputError("is_working_day takes a date; give moment.astimezone(zone)")
    first, last = calendar_span()
    if first <= day <= last:
        return bool(chinese_calendar.is_workday(day))
    if day.year in schedule.years:
        return schedule.is_working_day(day)
    covered = max((date(y, 12, 31) for y in schedule.years), default=last)
    raise BeyondCalendarData(day, first, max(last, covered))


def add_working_days(
    moment: datetime, days: int, zone: tzinfo, schedule: Schedule = NO_SCHEDULE
) -> datetime:
    """The moment days working days later, counted in zone, in UTC."""
    if days < 0:
        raise DocumentInputError(f"working days to add cannot be negative ({days})")
    local = _local(moment, zone)
    day = local.date()
    for _ in range(days):
        day += ONE_DAY
        while not is_working_day(day, schedule):
            day += ONE_DAY
    due = datetime.combine(day, local.time().replace(fold=0), tzinfo=zone)
    return due.astimezone(UTC)


def working_days_between(start: datetime, end: datetime, zone: tzinfo) -> int:
    """How many working days lie after start's local date up to end's local date, in zone
    (negative when end is before start): add_working_days(start, n) is n after start."""
    first, last = _local(start, zone).date(), _local(end, zone).date()
    sign = 1
    if last < first:
        first, last, sign = last, first, -1
    count = 0
    day = first + ONE_DAY
    while day <= last:
        count += is_working_day(day)
        day += ONE_DAY
    return sign * count


def _local(moment: datetime, zone: tzinfo) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise DocumentInputError(f"a moment carries its zone; {moment.isoformat()} has none")
    return moment.astimezone(zone)
