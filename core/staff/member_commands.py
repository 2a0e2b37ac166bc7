"""Members' commands: their waiting work and their cases, and the steps of a case they hold by
command (coordinators share /note and /transfer). Each step is checked in core.cases.lifecycle.
"""

from __future__ import annotations

from core import callbacks
from core.cases import casework, lifecycle, notices
from core.cases.lifecycle import Refused
from core.context import Turn
from core.staff import lists
from core.states import Conversation


async def pending(turn: Turn, state: Conversation) -> None:
    """/pending: the tank's unclaimed cases and mine awaiting a reply."""
    lists.defer(turn, lists.pending)


async def mine(turn: Turn, state: Conversation) -> None:
    """/mine: my open cases."""
    lists.defer(turn, lists.mine)


async def note(turn: Turn, state: Conversation) -> None:
    """/note <number> <text>: an internal note residents never see."""
    number, text = casework.split_number(turn.inbound.args)
    if number is None or not text:
        raise Refused("note_usage")
    case = await casework.load(turn, number)
    await turn.uow.events.add(
        lifecycle.note(case, turn.person, text[: casework.MAX_MESSAGE], turn.now)
    )
    await turn.reply(turn.t("note_saved", ref=case.ref))


async def resolve(turn: Turn, state: Conversation) -> None:
    """/resolve <number> <summary>."""
    number, text = casework.split_number(turn.inbound.args)
    if number is None or not text:
        raise Refused("resolve_usage")
    await casework.resolve(turn, await casework.load(turn, number), text[: casework.MAX_MESSAGE])


async def transfer(turn: Turn, state: Conversation) -> None:
    """/transfer <number> <tank|triage> <reason>."""
    number, rest = casework.split_number(turn.inbound.args)
    target, _, reason = rest.partition(" ")
    tank = casework.tank_code(turn, target)
    if number is None or tank is None or not reason.strip():
        raise Refused("transfer_usage")
    case = await casework.load(turn, number)
    await casework.transfer(turn, case, tank, reason.strip())
    await turn.reply(turn.t("transferred_done", ref=case.ref))


async def extend(turn: Turn, state: Conversation) -> None:
    """/extend <number> <days> <reason>: the assignee's one extension of a case's deadline."""
    number, rest = casework.split_number(turn.inbound.args)
    days_text, _, reason = rest.partition(" ")
    days = callbacks.parse_id(days_text) if len(days_text) <= 3 else None
    if number is None or days is None or not reason.strip():
        raise Refused("extend_usage")
    case = await casework.load(turn, number)
    reason = reason.strip()[: casework.MAX_MESSAGE]
    await casework.record(turn, case, lifecycle.extend(case, turn.person, days, reason, turn.now))
    when = turn.district.show_time(case.due_at)
    member, uow, now = turn.person.name, turn.uow, turn.now
    await notices.tell_coordinators(
        uow,
        case,
        now,
        "coordinator_extended",
        days=str(days),
        reason=reason,
        when=when,
        member=member,
    )
    await notices.tell_resident(
        uow, case, now, "resident_extended", days=str(days), reason=reason, when=when
    )
    await turn.reply(turn.t("extended_done", ref=case.ref, when=when))
