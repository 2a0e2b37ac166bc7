"""Who serves, as named from outside a conversation: members from the command line, coordinators
from the settings, each given the menu of their role; and the coordinators told when a member's
or a coordinator's chat can no longer be reached.

Here, above the conversation part, because a role's menu comes from the command table, which
names handlers from every part (core.conversation.menus); roles changed during a conversation
(an invitation accepted, a member retired) send the menu through the turn (Turn.send_menu).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from core.cases import access
from core.context import District, notify
from core.conversation import menus
from core.models import Person, Role
from core.ports import UnitOfWork
from core.texts import t


class MembershipError(ValueError):
    """A membership change that cannot be made, with the reason."""


async def _person(uow: UnitOfWork, channel: str, external_id: str, now: datetime) -> Person:
    person = await uow.people.by_external(channel, external_id)
    if person is None:
        person = await uow.people.add(
            Person(id=0, channel=channel, external_id=external_id, chat_id=external_id), now
        )
    return person


async def add_member(
    uow: UnitOfWork,
    district: District,
    channel: str,
    external_id: str,
    tank: str,
    now: datetime,
    name: str | None = None,
    station: str | None = None,
) -> Person:
    """Make someone a member of a tank (creating them if they never wrote to the bot)."""
    if district.tank(tank) is None:
        codes = ", ".join(t.code for t in district.tanks)
        raise MembershipError(f"unknown think tank {tank!r}; known: {codes}")
    if station is not None and district.station(station) is None:
        raise MembershipError(f"unknown station {station!r}")
    person = await _person(uow, channel, external_id, now)
    if access.coordinates(person):
        raise MembershipError(f"{external_id} is a coordinator")
    person.role, person.tank, person.station, person.active = Role.MEMBER, tank, station, True
    if name:
        person.name = name
    await uow.people.update(person)
    await menus.set_menu(uow, person, now)
    return person


async def sync_coordinators(
    uow: UnitOfWork, channel: str, external_ids: Iterable[str], now: datetime
) -> list[Person]:
    """Make exactly these people coordinators; others who were become residents again."""
    wanted = set(external_ids)
    changed = []
    for person in await uow.people.coordinators():
        if person.channel == channel and person.external_id not in wanted:
            person.role = Role.RESIDENT
            changed.append(person)
    for external_id in sorted(wanted):
        person = await _person(uow, channel, external_id, now)
        if not access.coordinates(person):
            person.role, person.tank, person.active = Role.COORDINATOR, None, True
            changed.append(person)
    for person in changed:
        await uow.people.update(person)
        await menus.set_menu(uow, person, now)
    return changed


async def unreachable(
    uow: UnitOfWork, channel: str, chat_id: str, now: datetime, district: District | None = None
) -> None:
    """Tell the other coordinators that a member's or a coordinator's chat can no longer be
    reached (those unreachable themselves are not written to); a member's tank by its name."""
    coordinators = await uow.people.coordinators()
    for person in [*await uow.people.members(), *coordinators]:
        if person.channel != channel or person.chat_id != chat_id:
            continue
        key = "coordinator_unreachable" if access.coordinates(person) else "member_unreachable"
        for coordinator in coordinators:
            if coordinator.id == person.id:
                continue
            name = person.name or person.id
            tank = {} if key == "coordinator_unreachable" else {"tank": person.tank or ""}
            if tank and district is not None:
                tank["tank"] = district.tank_name(person.tank, coordinator.locale)
            text = t(coordinator.locale, key, name=name, id=person.id, **tank)
            await notify(uow, coordinator, text, now)
