"""Commands of members and coordinators: lists, figures, assignment and managing members."""

from __future__ import annotations

import secrets
from datetime import timedelta

from core import callbacks
from core.cases import cards, casework, lifecycle, notices
from core.cases.lifecycle import Refused
from core.context import Turn
from core.models import CaseStatus, DialogState, Invite, Role
from core.staff import lists, referral
from core.texts import Markup, t
from core.views import CaseViews


def _defer(turn: Turn, render: lists.Render, *extra: object) -> None:
    person, district, now = turn.person, turn.district, turn.now

    async def work(views: CaseViews) -> list[lists.Reply]:
        return await render(views, person, district, now, *extra)

    turn.defer(work)


async def pending(turn: Turn, state: DialogState) -> None:
    """/pending: the tank's unclaimed cases and mine awaiting a reply."""
    _defer(turn, lists.pending)


async def mine(turn: Turn, state: DialogState) -> None:
    """/mine: my open cases."""
    _defer(turn, lists.mine)


async def overdue(turn: Turn, state: DialogState) -> None:
    """/overdue: open cases past a deadline."""
    _defer(turn, lists.overdue)


async def triage(turn: Turn, state: DialogState) -> None:
    """/triage: cases no tank fits."""
    _defer(turn, lists.triage)


async def members(turn: Turn, state: DialogState) -> None:
    """/members: members per tank with their load."""
    _defer(turn, lists.members)


async def stats(turn: Turn, state: DialogState) -> None:
    """/stats [7d|30d|all]."""
    window = turn.inbound.args.strip().lower() or "30d"
    if window not in lists.WINDOWS:
        raise Refused("stats_usage")
    _defer(turn, lists.stats, window)


async def find(turn: Turn, state: DialogState) -> None:
    """/find <words>: cases with every word in their concern, conversation or resident's name."""
    words = [w[:30] for w in turn.inbound.args.split()][:5]
    if not words:
        raise Refused("find_usage")
    _defer(turn, lists.find, words)


async def reply(turn: Turn, state: DialogState) -> None:
    """/reply <number> <text>: a message to the other side of a case."""
    number, text = casework.split_number(turn.inbound.args)
    if number is None:
        raise Refused("reply_usage")
    case = await casework.load(turn, number)
    if turn.person.is_coordinator and case.status == CaseStatus.TRIAGE:
        await referral.reply_in_triage(turn, state, case, text)
        return
    if not text:
        state.state, state.data = (
            f"{casework.COMPOSE}.message",
            {"case": case.id, "question": False},
        )
        await turn.reply(turn.t("compose_message", ref=case.ref))
        return
    await casework.send_message(turn, case, text[: casework.MAX_MESSAGE])


async def note(turn: Turn, state: DialogState) -> None:
    """/note <number> <text>: an internal note residents never see."""
    number, text = casework.split_number(turn.inbound.args)
    if number is None or not text:
        raise Refused("note_usage")
    case = await casework.load(turn, number)
    await turn.uow.events.add(
        lifecycle.note(case, turn.person, text[: casework.MAX_MESSAGE], turn.now)
    )
    await turn.reply(turn.t("note_saved", ref=case.ref))


async def resolve(turn: Turn, state: DialogState) -> None:
    """/resolve <number> <summary>."""
    number, text = casework.split_number(turn.inbound.args)
    if number is None or not text:
        raise Refused("resolve_usage")
    await casework.resolve(turn, await casework.load(turn, number), text[: casework.MAX_MESSAGE])


async def transfer(turn: Turn, state: DialogState) -> None:
    """/transfer <number> <tank|triage> <reason>."""
    number, rest = casework.split_number(turn.inbound.args)
    target, _, reason = rest.partition(" ")
    tank = _tank_code(turn, target)
    if number is None or tank is None or not reason.strip():
        raise Refused("transfer_usage")
    case = await casework.load(turn, number)
    await casework.transfer(turn, case, tank, reason.strip())
    await turn.reply(turn.t("transferred_done", ref=case.ref))


def _tank_code(turn: Turn, word: str) -> str | None:
    """A tank code from its code or either of its names; 'triage' for triage."""
    if word.lower() in ("triage", turn.t("triage_name")):
        return "triage"
    for tank in turn.district.tanks:
        if word in (tank.code, tank.name_zh, tank.name_en) or word.lower() == tank.name_en.lower():
            return tank.code
    return None


