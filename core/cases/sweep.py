"""The sweep: one function of (database, now) that does everything due, in one transaction.

Each open case carries `next_check_at`, the next moment something may be due for it: the wider
notice of a station-first case, a reminder rung of its current deadline, or the end of its rating
window. The sweep takes the cases whose moment has come, acts, records how far up the ladder each
went (`remind_level`) and plans the next moment. Running it twice at the same instant finds nothing
the second time; after a long outage a case jumps straight to the highest rung it has reached, so
it costs one message, not one per rung missed.

The ladder of a deadline: 75 % of the time gone → a reminder; the deadline → a second reminder (or,
for an unclaimed case, assignment to the tank's least-loaded member); a quarter of the time past it
→ escalation to the coordinators.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial

from core import callbacks
from core.callbacks import Scope
from core.cases import access, cards, lifecycle, measures, notices, promises
from core.context import District, notify
from core.messages import Button
from core.models import Case, CaseEvent, CaseStatus, Person
from core.ports import CaseLookahead, UnitOfWork, UnitOfWorkFactory
from core.texts import shorten, t

log = logging.getLogger(__name__)

# Cases per transaction. The sweep holds the one writer while it works, and residents' turns
# wait for it: a catch-up of 1,000 cases held it for 1.8 s in one transaction (make bench, a
# million cases); 100 cases a transaction held it up to 0.32 s, 50 about half that.
BATCH = 50
MOST = 1000  # cases per sweep; the rest wait for the next one, a minute later
REMIND, DUE, ESCALATE = 1, 2, 3


async def sweep(open_unit: UnitOfWorkFactory, district: District, now: datetime) -> list[int]:
    """Act on every case whose next check has come (up to MOST), BATCH cases a transaction;
    returns outbox ids."""
    queued: list[int] = []
    done = 0
    # Members' claimed cases, read once a sweep (for the first case that needs them) and
    # counted on as this sweep assigns cases: not read again for every batch.
    loads: dict[int, int] = {}
    while done < MOST:
        async with open_unit() as uow:
            cases = await uow.cases.due(now, min(BATCH, MOST - done))
            if isinstance(uow, CaseLookahead):
                await uow.read_ahead(cases)
            for case in cases:
                await check(uow, district, case, now, loads)
                await uow.cases.update(case)
            await uow.commit()
            queued += uow.queued
        done += len(cases)
        if len(cases) < BATCH:
            break
    if done:
        log.info("sweep at %s: %d cases, %d messages", now, done, len(queued))
    return queued


def reached(case: Case, now: datetime) -> int:
    """How many rungs of its ladder a case's deadline has reached at now (0-3)."""
    steps = lifecycle.ladder(case)
    return sum(1 for moment in steps if measures.reached(moment, now)) if steps else 0


async def check(
    uow: UnitOfWork, district: District, case: Case, now: datetime, loads: dict[int, int]
) -> None:
    """Do what is due for one case and plan its next check."""
    if case.status == CaseStatus.RESOLVED:
        if case.due_at is not None and measures.reached(case.due_at, now):
            await _close_unrated(uow, case, now)
        lifecycle.plan_check(case)
        return
    if not case.is_open:
        case.next_check_at = None
        return
    if case.wider_notice_at is not None and case.wider_notice_at <= now:
        await notices.announce_wider(uow, district, case, now)
    quiet = district.in_quiet_hours(now)
    late = case.late_notice_at is not None and case.late_notice_at <= now
    if late and not quiet:
        await _tell_late(uow, district, case, now)
    rung = reached(case, now)
    if rung > case.remind_level and case.waiting_since is None:
        if quiet and not (rung == ESCALATE and district.escalate_in_quiet_hours):
            case.next_check_at = district.quiet_hours_end(now)
            return
        await _climb(uow, district, case, rung, now, loads)
        # One message per case per sweep: a new deadline that climbing set (an auto-assignment
        # after an outage) may be past rungs already; they count as told.
        case.remind_level = max(case.remind_level, reached(case, now))
    lifecycle.plan_check(case)
    if late and quiet:  # the resident is told when the quiet hours end
        case.next_check_at = district.quiet_hours_end(now)


async def _climb(
    uow: UnitOfWork, district: District, case: Case, rung: int, now: datetime, loads: dict[int, int]
) -> None:
    """Send the one message of the highest rung reached, and record it."""
    kind = case.due_kind or "resolve"
    case.remind_level = rung
    unclaimed = rung >= DUE and case.status == CaseStatus.OPEN and kind == "claim"
    if unclaimed and await _auto_assign(uow, district, case, now, loads):
        return
    if rung == ESCALATE:
        await _escalate(uow, district, case, now)
        return
    audience = await _owers(uow, case)
    key = "remind_soon" if rung == REMIND else "remind_due"
    for person in audience:
        text = _owed_text(person.locale, district, case, key)
        await notify(uow, person, text, now, buttons=_act_buttons(person, case), case_id=case.id)
    await uow.events.add(CaseEvent(case.id, "reminder", now, None, {"rung": rung, "owed": kind}))


