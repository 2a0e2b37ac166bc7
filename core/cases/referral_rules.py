"""The way out for a concern no think tank can take: a coordinator may answer the resident of a
case in triage, and close a case nobody holds as referred (转办) to a body outside the tanks.

Like lifecycle, each function checks the actor and the case, changes the case in place and
returns the timeline event, or raises Refused with the catalogue key of the reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.cases import access, measures
from core.cases.lifecycle import RATING_WINDOW, Refused, set_due
from core.models import Case, CaseEvent, CaseStatus, Person, ReferralBody


def _event(case: Case, kind: str, actor: Person, now: datetime, **data: Any) -> CaseEvent:
    case.updated_at = now
    return CaseEvent(case.id, kind, now, actor.id, data)


def answer(case: Case, coordinator: Person, text: str, now: datetime) -> CaseEvent:
    """A coordinator writes to the resident of a case in triage; its deadline runs on."""
    if not access.coordinates(coordinator):
        raise Refused("not_allowed_case")
    if not access.may_answer_in_triage(coordinator, case):
        raise Refused("answer_not_triage", ref=case.ref)
    case.late_notice_at = None  # the resident has an answer: the one promised is not late
    return _event(case, "answered", coordinator, now, text=text)


def refer(
    case: Case, coordinator: Person, body: ReferralBody, text: str, now: datetime
) -> CaseEvent:
    """A coordinator closes a case no tank can take as referred (转办) to a body outside the
    tanks, with the text that tells the resident where to turn and why. That is the answer the
    resident gets: nothing more is owed, and the sweep stops looking at the case."""
    if not access.coordinates(coordinator):
        raise Refused("not_allowed_case")
    if not access.may_refer(coordinator, case):
        raise Refused("refer_not_open", ref=case.ref)
    case.status, case.closed_at, case.referred_to = CaseStatus.REFERRED, now, body.code
    case.wider_notice_at, case.awaiting_member = None, False
    if case.first_reply_at is None:
        case.first_reply_at = now
    set_due(case, None, now, 0)
    return _event(
        case,
        "referred",
        coordinator,
        now,
        body=body.code,
        name_zh=body.name_zh,
        name_en=body.name_en,
        text=text,
    )


def rate_referral(case: Case, resident: Person, rating: str, now: datetime) -> CaseEvent:
    """The resident rates the answer a referral gave them, once, within the rating window."""
    if case.resident_id != resident.id:
        raise Refused("case_not_found", ref=case.ref)
    if (
        case.status != CaseStatus.REFERRED
        or case.rating is not None
        or rating not in measures.RATINGS
        or case.closed_at is None
        or now > case.closed_at + RATING_WINDOW
    ):
        raise Refused("rating_closed")
    case.rating = rating
    return _event(case, "rated", resident, now, rating=rating)
