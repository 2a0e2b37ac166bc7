"""Flood control: one polite answer to a flood, then silence; normal pace is never held up."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from core.throttle import Throttle, Verdict

START = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def verdicts(
    throttle: Throttle, count: int, every: float, start: datetime = START
) -> list[Verdict]:
    return [throttle.check("u", start + timedelta(seconds=i * every)) for i in range(count)]


def test_a_flood_is_warned_once_and_then_met_with_silence() -> None:
    got = verdicts(Throttle(), 100, 0.05)  # 100 messages in 5 seconds
    warn = got.index(Verdict.WARN)
    assert Counter(got)[Verdict.WARN] == 1
    assert set(got[:warn]) == {Verdict.ALLOW}
    assert set(got[warn + 1 :]) == {Verdict.DROP}


def test_after_a_pause_the_person_is_heard_at_the_rate_without_a_second_warning() -> None:
    throttle = Throttle(burst=5, rate=1.0)
    verdicts(throttle, 20, 0.05)
    later = START + timedelta(seconds=3)
    assert verdicts(throttle, 5, 1.0, later) == [Verdict.ALLOW] * 5
    resumed = verdicts(throttle, 10, 0.05, later + timedelta(seconds=5))
    assert resumed[0] is Verdict.ALLOW
    assert set(resumed[1:]) == {Verdict.DROP}  # the flood resumed: silence, no second warning


def test_a_new_flood_after_a_full_rest_is_warned_again() -> None:
    throttle = Throttle(burst=5, rate=1.0)
    verdicts(throttle, 20, 0.05)
    rested = START + timedelta(seconds=60)
    assert Counter(verdicts(throttle, 20, 0.05, rested))[Verdict.WARN] == 1


def test_a_steady_pace_at_the_rate_is_never_held_up() -> None:
    assert set(verdicts(Throttle(burst=3, rate=1.0), 200, 1.0)) == {Verdict.ALLOW}
