"""The life of a case: who may move it where, and the deadline each step sets.

Every function checks the actor's role and ownership, changes the case in place and returns the
timeline event; a step that is not allowed raises Refused with the catalogue key of the reason.
Deadlines of the natural course (claim, first reply, resolve) count from the case's creation; a
hand-over (transfer, assignment, reopening) starts the new step's clock afresh.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from core.cases import measures
from core.cases.access import is_staff_of
from core.models import Case, CaseEvent, CaseStatus, Deadlines, Person

RATING_WINDOW = timedelta(days=7)
REMIND_AT = 0.75  # the first reminder, as a share of the time to the deadline
ESCALATE_AFTER = 0.25  # escalation after the deadline, as a share of the same time


class Refused(Exception):
    """A step the actor may not take now; key names the catalogue text that says why."""

    def __init__(self, key: str, **kwargs: Any) -> None:
        super().__init__(key)
        self.key = key
        self.kwargs = kwargs


def set_due(case: Case, kind: str | None, start: datetime, hours: float) -> None:
    """Give the case a new current deadline and reset its reminders."""
    case.remind_level = 0
    case.waiting_since = None
    if kind is None:
        case.due_kind = case.due_from = case.due_at = None
    else:
        case.due_kind, case.due_from = kind, start
        case.due_at = start + timedelta(hours=hours)
    plan_check(case)


def ladder(case: Case) -> tuple[datetime, datetime, datetime] | None:
    """The moments of the current deadline's reminder, deadline reminder and escalation."""
    if case.due_at is None or case.due_from is None:
        return None
    span = case.due_at - case.due_from
    return (case.due_from + span * REMIND_AT, case.due_at, case.due_at + span * ESCALATE_AFTER)


def plan_check(case: Case) -> None:
    """Set when the sweep must next look at the case: its next reminder or wider notice."""
    moments = []
    if case.wider_notice_at is not None and case.status == CaseStatus.OPEN:
        moments.append(case.wider_notice_at)
    steps = ladder(case)
    if case.status == CaseStatus.RESOLVED and case.due_at is not None:
        moments.append(case.due_at)
    elif steps and case.is_open and case.waiting_since is None and case.remind_level < 3:
        moments.append(steps[case.remind_level])
    if case.late_notice_at is not None and case.is_open and case.first_reply_at is None:
        moments.append(case.late_notice_at)
    case.next_check_at = min(moments) if moments else None


def _event(case: Case, kind: str, actor: Person | None, now: datetime, **data: Any) -> CaseEvent:
    case.updated_at = now
    return CaseEvent(case.id, kind, now, actor.id if actor else None, data)


def not_closed(case: Case) -> None:
    """Refuse any work on a closed case with the reason that it is closed."""
    if case.status == CaseStatus.CLOSED:
        raise Refused("case_finished", ref=case.ref)


def is_assignee(person: Person, case: Case) -> bool:
    """True for the member who holds the case."""
    return person.is_member and case.assignee_id == person.id


def route(case: Case, tank: str | None, now: datetime, deadlines: Deadlines, fresh: bool) -> None:
    """Send the case to a tank (or triage), unclaimed, with the claim deadline running."""
    case.tank, case.assignee_id, case.claimed_at = tank, None, None
    case.awaiting_member = False
    case.status = CaseStatus.OPEN if tank else CaseStatus.TRIAGE
    start = now if fresh else case.created_at
    set_due(case, "claim", start, deadlines.hours("claim", start))


def claim(case: Case, member: Person, now: datetime, deadlines: Deadlines) -> CaseEvent:
    """A member of the case's tank takes it; the first claim wins."""
    not_closed(case)
    if not member.is_member or member.tank != case.tank:
        raise Refused("not_your_tank")
    if case.status != CaseStatus.OPEN:
        raise Refused("already_taken" if case.status == CaseStatus.CLAIMED else "case_not_open")
    _take(case, member, now, deadlines)
    return _event(case, "claimed", member, now, member=member.name)


