"""Coordinators' commands: lists and figures, assignment, retiring a member, and the deadlines
in force."""

from __future__ import annotations

from core import callbacks
from core.cases import access, cards, casework, lifecycle, notices
from core.cases.lifecycle import Refused
from core.context import Turn
from core.desk import office
from core.models import CaseStatus, Role
from core.staff import lists
from core.states import Conversation
from core.texts import Markup, t


async def overdue(turn: Turn, state: Conversation) -> None:
    """/overdue: open cases past a deadline."""
    lists.defer(turn, lists.overdue)


async def triage(turn: Turn, state: Conversation) -> None:
    """/triage: cases no tank fits."""
    lists.defer(turn, lists.triage)


async def members(turn: Turn, state: Conversation) -> None:
    """/members: members per tank with their load."""
    lists.defer(turn, lists.members)


async def stats(turn: Turn, state: Conversation) -> None:
    """/stats [7d|30d|all|chart]."""
    window = turn.inbound.args.strip().lower() or "30d"
    if window == "chart":
        await office.charts(turn)
        return
    if window not in lists.WINDOWS:
        raise Refused("stats_usage")
    lists.defer(turn, lists.stats, window)


async def find(turn: Turn, state: Conversation) -> None:
    """/find <words>: cases with every word in their concern, conversation or resident's name."""
    words = [w[:30] for w in turn.inbound.args.split()][:5]
    if not words:
        raise Refused("find_usage")
    lists.defer(turn, lists.find, words)


async def assign(turn: Turn, state: Conversation) -> None:
    """/assign <number> <tank|member id>: route a case to a tank, or give it to a member."""
    number, target = casework.split_number(turn.inbound.args)
    if number is None or not target:
        raise Refused("assign_usage")
    case = await casework.load(turn, number)
    tank = casework.tank_code(turn, target)
    if tank is not None and tank != "triage":
        await casework.transfer(turn, case, tank, turn.t("triage_reason"))
        await turn.reply(
            turn.t("assigned_tank", ref=case.ref, tank=turn.district.tank_name(tank, turn.locale))
        )
        return
    member_id = callbacks.parse_id(target)
    member = await turn.uow.people.get(member_id) if member_id else None
    if member is None or not access.serves_in_tank(member):
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


async def remove_member(turn: Turn, state: Conversation) -> None:
    """/removemember <id>: retire a member; their open cases go back to the tank."""
    member_id = callbacks.parse_id(turn.inbound.args.strip())
    member = await turn.uow.people.get(member_id) if member_id else None
    if member is None or not access.may_be_retired(member):
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


async def deadlines(turn: Turn, state: Conversation) -> None:
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
