"""What the figures mean, each defined once: when a case is overdue, when a first reply came in
time, and the three rates coordinators steer by (response, resolution, satisfaction).

The sweep, the lists (/overdue, the members' lists and digests), /stats and the weekly digest
use these; storage/stats.py and storage/views.py write the same rules in SQL, built from the
statuses here, and the tallies of migrations 0002 and 0004 count what /stats over all time
reads. tests/storage/test_measures_agree.py feeds the same cases to every one of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from core.models import OPEN_STATUSES, Case, CaseStatus
from core.views import Rate

# Someone still owes work on a case in these.
OPEN = OPEN_STATUSES
# The tanks' work is done: resolved (waiting for the rating) or closed.
RESOLVED = frozenset({CaseStatus.RESOLVED, CaseStatus.CLOSED})
# Not the tanks' to resolve: a case referred (转办) counts in no resolution rate.
NOT_THE_TANKS = frozenset({CaseStatus.REFERRED})
RATINGS = ("good", "fair", "poor")  # 满意, 基本满意, 不满意
SATISFIED = frozenset({"good", "fair"})
MINUTE = timedelta(minutes=1)
HOUR_MS = 3_600_000


def reached(moment: datetime, now: datetime) -> bool:
    """True once a moment has come: a deadline is reached (and passed) at its very moment; the
    sweep's reminders fall due the same way."""
    return moment <= now


def overdue(status: CaseStatus, due_at: datetime | None, paused: bool, now: datetime) -> bool:
    """Open, its current deadline reached, and not paused by a question to the resident."""
    return status in OPEN and not paused and due_at is not None and reached(due_at, now)


def is_overdue(case: Case, now: datetime) -> bool:
    """True for a case overdue at now (see overdue)."""
    return overdue(case.status, case.due_at, case.waiting_since is not None, now)


def whole_minutes(start: datetime, end: datetime) -> int:
    """A duration from receipt in whole minutes, as /stats and its tallies count durations."""
    return (end - start) // MINUTE


def allowance_ms(hours: float) -> int:
    """A first-reply deadline in whole milliseconds, as it is compared."""
    return int(hours * HOUR_MS)


def replied_in_time(created_at: datetime, replied_at: datetime, hours: float) -> bool:
    """A first reply is in time when its whole minutes from receipt are within the tank's
    first-reply deadline (a reply 30 s past a deadline of whole hours still is)."""
    return whole_minutes(created_at, replied_at) * 60_000 <= allowance_ms(hours)


def reply_overdue(created_at: datetime, hours: float, now: datetime) -> bool:
    """A case not answered yet counts against the response rate once its first-reply deadline
    is reached."""
    return reached(created_at + timedelta(milliseconds=allowance_ms(hours)), now)


def response(cases: Iterable[Case], hours: Mapping[str | None, float], now: datetime) -> Rate:
    """Response rate: first replies in time, of the cases answered and those whose first-reply
    deadline has come unanswered; each case by its tank's deadline (triage's: None)."""
    hits = total = 0
    for case in cases:
        allowance = hours.get(case.tank, hours[None])
        if case.first_reply_at is not None:
            total += 1
            hits += replied_in_time(case.created_at, case.first_reply_at, allowance)
        elif reply_overdue(case.created_at, allowance, now):
            total += 1
    return Rate(hits, total)


def resolution(by_status: Mapping[str, int]) -> Rate:
    """Resolution rate: cases resolved or closed, of every case but those referred."""
    total = sum(by_status.values()) - sum(by_status.get(s, 0) for s in NOT_THE_TANKS)
    return Rate(sum(by_status.get(s, 0) for s in RESOLVED), total)


def satisfaction(ratings: Mapping[str, int]) -> Rate:
    """Satisfaction rate: ratings of 满意 or 基本满意, of every rating given."""
    return Rate(sum(n for r, n in ratings.items() if r in SATISFIED), sum(ratings.values()))