def auto_assign(case: Case, member: Person, now: datetime, deadlines: Deadlines) -> CaseEvent:
    """The sweep gives an unclaimed case past its claim deadline to a member of its tank; the
    timeline says so (the member did not claim it)."""
    if not member.is_member or member.tank != case.tank or case.status != CaseStatus.OPEN:
        raise Refused("case_not_open")
    _take(case, member, now, deadlines)
    return _event(case, "auto_assigned", None, now, member=member.name)


def _take(case: Case, member: Person, now: datetime, deadlines: Deadlines) -> None:
    """The member holds the case now; the next deadline runs from receipt on the natural course."""
    case.status, case.assignee_id, case.claimed_at = CaseStatus.CLAIMED, member.id, now
    case.wider_notice_at = None
    case.awaiting_member = case.first_reply_at is None
    kind = "reply" if case.first_reply_at is None else "resolve"
    start = case.created_at if case.due_from == case.created_at else now
    set_due(case, kind, start, deadlines.hours(kind, start))


def member_message(
    case: Case, member: Person, text: str, now: datetime, deadlines: Deadlines, question: bool
) -> CaseEvent:
    """The assignee writes to the resident; the first message is the first reply."""
    not_closed(case)
    if not is_assignee(member, case) or case.status not in (
        CaseStatus.CLAIMED,
        CaseStatus.RESOLVED,
    ):
        raise Refused("not_assignee")
    if case.first_reply_at is None:
        case.first_reply_at = now
        if case.due_kind == "reply":
            set_due(case, "resolve", case.created_at, deadlines.hours("resolve", case.created_at))
    case.awaiting_member = False
    if question and case.status == CaseStatus.CLAIMED:
        case.waiting_since = now
        plan_check(case)
    return _event(case, "message", member, now, side="member", text=text, question=question)


def resident_message(case: Case, resident: Person, text: str, now: datetime) -> CaseEvent:
    """The resident writes to the member; an unanswered question's pause ends."""
    if case.resident_id != resident.id:
        raise Refused("case_not_found", ref=case.ref)
    if case.status == CaseStatus.CLOSED:
        raise Refused("case_closed", ref=case.ref)
    if case.status == CaseStatus.REFERRED:
        raise Refused("case_referred", ref=case.ref)
    resume(case, now)
    case.awaiting_member = case.assignee_id is not None
    return _event(case, "message", resident, now, side="resident", text=text)


def resume(case: Case, now: datetime) -> None:
    """End a pause: the deadline and the next reminder move on by the time spent waiting."""
    if case.waiting_since is None or case.due_at is None or case.due_from is None:
        case.waiting_since = None
        return
    paused = now - case.waiting_since
    case.waiting_since = None
    case.due_at += paused
    case.due_from += paused
    plan_check(case)


def withdrawn(case: Case, resident: Person, now: datetime, at: int, answer: bool) -> CaseEvent:
    """The resident's words on a case (at: when, in ms) were a new concern after all, filed as
    one instead; if they were taken as the answer to a question, the question is open again."""
    if case.resident_id != resident.id:
        raise Refused("case_not_found", ref=case.ref)
    if answer and case.status == CaseStatus.CLAIMED and case.waiting_since is None:
        case.waiting_since, case.awaiting_member = now, False
        plan_check(case)
    return _event(case, "withdrawn", resident, now, at=at)


def note(case: Case, person: Person, text: str, now: datetime) -> CaseEvent:
    """An internal note by staff; the resident never sees it."""
    if not is_staff_of(person, case):
        raise Refused("case_not_found", ref=case.ref)
    return _event(case, "note", person, now, text=text)


def may_transfer(person: Person, case: Case) -> bool:
    """True for the assignee, a member of the tank while unclaimed, or a coordinator."""
    if not case.is_open:
        return False
    if person.is_coordinator or is_assignee(person, case):
        return True
    return person.is_member and case.status == CaseStatus.OPEN and person.tank == case.tank


def transfer(
    case: Case,
    actor: Person,
    to_tank: str | None,
    reason: str,
    now: datetime,
    deadlines: Deadlines,
) -> CaseEvent:
    """Send a misrouted case to another tank (or back to triage), with the reason."""
    not_closed(case)
    if not may_transfer(actor, case):
        raise Refused("not_allowed_case")
    if to_tank == case.tank:
        raise Refused("same_tank")
    old = case.tank
    route(case, to_tank, now, deadlines, fresh=True)
    return _event(case, "transferred", actor, now, old=old, tank=to_tank, reason=reason)


