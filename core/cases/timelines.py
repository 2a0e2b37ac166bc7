"""A case's timeline shown to whoever asked: read after the turn commits, on the read side.

A case's timeline grows with every message both ways; read inside the turn, it held the writer
(and every other chat) for as long as it took: 1.4 s for 20,000 events. The turn only checks
that the caller may see the case; the timeline is read once the turn has committed, outside any
unit of work (Turn.defer), and checked again against the case as it then is.
"""

from __future__ import annotations

from core.cases import access, cards, notices
from core.context import Reply, Turn
from core.models import Case
from core.texts import t
from core.views import CaseViews


def show(turn: Turn, case: Case) -> None:
    """Show the case's timeline as the caller may see it, with the claim card's actions for
    the member holding it."""
    person, district, case_id, similar = turn.person, turn.district, case.id, turn.similar

    async def read(views: CaseViews) -> list[Reply]:
        found = await views.timeline(case_id)
        if found is None or not access.can_view(person, found[0]):
            return [(t(person.locale, "case_not_found", ref=f"#{case_id}"), ())]
        case, events = found
        events = access.visible_events(person, case, events)
        contact, place = access.sees_contact(person, case), access.sees_location(person, case)
        staff = not access.is_resident(person)
        text = cards.case_timeline(person.locale, district, case, events, contact, place, staff)
        if access.is_staff_of(person, case) and case.is_open:
            alike = await similar.similar(
                case.text, case.tank, case.station, case.location, k=3, exclude=[case.id]
            )
            if alike:
                refs = " ".join(f"#{s.case_id}" for s in alike)
                text += "\n\n" + t(person.locale, "card_similar", refs=refs, ref=case.ref)
        buttons = [*notices.holder_actions(person, case), *notices.desk_actions(person, case)]
        return [(text, buttons)]

    turn.defer(read, case_id)
