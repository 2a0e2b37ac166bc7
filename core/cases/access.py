"""Who may see and do what with a case; decided here for every command and every button."""

from __future__ import annotations

from dataclasses import replace

from core.models import Case, CaseEvent, Person

INTERNAL_EVENTS = frozenset({"note", "reminder", "escalated", "notice", "extended_request"})


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