def assign(
    case: Case, coordinator: Person, member: Person, now: datetime, deadlines: Deadlines
) -> CaseEvent:
    """A coordinator gives the case to a member directly."""
    if not coordinator.is_coordinator:
        raise Refused("not_allowed")
    not_closed(case)
    if not case.is_open:
        raise Refused("case_not_open")
    old = case.tank
    case.tank, case.status, case.assignee_id = member.tank, CaseStatus.CLAIMED, member.id
    case.claimed_at, case.wider_notice_at = now, None
    case.awaiting_member = True
    kind = "reply" if case.first_reply_at is None else "resolve"
    set_due(case, kind, now, deadlines.hours(kind, now))
    return _event(case, "assigned", coordinator, now, old=old, tank=member.tank, member=member.name)


def resolve(case: Case, member: Person, summary: str, now: datetime) -> CaseEvent:
    """The assignee reports what was done; the resident is asked to rate it."""
    not_closed(case)
    if not is_assignee(member, case) or case.status != CaseStatus.CLAIMED:
        raise Refused("not_assignee")
    case.status, case.resolved_at = CaseStatus.RESOLVED, now
    case.awaiting_member = False
    if case.first_reply_at is None:
        case.first_reply_at = now
    set_due(case, "rating", now, RATING_WINDOW.total_seconds() / 3600)
    return _event(case, "resolved", member, now, text=summary)


def rate(
    case: Case, resident: Person, rating: str, now: datetime, deadlines: Deadlines
) -> CaseEvent:
    """The resident rates the result; 不满意 reopens the case to the same member."""
    if case.resident_id != resident.id:
        raise Refused("case_not_found", ref=case.ref)
    if case.status != CaseStatus.RESOLVED or rating not in measures.RATINGS:
        raise Refused("rating_closed")
    case.rating = rating
    if rating == "poor" and case.assignee_id is None:
        # Its member retired meanwhile: the case goes back to the tank.
        case.resolved_at = None
        route(case, case.tank, now, deadlines, fresh=True)
    elif rating == "poor":
        case.status, case.resolved_at = CaseStatus.CLAIMED, None
        case.awaiting_member = True
        set_due(case, "resolve", now, deadlines.hours("resolve", now))
    else:
        case.status, case.closed_at = CaseStatus.CLOSED, now
        set_due(case, None, now, 0)
    return _event(case, "rated", resident, now, rating=rating)


def close_unrated(case: Case, now: datetime) -> CaseEvent:
    """Close a resolved case the resident did not rate in time."""
    case.status, case.closed_at = CaseStatus.CLOSED, now
    set_due(case, None, now, 0)
    return _event(case, "closed_unrated", None, now)


def return_to_tank(case: Case, now: datetime, deadlines: Deadlines, reason: str) -> CaseEvent:
    """A retired member's case goes back to its tank, unclaimed; a resolved one keeps its
    resolution and rating window, and goes to the tank if the rating reopens it."""
    old_member = case.assignee_id
    if case.status == CaseStatus.RESOLVED:
        case.assignee_id = None
    else:
        route(case, case.tank, now, deadlines, fresh=True)
    return _event(case, "returned", None, now, reason=reason, old_member=old_member)


MAX_EXTENSION_DAYS = 15


def extend(case: Case, member: Person, days: int, reason: str, now: datetime) -> CaseEvent:
    """The assignee's one extension of the current deadline."""
    not_closed(case)
    if not is_assignee(member, case) or case.status != CaseStatus.CLAIMED:
        raise Refused("not_assignee")
    if case.extended:
        raise Refused("already_extended")
    if not 1 <= days <= MAX_EXTENSION_DAYS or case.due_at is None or case.due_from is None:
        raise Refused("extend_usage")
    case.extended = True
    case.due_at += timedelta(days=days)
    case.remind_level = 0
    plan_check(case)
    return _event(case, "extended", member, now, days=days, reason=reason)
