"""提案: from an adopted report to accepted (立案), assigned to the bodies that answer it
(承办单位), replied (A 已解决 / B 正在解决 / C 列入计划) and rated by its proposers
(不满意 asks for a second reply); the reply is due three months after assignment, or in the
district's working days, with a reminder before and an escalation after on the sweep. Every
step the residents behind it hear.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime, timedelta

from core import callbacks
from core.callbacks import Callback, Scope
from core.cases import access
from core.cases.lifecycle import Refused
from core.context import Buttons, District, Turn, notify
from core.desk.common import case_numbers, desk, desk_of, tell_coordinators, tell_residents
from core.desk.records import GRADES, RATINGS, Proposal, ProposalStatus, Report, ReportStatus
from core.messages import Button
from core.office import FileRefused
from core.ports import UnitOfWork
from core.states import Conversation
from core.texts import Markup, t

REPLY_LIMIT = 2000
TITLE_LIMIT = 100
BODY_LIMIT = 50
MOST_BODIES = 10
REMIND_BEFORE = timedelta(days=7)
_SEPARATORS = re.compile(r"[、,，;；]+")


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time months later (the month's last day when it has no such day)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def reply_due(district: District, assigned: datetime) -> datetime:
    """When the bodies' reply is due: in the district's working days when it counts so, else
    three months after assignment."""
    if district.proposal_reply_days > 0 and district.calendar is not None:
        try:
            return district.calendar.add(assigned, district.proposal_reply_days)
        except FileRefused as refusal:
            raise Refused(refusal.key, **refusal.values) from None
    return add_months(assigned, 3)


async def from_report(turn: Turn, report: Report) -> None:
    """A coordinator turns an adopted report into a proposal, its author the proposer."""
    if not access.runs_desk(turn.person):
        raise Refused("not_allowed")
    if report.status is not ReportStatus.ADOPTED:
        raise Refused("report_not_adopted", number=report.id)
    proposal = await desk(turn).add_proposal(
        Proposal(
            0,
            report.title,
            turn.person.id,
            turn.now,
            proposers=(report.author_id,),
            cases=report.cases,
            report_id=report.id,
        )
    )
    await turn.answer()
    await show(turn, proposal)


async def propose(turn: Turn, words: list[str]) -> None:
    """A member's or a coordinator's own proposal: a title, and the cases behind it they may
    cite (none is fine); they are its proposer."""
    cases_at = next((i for i, w in enumerate(words) if w.startswith(("#", "＃"))), len(words))
    title = " ".join(words[:cases_at]).strip()
    numbers = case_numbers(words[cases_at:]) if words[cases_at:] else []
    if numbers is None or not 0 < len(title) <= TITLE_LIMIT:
        await turn.reply(turn.t("proposal_usage"))
        return
    for number in numbers:
        case = await turn.uow.cases.get(number)
        if case is None or not access.is_staff_of(turn.person, case):
            raise Refused("report_case_refused", ref=f"#{number}")
    proposal = await desk(turn).add_proposal(
        Proposal(
            0, title, turn.person.id, turn.now, proposers=(turn.person.id,), cases=tuple(numbers)
        )
    )
    await tell_coordinators(
        turn.uow, turn.now, "proposal_submitted_notice", number=proposal.id, title=title
    )
    await show(turn, proposal)


async def load(turn: Turn, number: int | None) -> Proposal:
    """A proposal the caller may see (coordinators and its proposers)."""
    proposal = await desk(turn).proposal(number) if number else None
    if proposal is None or not (
        access.runs_desk(turn.person) or turn.person.id in proposal.proposers
    ):
        raise Refused("proposal_not_found", number=number or "?")
    return proposal


def card(locale: str, district: District, proposal: Proposal) -> str:
    """The proposal as its reader sees it."""
    sep = t(locale, "list_separator")
    due = district.show_time(proposal.due_at) if proposal.due_at else "-"
    grade = t(locale, f"grade_{proposal.grade}") if proposal.grade else "-"
    rating = t(locale, f"proposal_rating_{proposal.rating}") if proposal.rating else "-"
    return t(
        locale,
        "proposal_card",
        number=proposal.id,
        title=proposal.title,
        status=t(locale, f"proposal_status_{proposal.status.value}"),
        bodies=sep.join(proposal.bodies) or "-",
        cases=sep.join(f"#{n}" for n in proposal.cases) or "-",
        due=due,
        grade=grade,
        reply=proposal.reply or "-",
        rating=rating,
        round=proposal.round,
    )


def rating_buttons(locale: str, proposal: Proposal) -> Buttons:
    """The proposers' rating of a reply."""
    return [
        [
            Button(
                text=t(locale, f"proposal_rating_{r}"),
                data=callbacks.pack(Scope.DESK, "prate", proposal.id, r),
            )
            for r in RATINGS
        ]
    ]


