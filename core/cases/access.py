"""Who may see and do what; decided here (and, for a case's steps, in lifecycle) for every
command and every button: no other module checks a role itself (tests/test_layering.py)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from core.models import Case, CaseEvent, CaseStatus, Person, Role

INTERNAL_EVENTS = frozenset({"note", "reminder", "escalated", "notice", "extended_request"})


REFERABLE = frozenset({CaseStatus.TRIAGE, CaseStatus.OPEN})


def may_use(person: Person, roles: Collection[Role]) -> bool:
    """True when the person's role is one of a command's roles."""
    return person.role in roles


def help_lists_commands(role: Role) -> bool:
    """Whether /help lists a role's commands: a resident's says what they can do instead."""
    return role != Role.RESIDENT


def is_resident(person: Person) -> bool:
    """True for someone with no role but a resident's (their menu is the default one)."""
    return person.role == Role.RESIDENT


def may_forget(person: Person) -> bool:
    """True for who may have their personal data erased by /forgetme: residents (a member or
    a coordinator asks a coordinator)."""
    return is_resident(person)


def coordinates(person: Person) -> bool:
    """True for a coordinator: triage, routing, referral, invitations and members are theirs."""
    return person.is_coordinator


def serves_in_tank(person: Person) -> bool:
    """True for an active member of a tank: who may hold cases and hear of them."""
    return person.is_member


def is_staff(person: Person) -> bool:
    """True for a member or a coordinator: who may still hear about a case's notices."""
    return person.is_member or person.is_coordinator


def may_be_retired(person: Person) -> bool:
    """True for an active member, whom a coordinator may retire."""
    return person.role == Role.MEMBER and person.active


def may_answer_in_triage(person: Person, case: Case) -> bool:
    """True for a coordinator and a case in triage: nobody else owes the resident an answer."""
    return person.is_coordinator and case.status == CaseStatus.TRIAGE


def may_refer(person: Person, case: Case) -> bool:
    """True for a coordinator and a case no member holds yet."""
    return person.is_coordinator and case.status in REFERABLE


def sees_names(person: Person) -> bool:
    """True for who may find cases by the resident's name: coordinators."""
    return person.is_coordinator


def is_resident_of(person: Person, case: Case) -> bool:
    """True for the resident who filed the case."""
    return case.resident_id == person.id


def is_staff_of(person: Person, case: Case) -> bool:
    """True for a coordinator, the case's assignee or a member of its tank."""
    if person.is_coordinator:
        return True
    if not person.is_member:
        return False
    return case.assignee_id == person.id or (case.tank is not None and case.tank == person.tank)


def can_view(person: Person, case: Case) -> bool:
    """True for the case's resident and its staff."""
    return is_resident_of(person, case) or is_staff_of(person, case)


def sees_contact(person: Person, case: Case) -> bool:
    """True for who may see the resident's name and contact: coordinators and the assignee."""
    if case.anonymous:
        return False
    return person.is_coordinator or (person.is_member and case.assignee_id == person.id)


def sees_location(person: Person, case: Case) -> bool:
    """True for who may see where the resident shared a location: coordinators and the
    assignee (the resident is told so on the card they confirm)."""
    return person.is_coordinator or (person.is_member and case.assignee_id == person.id)


def sees_internal(person: Person, case: Case) -> bool:
    """True for who may see internal notes and reminders: staff only."""
    return is_staff_of(person, case)


def visible_events(person: Person, case: Case, events: list[CaseEvent]) -> list[CaseEvent]:
    """The timeline as the person may see it: residents see neither internal events nor the
    reasons colleagues gave for a transfer, only that the case moved to another field."""
    if sees_internal(person, case):
        return events
    return [_public(e) for e in events if e.kind not in INTERNAL_EVENTS]


def _public(event: CaseEvent) -> CaseEvent:
    if event.kind == "transferred":
        return replace(event, kind="transferred_public", data={"tank": event.data.get("tank")})
    return event


def works_at_desk(person: Person) -> bool:
    """True for who may write reports and see the desk: members and coordinators."""
    return is_staff(person)


def runs_desk(person: Person) -> bool:
    """True for who decides at the desk (adopts reports, handles proposals, schedules
    consultations, exports and sums up): coordinators."""
    return person.is_coordinator


def may_edit_report(person: Person, author_id: int) -> bool:
    """True for a report's author: nobody else writes into another's draft."""
    return person.id == author_id and is_staff(person)


def may_see_report(person: Person, author_id: int) -> bool:
    """True for a report's author and for coordinators."""
    return person.is_coordinator or may_edit_report(person, author_id)


def may_see_proposal(person: Person, proposers: Collection[int]) -> bool:
    """True for coordinators and for a proposal's proposers while they work at the desk: a
    member who was removed no longer sees or rates it."""
    return runs_desk(person) or (works_at_desk(person) and person.id in proposers)


def may_merge(person: Person, duplicate: Case, main: Case) -> bool:
    """True for who may merge a duplicate into a main case (并单) or undo it: a coordinator, the
    member holding the duplicate, or the member holding the main case while nobody holds the
    duplicate."""
    if person.is_coordinator:
        return True
    if not person.is_member:
        return False
    if duplicate.assignee_id == person.id:
        return True
    return main.assignee_id == person.id and duplicate.status != CaseStatus.CLAIMED
