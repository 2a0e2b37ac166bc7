"""Working days beyond the calendar package's data: the district's schedule (config/holidays.toml)
for a later year, read from TOML, and a clear refusal for a year found in neither."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from config.desk import DEFAULT_DESK, DEFAULT_HOLIDAYS, load_desk, load_holidays
from config.tanks import ConfigError, load_tanks, parse_tanks
from core.cases import lifecycle
from core.context import District
from core.models import Case, Deadlines
from core.office import FileRefused
from handlers.office import ChinaWorkingDays

ZONE = ZoneInfo("Asia/Shanghai")
# Made up for the test (not a published schedule): a week off around a Spring Festival, with the
# Saturday before worked in exchange.
EXAMPLE = """
[2027]
days_off = ["2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12"]
working = ["2027-02-06"]
"""


def schedule_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "holidays.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_year_after_the_package_counts_by_the_districts_schedule(tmp_path: Path) -> None:
    calendar = ChinaWorkingDays(ZONE, load_holidays(schedule_file(tmp_path, EXAMPLE)))
    friday = datetime(2027, 2, 5, 2, 0, tzinfo=UTC)  # 10:00 in Fengnan
    # the make-up Saturday is the first; the week off and the weekend after are skipped
    assert calendar.add(friday, 1) == datetime(2027, 2, 6, 2, 0, tzinfo=UTC)
    assert calendar.add(friday, 2) == datetime(2027, 2, 15, 2, 0, tzinfo=UTC)
    # the package's own years are untouched: 2026's Spring Festival as it has it
    assert calendar.add(datetime(2026, 2, 13, 2, 0, tzinfo=UTC), 2) == datetime(
        2026, 2, 24, 2, 0, tzinfo=UTC
    )


def test_a_year_in_neither_is_refused_clearly_never_guessed(tmp_path: Path) -> None:
    calendar = ChinaWorkingDays(ZONE, load_holidays(schedule_file(tmp_path, EXAMPLE)))
    with pytest.raises(FileRefused) as refused:
        calendar.add(datetime(2027, 12, 30, 2, 0, tzinfo=UTC), 5)
    assert refused.value.key == "beyond_calendar"
    assert refused.value.values == {"day": "2028-01-01", "last": "2027-12-31"}
    bare = ChinaWorkingDays(ZONE)
    with pytest.raises(FileRefused):
        bare.add(datetime(2026, 12, 30, 2, 0, tzinfo=UTC), 5)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[2027]\ndays_off = ["2027-02-30"]\n', "not a date"),
        ('[2027]\ndays_off = ["2028-01-01"]\n', "not in 2027"),
        ('[2027]\ndays_off = ["2027-02-08"]\nworking = ["2027-02-08"]\n', "both off and worked"),
        ('[2027]\nholidays = ["2027-02-08"]\n', "unknown keys"),
        ('[next]\ndays_off = ["2027-02-08"]\n', "a year's table"),
        ('[2027]\ndays_off = "2027-02-08"\n', "a list of dates"),
        ("[2027\n", "not valid TOML"),
    ],
)
def test_a_bad_schedule_stops_start_up_with_what_is_wrong(
    tmp_path: Path, text: str, says: str
) -> None:
    with pytest.raises(ConfigError, match=says):
        load_holidays(schedule_file(tmp_path, text))


def test_the_shipped_files_load() -> None:
    assert load_holidays(DEFAULT_HOLIDAYS).years == frozenset()
    desk = load_desk(DEFAULT_DESK)
    assert desk.issuer and desk.proposal_reply_working_days >= 0


def test_a_tank_counting_in_working_days_sets_the_claim_deadline_across_the_festival(
    tmp_path: Path,
) -> None:
    tanks = parse_tanks(
        {
            "defaults": {"deadlines": {"claim_hours": 24}},
            "tanks": {
                "law": {
                    "name_zh": "法律",
                    "name_en": "Law",
                    "keywords": {"欠薪": 3},
                    "deadlines": {"claim_working_days": 2, "resolve_working_days": 10},
                }
            },
        }
    )
    assert dict(tanks[0].deadlines.working_days) == {"claim": 2, "resolve": 10}
    district = District(tuple(tanks), (), calendar=ChinaWorkingDays(ZONE))
    friday = datetime(2026, 2, 13, 2, 0, tzinfo=UTC)  # 10:00 before the Spring Festival
    case = Case(id=1, resident_id=1, text="欠薪", created_at=friday, updated_at=friday)
    lifecycle.route(case, "law", friday, district.deadlines("law"), fresh=True)
    # Saturday the 14th is worked in exchange; the 15th-23rd are off: the 24th is the second
    assert case.due_at == datetime(2026, 2, 24, 2, 0, tzinfo=UTC)
    # a district without the calendar, or a tank in hours, keeps the hours
    plain = replace(district, calendar=None)
    lifecycle.route(case, "law", friday, plain.deadlines("law"), fresh=True)
    assert case.due_at == datetime(2026, 2, 14, 2, 0, tzinfo=UTC)
    shipped = District(tuple(load_tanks()), (), calendar=ChinaWorkingDays(ZONE))
    assert shipped.deadlines("law").calendar is None


@pytest.mark.parametrize("days", [0, -1, 1.5, "3", True, 300])
def test_a_bad_working_days_setting_is_refused(days: object) -> None:
    raw = {"tanks": {"law": {"name_zh": "法律", "name_en": "Law", "keywords": {"欠薪": 3}}}}
    raw["tanks"]["law"]["deadlines"] = {"resolve_working_days": days}
    with pytest.raises(ConfigError, match="resolve_working_days"):
        parse_tanks(raw)


def test_a_deadline_beyond_the_calendar_falls_back_to_hours_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    deadlines = Deadlines(claim=24, working_days=(("claim", 2),), calendar=ChinaWorkingDays(ZONE))
    start = datetime(2026, 12, 31, 2, 0, tzinfo=UTC)
    assert deadlines.hours("claim", start) == 24
    assert "claim due in 2 working days" in caplog.text and "beyond_calendar" in caplog.text