async def show(turn: Turn, proposal: Proposal) -> None:
    """The proposal's card; a proposer of a replied one gets the rating buttons."""
    rows: Buttons = ()
    if proposal.status is ProposalStatus.REPLIED and turn.person.id in proposal.proposers:
        rows = rating_buttons(turn.locale, proposal)
    await turn.reply(card(turn.locale, turn.district, proposal), rows)


async def command(turn: Turn, state: Conversation) -> None:
    """/proposal | new 标题 #3 #7 | show N | accept N | assign N 单位、单位 | reply N A|B|C 答复."""
    words = turn.inbound.args.split(maxsplit=3)
    if not words:
        await list_proposals(turn)
        return
    action = words[0].lower()
    if action == "new":
        await propose(turn, turn.inbound.args.split()[1:])
        return
    number = callbacks.parse_id(words[1].lstrip("#＃")) if len(words) > 1 else None
    if number is None:
        await turn.reply(turn.t("proposal_usage"))
        return
    proposal = await load(turn, number)
    rest = " ".join(words[2:]).strip()
    if action == "show" and not rest:
        await show(turn, proposal)
        return
    if not access.runs_desk(turn.person):
        raise Refused("not_allowed")
    if action == "accept" and not rest:
        await accept(turn, proposal)
    elif action == "assign" and rest:
        await assign(turn, proposal, rest)
    elif action == "reply" and len(words) == 4 and words[2].upper() in GRADES:
        await record_reply(turn, proposal, words[2].upper(), words[3].strip())
    else:
        await turn.reply(turn.t("proposal_usage"))


async def list_proposals(turn: Turn) -> None:
    """Proposals the caller may see, newest first."""
    found = [
        p
        for p in await desk(turn).proposals(50)
        if access.runs_desk(turn.person) or turn.person.id in p.proposers
    ]
    if not found:
        await turn.reply(turn.t("proposals_none"))
        return
    lines = "\n".join(
        turn.t(
            "proposal_line",
            number=p.id,
            title=p.title,
            status=turn.t(f"proposal_status_{p.status.value}"),
        )
        for p in found
    )
    await turn.reply(turn.t("proposals_header", lines=Markup(lines)))


def _expect(proposal: Proposal, *statuses: ProposalStatus) -> None:
    if proposal.status not in statuses:
        raise Refused("proposal_wrong_state", number=proposal.id)


async def accept(turn: Turn, proposal: Proposal) -> None:
    """立案: the proposal is taken on; the residents behind it hear."""
    _expect(proposal, ProposalStatus.SUBMITTED)
    proposal.status, proposal.accepted_at = ProposalStatus.ACCEPTED, turn.now
    await desk(turn).update_proposal(proposal)
    await tell_residents(
        turn.uow, proposal.cases, "proposal.accepted", proposal.id, turn.now, "outcome_accepted"
    )
    await show(turn, proposal)


