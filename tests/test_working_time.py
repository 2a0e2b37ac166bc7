"""The district's working time as bot.py wires it: the hours from the settings, the days from
China's holiday calendar (a day beyond its data counts Monday to Friday)."""

from __future__ import annotations

from datetime import date, time

import pytest

import wiring
from config.settings import Settings


def test_the_working_hours_come_from_the_settings() -> None:
    district = wiring.load_district(Settings(working_hours="08:30-12:00"))
    assert (district.work_start, district.work_end) == (time(8, 30), time(12, 0))


def test_a_bad_working_hours_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="working_hours"):
        Settings(working_hours="09:00-25:00")


def test_working_days_follow_chinas_calendar() -> None:
    working_day = wiring.load_district(Settings()).working_day
    assert not working_day(date(2026, 10, 1))  # National Day, a Thursday
    assert working_day(date(2026, 10, 9))  # a Friday after the holiday
    assert working_day(date(2099, 3, 2)) and not working_day(date(2099, 3, 1))  # beyond: Mon-Fri
