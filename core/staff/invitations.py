"""Coordinators' view of the membership invitations: list the usable ones, revoke one.

/invite (coordination) makes an invitation; it lasts the district's invite_days and dies with
its creator's coordinator role (membership.join checks both). Revoking works by /revoke <code>
or by the button each listed invitation carries.
"""

from __future__ import annotations

from core import callbacks
from core.callbacks import Callback
from core.cases.lifecycle import Refused
from core.context import Turn
from core.messages import Button
from core.models import DialogState, Invite, Person

LIST_LIMIT = 30


async def list_invites(turn: Turn, state: DialogState) -> None:
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
        data = callbacks.pack("inv", "revoke", invite.code)
        rows.append([Button(text=turn.t("btn_revoke", code=invite.code[:8]), data=data)])
    await turn.reply("\n".join(lines), buttons=rows)


async def revoke(turn: Turn, state: DialogState) -> None:
    """/revoke <code>: the invitation can no longer be used."""
    code = turn.inbound.args.strip()
    if not code:
        raise Refused("revoke_usage")
    await _revoke(turn, code)


async def on_button(turn: Turn, state: DialogState, cb: Callback) -> None:
    """A press on an invitation's revoke button."""
    code = cb.arg(0)
    if not turn.person.is_coordinator:
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
        if creator is not None and creator.is_coordinator:
            alive.append((invite, creator))
    return alive
