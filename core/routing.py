"""Routing: who is told of a new case. Members of its tank; failing them, the coordinators."""

from __future__ import annotations

from datetime import datetime

from core import cards
from core.context import District, notify
from core.models import Case
from core.ports import UnitOfWork


def notice_key(case_id: int, person_id: int) -> str:
    """The outbox key of a case's notice in one person's chat, for later edits."""
    return f"notice:{case_id}:{person_id}"


async def announce_new_case(uow: UnitOfWork, district: District, case: Case, now: datetime) -> None:
    """Tell the tank's members of a new case, or the coordinators when nobody else can take it."""
    members = await uow.people.members(case.tank) if case.tank else []
    audience = members or await uow.people.coordinators()
    for person in audience:
        text = cards.member_notice(person.locale, district, case)
        await notify(
            uow,
            person,
            text,
            now,
            photos=case.photos,
            key=notice_key(case.id, person.id),
            case_id=case.id,
        )