async def assign(turn: Turn, state: DialogState) -> None:
    """/assign <number> <tank|member id>: route a case to a tank, or give it to a member."""
    number, target = casework.split_number(turn.inbound.args)
    if number is None or not target:
        raise Refused("assign_usage")
    case = await casework.load(turn, number)
    tank = _tank_code(turn, target)
    if tank is not None and tank != "triage":
        await casework.transfer(turn, case, tank, turn.t("triage_reason"))
        await turn.reply(
            turn.t("assigned_tank", ref=case.ref, tank=turn.district.tank_name(tank, turn.locale))
        )
        return
    member_id = callbacks.parse_id(target)
    member = await turn.uow.people.get(member_id) if member_id else None
    if member is None or not member.is_member:
        raise Refused("assign_usage")
    old_tank, now = case.tank, turn.now
    # Decided first: a refusal must leave every notice as it was.
    event = lifecycle.assign(case, turn.person, member, now, turn.district.deadlines(member.tank))
    await notices.close_notices(
        turn.uow, turn.district, case, now, "notice_claimed", member=member.name
    )
    await casework.record(turn, case, event)
    if old_tank != member.tank:
        reason = turn.t("triage_reason")
        await turn.uow.corrections.add(
            casework.correction(turn, case, old_tank, member.tank, reason)
        )
    events = await turn.uow.events.for_case(case.id)
    text = casework.case_text(member.locale, "member_assigned", case) + "\n\n"
    text += cards.case_timeline(
        member.locale, turn.district, case, events, not case.anonymous, True
    )
    await notices.send_pin(turn.uow, member, case, now)
    await turn.send_to(
        member, text, buttons=notices.assignee_buttons(member.locale, case), case_id=case.id
    )
    tank_name = turn.district.tank_label(member.tank)
    await notices.tell_resident(
        turn.uow, case, now, "resident_claimed", tank=tank_name, member=member.name
    )
    await turn.reply(turn.t("assigned_member", ref=case.ref, member=member.name))


async def invite(turn: Turn, state: DialogState) -> None:
    """/invite <tank> [station]: a one-time link that makes its opener a member."""
    parts = turn.inbound.args.split()
    tank = _tank_code(turn, parts[0]) if parts else None
    station = parts[1] if len(parts) > 1 else None
    if tank is None or tank == "triage" or (station and turn.district.station(station) is None):
        raise Refused("invite_usage")
    code = secrets.token_urlsafe(12)
    days = turn.district.invite_days
    expires = turn.now + timedelta(days=days)
    await turn.uow.invites.add(Invite(code, tank, station, turn.person.id, turn.now, expires))
    link = f"https://t.me/{turn.district.bot_username}?start={code}"
    name = turn.district.tank_name(tank, turn.locale)
    await turn.reply(turn.t("invite_link", tank=name, link=link, days=f"{days:g}", code=code))


async def remove_member(turn: Turn, state: DialogState) -> None:
    """/removemember <id>: retire a member; their open cases go back to the tank."""
    member_id = callbacks.parse_id(turn.inbound.args.strip())
    member = await turn.uow.people.get(member_id) if member_id else None
    if member is None or member.role != Role.MEMBER or not member.active:
        raise Refused("removemember_usage")
    member.active, member.role = False, Role.RESIDENT
    await turn.uow.people.update(member)
    await turn.send_menu(member)
    returned, uow, now = 0, turn.uow, turn.now
    for case in await uow.cases.held_by(member.id):
        deadlines = turn.district.deadlines(case.tank)
        event = lifecycle.return_to_tank(case, turn.now, deadlines, turn.t("member_retired"))
        # A resolved case keeps waiting for its rating; the tank hears of it if it reopens.
        unheld = case.status == CaseStatus.OPEN
        audience = await notices.audience_for(uow, turn.district, case, now) if unheld else []
        await casework.record(turn, case, event)
        await notices.announce(uow, turn.district, case, now, audience)
        returned += 1
    await turn.send_to(member, t(member.locale, "you_were_removed"))
    await turn.reply(turn.t("member_removed", name=member.name or member.id, count=returned))


async def extend(turn: Turn, state: DialogState) -> None:
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


async def deadlines(turn: Turn, state: DialogState) -> None:
    """/deadlines: each tank's deadlines, the quiet hours and when reminders go out."""
    loc, district = turn.locale, turn.district
    rows = [
        turn.t(
            "deadline_line",
            tank=tank.name(loc),
            claim=lists.hours(loc, tank.deadlines.claim),
            reply=lists.hours(loc, tank.deadlines.first_reply),
            resolve=lists.hours(loc, tank.deadlines.resolve),
        )
        for tank in district.tanks
    ]
    triage = district.triage_deadlines
    rows.append(
        turn.t(
            "deadline_line",
            tank=turn.t("triage_name"),
            claim=lists.hours(loc, triage.claim),
            reply="-",
            resolve="-",
        )
    )
    quiet = f"{district.quiet_start:%H:%M}–{district.quiet_end:%H:%M}"
    await turn.reply(
        turn.t(
            "deadlines",
            lines=Markup("\n".join(rows)),
            quiet=quiet,
            digest=f"{district.digest_time:%H:%M}",
            zone=str(district.timezone),
            urgent=turn.t("yes" if district.escalate_in_quiet_hours else "no"),
        )
    )
