"""The delivery's settings: how many chats have a message in flight, and how long records stay."""

from __future__ import annotations

from datetime import timedelta

import pytest

from config.settings import SettingsError, load_settings
from storage.housekeeping import Retention


def test_thirty_chats_in_flight_by_default() -> None:
    assert load_settings().sends_in_flight == 30
    assert load_settings(sends_in_flight="1").sends_in_flight == 1
    with pytest.raises(SettingsError, match="MINQING_SENDS_IN_FLIGHT"):
        load_settings(sends_in_flight="0")


def test_retention_is_a_setting_and_update_ids_outlive_telegrams_day() -> None:
    defaults = load_settings()
    assert (defaults.retention_days, defaults.update_log_days) == (90, 7)
    chosen = load_settings(retention_days="30", update_log_days="2")
    retention = Retention.days(chosen.retention_days, chosen.update_log_days)
    assert retention == Retention(timedelta(days=30), timedelta(days=30), timedelta(days=2))
    with pytest.raises(SettingsError, match="MINQING_UPDATE_LOG_DAYS"):
        load_settings(update_log_days="1")
    with pytest.raises(SettingsError, match="MINQING_RETENTION_DAYS"):
        load_settings(retention_days="0")