async def assign(turn: Turn, proposal: Proposal, text: str) -> None:
    """The bodies that answer it; the reply falls due."""
    _expect(proposal, ProposalStatus.ACCEPTED, ProposalStatus.ASSIGNED)
    bodies = tuple(dict.fromkeys(b.strip() for b in _SEPARATORS.split(text) if b.strip()))
    if not bodies or len(bodies) > MOST_BODIES or any(len(b) > BODY_LIMIT for b in bodies):
        await turn.reply(turn.t("proposal_bodies_bad", most=MOST_BODIES, limit=BODY_LIMIT))
        return
    due = reply_due(turn.district, turn.now)
    proposal.bodies, proposal.status = bodies, ProposalStatus.ASSIGNED
    proposal.assigned_at, proposal.due_at, proposal.remind_level = turn.now, due, 0
    await desk(turn).update_proposal(proposal)
    await show(turn, proposal)


async def record_reply(turn: Turn, proposal: Proposal, grade: str, text: str) -> None:
    """The bodies' reply, as a coordinator records it; the proposers are asked to rate it."""
    _expect(proposal, ProposalStatus.ASSIGNED)
    if not text or len(text) > REPLY_LIMIT:
        await turn.reply(turn.t("proposal_reply_bad", limit=REPLY_LIMIT))
        return
    proposal.status, proposal.grade, proposal.reply = ProposalStatus.REPLIED, grade, text
    proposal.replied_at = turn.now
    await desk(turn).update_proposal(proposal)
    for person_id in proposal.proposers:
        proposer = await turn.uow.people.get(person_id)
        if proposer is not None:
            text_for = card(proposer.locale, turn.district, proposal)
            await notify(
                turn.uow,
                proposer,
                t(proposer.locale, "proposal_rate_please", card=Markup(text_for)),
                turn.now,
                buttons=tuple(tuple(r) for r in rating_buttons(proposer.locale, proposal)),
            )
    await tell_residents(
        turn.uow,
        proposal.cases,
        "proposal.replied",
        proposal.id,
        turn.now,
        f"outcome_replied_{grade}",
        proposal.round,
    )
    await show(turn, proposal)


async def rate(turn: Turn, proposal: Proposal, rating: str) -> None:
    """A proposer rates the reply; 不满意 sends it back for a second reply."""
    if turn.person.id not in proposal.proposers:
        raise Refused("proposal_not_proposer", number=proposal.id)
    _expect(proposal, ProposalStatus.REPLIED)
    proposal.rating, proposal.rated_at = rating, turn.now
    rated_round = proposal.round
    if rating == "unsatisfied" and proposal.round == 1:
        proposal.status, proposal.round = ProposalStatus.ASSIGNED, 2
        proposal.assigned_at, proposal.remind_level = turn.now, 0
        proposal.due_at = reply_due(turn.district, turn.now)
        await tell_coordinators(turn.uow, turn.now, "proposal_second_reply", number=proposal.id)
    else:
        proposal.status = ProposalStatus.RATED
    await desk(turn).update_proposal(proposal)
    await turn.answer(turn.t("proposal_rated_toast"))
    await tell_residents(
        turn.uow,
        proposal.cases,
        "proposal.rated",
        proposal.id,
        turn.now,
        f"outcome_rated_{rating}",
        rated_round,
    )
    await show(turn, proposal)


async def on_button(turn: Turn, state: Conversation, cb: Callback) -> None:
    """A press on a proposal's button."""
    proposal = await load(turn, cb.int_arg(0))
    rating = cb.arg(1)
    if cb.action != "prate" or rating not in RATINGS:
        raise Refused("button_stale")
    await rate(turn, proposal, rating)


async def sweep(uow: UnitOfWork, district: District, now: datetime) -> None:
    """Remind the coordinators a week before a reply is due, and escalate once it is overdue."""
    repository = desk_of(uow)
    for proposal in await repository.proposals_due(now + REMIND_BEFORE):
        assert proposal.due_at is not None
        level = 2 if proposal.due_at <= now else 1
        if proposal.remind_level >= level:
            continue
        proposal.remind_level = level
        await repository.update_proposal(proposal)
        key = "proposal_overdue" if level == 2 else "proposal_due_soon"
        await tell_coordinators(
            uow,
            now,
            key,
            number=proposal.id,
            title=proposal.title,
            due=district.show_time(proposal.due_at),
        )
