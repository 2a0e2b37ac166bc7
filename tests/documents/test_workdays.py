"""Working days as China counts them, across the 2026 Spring Festival and its make-up Saturdays.

The State Council's 2026 schedule, as chinese-calendar has it: 15-23 February off (Sunday to the
Monday after), Saturdays 14 and 28 February working days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from documents.errors import BeyondCalendarData, DocumentInputError
from documents.workdays import (
    add_working_days,
    calendar_span,
    is_working_day,
    working_days_between,
)

ZONE = ZoneInfo("Asia/Shanghai")


def local(month: int, day: int, hour: int = 10) -> datetime:
    """A moment of 2026 in the district's zone."""
    return datetime(2026, month, day, hour, tzinfo=ZONE)


def test_the_spring_festival_is_off_and_its_make_up_saturdays_are_working_days() -> None:
    festival = [date(2026, 2, 15) + timedelta(days=i) for i in range(9)]
    assert [is_working_day(d) for d in festival] == [False] * 9
    assert is_working_day(date(2026, 2, 13))  # the Friday before
    assert is_working_day(date(2026, 2, 14))  # Saturday, worked (调休)
    assert is_working_day(date(2026, 2, 24))  # the Tuesday after
    assert is_working_day(date(2026, 2, 28))  # Saturday, worked (调休)
    assert not is_working_day(date(2026, 3, 1))  # an ordinary Sunday
    assert not is_working_day(date(2026, 3, 7))  # an ordinary Saturday


def test_adding_working_days_steps_over_the_festival_and_onto_make_up_saturdays() -> None:
    friday = local(2, 13)
    due = [add_working_days(friday, n, ZONE).astimezone(ZONE) for n in range(8)]
    assert [d.date() for d in due] == [
        date(2026, 2, 13),
        date(2026, 2, 14),  # the make-up Saturday counts
        date(2026, 2, 24),  # nine days off skipped
        date(2026, 2, 25),
        date(2026, 2, 26),
        date(2026, 2, 27),
        date(2026, 2, 28),  # the second make-up Saturday
        date(2026, 3, 2),  # Sunday 1 March skipped
    ]
    assert all(d.hour == 10 for d in due)
    assert add_working_days(friday, 2, ZONE).tzinfo is UTC


def test_days_are_counted_in_the_districts_zone_not_in_utc() -> None:
    # 17:00 UTC on Friday 13 February is 01:00 on Saturday 14 February (a working day) locally.
    moment = datetime(2026, 2, 13, 17, tzinfo=UTC)
    due = add_working_days(moment, 1, ZONE)
    assert due == datetime(2026, 2, 24, 1, tzinfo=ZONE)
    assert due == datetime(2026, 2, 23, 17, tzinfo=UTC)
    assert add_working_days(moment, 1, UTC) == datetime(2026, 2, 14, 17, tzinfo=UTC)


def test_a_moment_on_a_day_off_counts_from_that_day() -> None:
    festival_day = local(2, 17)
    assert add_working_days(festival_day, 1, ZONE) == local(2, 24)
    assert add_working_days(local(3, 7), 1, ZONE) == local(3, 9)  # Saturday + 1 is Monday


def test_counting_between_agrees_with_adding() -> None:
    start = local(2, 10)
    for n in range(15):
        assert working_days_between(start, add_working_days(start, n, ZONE), ZONE) == n
    assert working_days_between(local(2, 13), local(3, 2), ZONE) == 7
    assert working_days_between(local(3, 2), local(2, 13), ZONE) == -7
    assert working_days_between(local(2, 15), local(2, 23, 23), ZONE) == 0


def test_a_day_beyond_the_data_is_a_clear_one_line_error() -> None:
    first, last = calendar_span()
    assert first <= date(2026, 2, 14) <= last
    with pytest.raises(BeyondCalendarData) as refused:
        is_working_day(last + timedelta(days=1))
    message = str(refused.value)
    assert "\n" not in message
    assert (last + timedelta(days=1)).isoformat() in message and "chinese-calendar" in message
    assert refused.value.last == last
    with pytest.raises(BeyondCalendarData):
        is_working_day(first - timedelta(days=1))
    near_the_end = datetime.combine(last, datetime.min.time(), tzinfo=ZONE)
    with pytest.raises(BeyondCalendarData):
        add_working_days(near_the_end, 30, ZONE)
    with pytest.raises(BeyondCalendarData):
        working_days_between(near_the_end, near_the_end + timedelta(days=40), ZONE)


def test_moments_without_a_zone_negative_days_and_datetimes_for_dates_are_refused() -> None:
    with pytest.raises(DocumentInputError, match="carries its zone"):
        add_working_days(datetime(2026, 2, 13, 10), 1, ZONE)
    with pytest.raises(DocumentInputError, match="cannot be negative"):
        add_working_days(local(2, 13), -1, ZONE)
    with pytest.raises(DocumentInputError, match="takes a date"):
        is_working_day(local(2, 13))
