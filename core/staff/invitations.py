"""Membership invitations: coordinators list the usable ones and revoke one; whoever opens one
accepts it and becomes a member of its tank.

/invite makes an invitation; it lasts the district's invite_days and dies with
its creator's coordinator role (accept checks both). Revoking works by /revoke <code> or by the
button each listed invitation carries.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from core import callbacks
from core.callbacks import Callback, Scope
from core.cases import access, casework
from core.cases.lifecycle import Refused
from core.context import Turn
from core.messages import Button
from core.models import Invite, Person, Role
from core.ports import UnitOfWork
from core.states import Conversation

LIST_LIMIT = 30


async def invite(turn: Turn, state: Conversation) -> None:
    """/invite <tank> [station]: a one-time link that makes its opener a member."""
    parts = turn.inbound.args.split()
    tank = casework.tank_code(turn, parts[0]) if parts else None
    station = parts[1] if len(parts) > 1 else None
    if tank is None or tank == "triage" or (station and turn.district.station(station) is None):
        raise Refused("invite_usage")
    code = secrets.token_urlsafe(12)
    days = turn.district.invite_days
    expires = turn.now + timedelta(days=days)
    await turn.uow.invites.add(Invite(code, tank, station, turn.person.id, turn.now, expires))
    name = turn.district.tank_name(tank, turn.locale)
    if turn.person.channel == "wecom":  # no link there: the code is typed in the app
        await turn.reply(turn.t("invite_code", tank=name, days=f"{days:g}", code=code))
        return
    link = f"https://t.me/{turn.district.bot_username}?start={code}"
    await turn.reply(turn.t("invite_link", tank=name, link=link, days=f"{days:g}", code=code))


async def list_invites(turn: Turn, state: Conversation) -> None:
    """/invites: the usable invitations, each with a button that revokes it."""
    live = await _alive(turn)
    if not live:
        await turn.reply(turn.t("invites_none"))
        return
    lines, rows = [turn.t("invites_header")], []
    for invite, creator in live:
        lines.append(
            turn.t(
                "invite_line",
                code=invite.code,
                tank=turn.district.tank_name(invite.tank, turn.locale),
                station=turn.district.station_name(invite.station, turn.locale),
                by=creator.name or creator.id,
                until=turn.district.show_time(invite.expires_at),
            )
        )
        data = callbacks.pack(Scope.INVITE, "revoke", invite.code)
        rows.append([Button(text=turn.t("btn_revoke", code=invite.code[:8]), data=data)])
    await turn.reply("\n".join(lines), buttons=rows)


async def revoke(turn: Turn, state: Conversation) -> None:
    """/revoke <code>: the invitation can no longer be used."""
    code = turn.inbound.args.strip()
    if not code:
        raise Refused("revoke_usage")
    await _revoke(turn, code)


async def on_button(turn: Turn, state: Conversation, cb: Callback) -> None:
    """A press on an invitation's revoke button."""
    code = cb.arg(0)
    if not access.coordinates(turn.person):
        raise Refused("not_allowed")
    if cb.action != "revoke" or code is None:
        raise Refused("button_stale")
    await _revoke(turn, code)


async def _revoke(turn: Turn, code: str) -> None:
    code = code[:64]
    if not await turn.uow.invites.revoke(code, turn.person.id, turn.now):
        raise Refused("revoke_unknown", code=code)
    await turn.answer(turn.t("invite_revoked", code=code))
    await turn.reply(turn.t("invite_revoked", code=code))


async def _alive(turn: Turn) -> list[tuple[Invite, Person]]:
    """Usable invitations whose creators still coordinate, with the creator."""
    creators: dict[int, Person | None] = {}
    alive = []
    for invite in await turn.uow.invites.live(turn.now, LIST_LIMIT):
        if invite.created_by is None:
            continue
        if invite.created_by not in creators:
            creators[invite.created_by] = await turn.uow.people.get(invite.created_by)
        creator = creators[invite.created_by]
        if creator is not None and access.coordinates(creator):
            alive.append((invite, creator))
    return alive


async def accept(uow: UnitOfWork, person: Person, code: str, now: datetime) -> str:
    """Accept an invitation; returns the catalogue key of the outcome. On "invite_welcome" the
    person is a member now, and their menu is the caller's to send (Turn.send_menu)."""
    invite = await uow.invites.get(code[:64])
    if invite is None or not invite.usable(now):
        return "invite_invalid"
    creator = await uow.people.get(invite.created_by) if invite.created_by else None
    if creator is None or not access.coordinates(creator):
        return "invite_invalid"  # an invitation dies with its coordinator's role
    if access.coordinates(person):
        return "invite_coordinator"
    if not await uow.invites.use(invite.code, person.id, now):
        return "invite_invalid"
    person.role, person.tank, person.station, person.active = (
        Role.MEMBER,
        invite.tank,
        invite.station,
        True,
    )
    await uow.people.update(person)
    return "invite_welcome"