async def _owers(uow: UnitOfWork, case: Case) -> list[Person]:
    """Who owes the next step: the assignee, else the tank's members, else the coordinators."""
    if case.assignee_id is not None:
        holder = await uow.people.get(case.assignee_id)
        if holder is not None and holder.active:
            return [holder]
    if case.tank is not None:
        members = [m for m in await uow.people.members(case.tank) if m.reachable]
        if members:
            return members
    return await uow.people.coordinators()


def _owed_text(locale: str, district: District, case: Case, key: str) -> str:
    what = t(locale, f"owed_{case.due_kind or 'resolve'}")
    return t(
        locale,
        key,
        ref=case.ref,
        what=what,
        when=district.show_time(case.due_at),
        tank=district.tank_name(case.tank, locale),
        text=shorten(case.text, 80),
    )


def _act_buttons(person: Person, case: Case) -> list[list[Button]]:
    if lifecycle.is_assignee(person, case):
        return notices.assignee_buttons(person.locale, case)
    if access.serves_in_tank(person) and case.status == CaseStatus.OPEN:
        return notices.notice_buttons(person.locale, case)
    return []


async def _escalate(uow: UnitOfWork, district: District, case: Case, now: datetime) -> None:
    holder = await uow.people.get(case.assignee_id) if case.assignee_id else None
    for person in await uow.people.coordinators():
        loc = person.locale
        who = holder.name if holder else t(loc, "nobody")
        text = (
            _owed_text(loc, district, case, "escalated")
            + "\n"
            + t(loc, "escalated_holder", who=who)
        )
        answer = case.status == CaseStatus.TRIAGE
        buttons = notices.triage_buttons(loc, district, case.id, answer) if holder is None else []
        detail = Button(
            text=t(loc, "btn_detail"), data=callbacks.pack(Scope.CASE, "detail", case.id)
        )
        await notify(uow, person, text, now, buttons=[*buttons, [detail]], case_id=case.id)
    await uow.events.add(
        CaseEvent(
            case.id,
            "escalated",
            now,
            None,
            {"owed": case.due_kind or "", "holder": holder.name if holder else ""},
        )
    )


async def _auto_assign(
    uow: UnitOfWork, district: District, case: Case, now: datetime, loads: dict[int, int]
) -> bool:
    """Give an unclaimed case past its claim deadline to the least-loaded member (its station's
    first); False when the tank has nobody to give it to."""
    members = [m for m in await uow.people.members(case.tank) if m.reachable] if case.tank else []
    if not members:
        return False
    local = [m for m in members if case.station is not None and m.station == case.station]
    pool = local or members
    unknown = [m.id for m in pool if m.id not in loads]
    if unknown:
        counts = await uow.cases.open_counts(unknown)
        loads.update({member_id: counts.get(member_id, 0) for member_id in unknown})
    member = min(pool, key=lambda m: (loads[m.id], m.id))
    loads[member.id] += 1
    await uow.events.add(lifecycle.auto_assign(case, member, now, district.deadlines(case.tank)))
    await notices.close_notices(uow, district, case, now, "notice_claimed", member=member.name)
    events = await uow.events.for_case(case.id)
    text = t(member.locale, "auto_assigned", ref=case.ref) + "\n\n"
    text += cards.case_timeline(member.locale, district, case, events, not case.anonymous, True)
    await notices.send_pin(uow, member, case, now)
    await notify(
        uow,
        member,
        text,
        now,
        buttons=notices.assignee_buttons(member.locale, case),
        case_id=case.id,
    )
    tank = district.tank_label(case.tank)
    await notices.tell_resident(uow, case, now, "resident_claimed", tank=tank, member=member.name)
    return True


async def _tell_late(uow: UnitOfWork, district: District, case: Case, now: datetime) -> None:
    """Tell the resident, once, that the answer promised by now has not come (nothing when it
    has); the promise is then spent."""
    promised, case.late_notice_at = case.late_notice_at, None
    if promised is None or case.first_reply_at is not None:
        return
    when = partial(promises.show, moment=promised, zone=district.timezone)
    await notices.tell_resident(uow, case, now, "resident_late", when=when)
    await uow.events.add(CaseEvent(case.id, "resident_late", now, None, {}))


async def _close_unrated(uow: UnitOfWork, case: Case, now: datetime) -> None:
    await uow.events.add(lifecycle.close_unrated(case, now))
    await notices.retire_buttons(uow, case, now)
    await notices.tell_resident(uow, case, now, "resident_closed_unrated")
