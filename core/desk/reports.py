"""社情民意信息: a report started from cases, its title and three sections written step by step
in chat (one matter, at most 1,500 characters), submitted, adopted or not, raised to a special
report (专报) or turned into a proposal, and sent as a .docx.

Only its author writes into a draft; coordinators see every report and decide on it. The cases'
texts, places and counts are offered as material, never a resident's name or contact.
"""

from __future__ import annotations

import re
from dataclasses import replace

from core import callbacks
from core.callbacks import Callback, Scope
from core.cases import access
from core.cases.lifecycle import Refused
from core.context import Buttons, FileJob, Turn, notify
from core.desk import proposals
from core.desk.common import (
    case_numbers,
    clip,
    desk,
    names_of,
    tell_coordinators,
    tell_residents,
)
from core.desk.records import Report, ReportStatus
from core.messages import Button
from core.models import Case
from core.office import OfficeFiles, ReportSheet
from core.states import Conversation, ReportDraft, Step
from core.texts import Markup, t

LIMIT = 1500  # 一事一报: title and sections, blanks not counted
TITLE_LIMIT = 100
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STEPS = (Step.REPORT_TITLE, Step.REPORT_SITUATION, Step.REPORT_PROBLEMS, Step.REPORT_SUGGESTIONS)
FIELDS = {
    Step.REPORT_TITLE: "title",
    Step.REPORT_SITUATION: "situation",
    Step.REPORT_PROBLEMS: "problems",
    Step.REPORT_SUGGESTIONS: "suggestions",
}
_BLANK = re.compile(r"\s+")


def length(report: Report) -> int:
    """The report's length as 一事一报 counts it: title and sections, blanks not counted."""
    parts = (report.title, report.situation, report.problems, report.suggestions)
    return sum(len(_BLANK.sub("", part)) for part in parts)


async def command(turn: Turn, state: Conversation) -> None:
    """/report new 3 7 12 | /report show N | /report file N | /report (the list)."""
    words = turn.inbound.args.split()
    action, rest = (words[0].lower(), words[1:]) if words else ("list", [])
    if action == "new":
        numbers = case_numbers(rest)
        if numbers is None:
            await turn.reply(turn.t("report_usage"))
            return
        await start(turn, state, numbers)
    elif action in ("show", "file") and len(rest) == 1:
        report = await load(turn, callbacks.parse_id(rest[0].lstrip("#＃")))
        if action == "show":
            await show(turn, report)
        else:
            await send_file(turn, report)
    elif action == "list" and not rest:
        await list_reports(turn)
    else:
        await turn.reply(turn.t("report_usage"))


async def load(turn: Turn, report_id: int | None) -> Report:
    """A report the caller may see; Refused with the not-found text otherwise."""
    report = await desk(turn).report(report_id) if report_id else None
    if report is None or not access.may_see_report(turn.person, report.author_id):
        raise Refused("report_not_found", number=report_id or "?")
    return report


async def start(turn: Turn, state: Conversation, numbers: list[int]) -> None:
    """A new draft from cases the caller may cite; their material shown, then the title asked."""
    cases: list[Case] = []
    for number in numbers:
        case = await turn.uow.cases.get(number)
        if case is None or not access.is_staff_of(turn.person, case):
            raise Refused("report_case_refused", ref=f"#{number}")
        cases.append(case)
    now = turn.now
    report = await desk(turn).add_report(
        Report(0, turn.person.id, now, now, cases=tuple(c.id for c in cases))
    )
    await turn.reply(material(turn, cases))
    state.begin(Step.REPORT_TITLE, ReportDraft(report=report.id))
    await turn.reply(turn.t("report_ask_title", number=report.id, limit=LIMIT))


def material(turn: Turn, cases: list[Case]) -> str:
    """The cases as material: number, place, tank and the concern's words (no names)."""
    lines = [
        turn.t(
            "report_material_line",
            ref=case.ref,
            place=turn.district.station_name(case.station, turn.locale),
            tank=turn.district.tank_name(case.tank, turn.locale),
            text=clip(case.text),
        )
        for case in cases
    ]
    places = {c.station for c in cases if c.station}
    body = Markup("\n".join(lines))
    return turn.t("report_material", count=len(cases), places=len(places), lines=body)


async def on_input(turn: Turn, state: Conversation) -> None:
    """A section of the draft, typed: stored when the report stays within its limits."""
    held = state.holding(ReportDraft)
    report = await desk(turn).report(held.report)
    if report is None or not access.may_edit_report(turn.person, report.author_id):
        state.end()
        raise Refused("report_not_found", number=held.report)
    if report.status is not ReportStatus.DRAFT:
        state.end()
        raise Refused("report_not_draft", number=report.id)
    text = (turn.inbound.text or "").strip()
    if not text:
        await turn.reply(turn.t("report_need_text"))
        return
    field = FIELDS[state.step]
    if field == "title" and len(text) > TITLE_LIMIT:
        await turn.reply(turn.t("report_title_too_long", length=len(text), limit=TITLE_LIMIT))
        return
    changed = replace(report, updated_at=turn.now)
    setattr(changed, field, text)
    total = length(changed)
    if total > LIMIT:
        await turn.reply(turn.t("report_too_long", length=total, limit=LIMIT))
        return
    await desk(turn).update_report(changed)
    index = STEPS.index(state.step)
    if index + 1 < len(STEPS):
        following = STEPS[index + 1]
        state.begin(following, held)
        key = f"report_ask_{FIELDS[following]}"
        await turn.reply(turn.t(key, used=total, limit=LIMIT))
        return
    state.end()
    await show(turn, changed)


def card(turn: Turn, report: Report) -> str:
    """The report as its reader sees it in chat."""
    cases = "、".join(f"#{n}" for n in report.cases) or "-"
    sections = [
        turn.t(
            "report_section", heading=turn.t(f"report_heading_{name}"), text=getattr(report, name)
        )
        for name in ("situation", "problems", "suggestions")
        if getattr(report, name)
    ]
    return turn.t(
        "report_card",
        number=report.id,
        title=report.title or turn.t("report_untitled"),
        status=turn.t(f"report_status_{report.status.value}"),
        special=turn.t("report_special_mark") if report.special else "",
        cases=cases,
        used=length(report),
        limit=LIMIT,
        sections=Markup("\n".join(sections)),
    )


def buttons(turn: Turn, report: Report) -> Buttons:
    """What the viewer may do with the report now."""
    pack, n = callbacks.pack, report.id
    file = Button(text=turn.t("btn_report_file"), data=pack(Scope.DESK, "rfile", n))
    person = turn.person
    if report.status is ReportStatus.DRAFT and access.may_edit_report(person, report.author_id):
        return [
            [
                Button(text=turn.t("btn_report_edit"), data=pack(Scope.DESK, "redit", n)),
                Button(text=turn.t("btn_report_submit"), data=pack(Scope.DESK, "rsub", n)),
            ],
            [file],
        ]
    if report.status is ReportStatus.SUBMITTED and access.runs_desk(person):
        return [
            [
                Button(text=turn.t("btn_report_adopt"), data=pack(Scope.DESK, "radopt", n)),
                Button(text=turn.t("btn_report_reject"), data=pack(Scope.DESK, "rrej", n)),
            ],
            [file],
        ]
    if report.status is ReportStatus.ADOPTED and access.runs_desk(person):
        row = [Button(text=turn.t("btn_report_proposal"), data=pack(Scope.DESK, "rprop", n))]
        if not report.special:
            row.insert(
                0, Button(text=turn.t("btn_report_special"), data=pack(Scope.DESK, "rspecial", n))
            )
        return [row, [file]]
    return [[file]]


async def show(turn: Turn, report: Report) -> None:
    """The report's card with what the viewer may do."""
    await turn.reply(card(turn, report), buttons(turn, report))


async def list_reports(turn: Turn) -> None:
    """The caller's reports (a coordinator's: everyone's), newest first."""
    author = None if access.runs_desk(turn.person) else turn.person.id
    found = await desk(turn).reports(author)
    if not found:
        await turn.reply(turn.t("reports_none"))
        return
    lines = [
        turn.t(
            "report_line",
            number=r.id,
            title=r.title or turn.t("report_untitled"),
            status=turn.t(f"report_status_{r.status.value}"),
        )
        for r in found
    ]
    await turn.reply(turn.t("reports_header", lines=Markup("\n".join(lines))))


async def send_file(turn: Turn, report: Report) -> None:
    """The report as a GB/T 9704 .docx, built after the turn and sent as a document."""
    if not report.title.strip():
        raise Refused("report_no_title", number=report.id)
    authors = await names_of(turn.uow, (report.author_id,))
    number = report.number or await desk(turn).next_report_number()
    issued = turn.district.local(report.submitted_at or turn.now).date()
    sheet = ReportSheet(
        title=report.title,
        situation=report.situation,
        problems=report.problems,
        suggestions=report.suggestions,
        authors=authors,
        issued=issued,
        number=number,
        cases=report.cases,
        concerns=len(report.cases),
        special=report.special,
    )
    locale = turn.locale

    async def build(files: OfficeFiles) -> bytes:
        return await files.report_docx(sheet, locale)

    name = turn.t("report_filename", number=report.id) + ".docx"
    caption = turn.t("report_file_caption", number=report.id, title=report.title)
    turn.send_file(FileJob(turn.person, caption, name, DOCX, build))


async def on_button(turn: Turn, state: Conversation, cb: Callback) -> None:
    """A press on a report's button; every one checked against who presses it."""
    number = cb.int_arg(0)
    if cb.action == "rnew":
        if number is None:
            raise Refused("button_stale")
        await turn.answer()
        await start(turn, state, [number])
        return
    report = await load(turn, number)
    match cb.action:
        case "rfile":
            await turn.answer(turn.t("report_file_coming"))
            await send_file(turn, report)
        case "redit":
            _own_draft(turn, report)
            await turn.answer()
            state.begin(Step.REPORT_TITLE, ReportDraft(report=report.id))
            await turn.reply(turn.t("report_ask_title", number=report.id, limit=LIMIT))
        case "rsub":
            await submit(turn, report)
        case "radopt" | "rrej":
            await decide(turn, report, cb.action == "radopt")
        case "rspecial":
            await make_special(turn, report)
        case "rprop":
            await proposals.from_report(turn, report)
        case _:
            raise Refused("button_stale")


def _own_draft(turn: Turn, report: Report) -> None:
    if not access.may_edit_report(turn.person, report.author_id):
        raise Refused("report_not_yours", number=report.id)
    if report.status is not ReportStatus.DRAFT:
        raise Refused("report_not_draft", number=report.id)


async def submit(turn: Turn, report: Report) -> None:
    """The author hands the draft in: it gets its number and the coordinators see it."""
    _own_draft(turn, report)
    if not report.title.strip() or not (report.situation or report.problems or report.suggestions):
        raise Refused("report_incomplete", number=report.id)
    report.status = ReportStatus.SUBMITTED
    report.number = await desk(turn).next_report_number()
    report.submitted_at = report.updated_at = turn.now
    await desk(turn).update_report(report)
    await turn.answer(turn.t("report_submitted_toast", number=report.id))
    await turn.reply(turn.t("report_submitted", number=report.id, issue=report.number))
    await tell_coordinators(
        turn.uow, turn.now, "report_submitted_notice", number=report.id, title=report.title
    )


async def decide(turn: Turn, report: Report, adopt: bool) -> None:
    """A coordinator adopts (采用) a submitted report or not; the author hears, and on
    adoption so do the residents behind it."""
    if not access.runs_desk(turn.person):
        raise Refused("not_allowed")
    if report.status is not ReportStatus.SUBMITTED:
        raise Refused("report_not_submitted", number=report.id)
    report.status = ReportStatus.ADOPTED if adopt else ReportStatus.REJECTED
    report.decided_at = report.updated_at = turn.now
    await desk(turn).update_report(report)
    await turn.answer()
    status = report.status.value
    author = await turn.uow.people.get(report.author_id)
    if author is not None and author.id != turn.person.id:
        await notify(
            turn.uow,
            author,
            t(author.locale, f"report_decided_{status}", number=report.id, title=report.title),
            turn.now,
        )
    if adopt:
        await tell_residents(
            turn.uow, report.cases, "report.adopted", report.id, turn.now, "outcome_report_adopted"
        )
    await show(turn, report)


async def make_special(turn: Turn, report: Report) -> None:
    """An adopted report raised to a special report (专报)."""
    if not access.runs_desk(turn.person):
        raise Refused("not_allowed")
    if report.status is not ReportStatus.ADOPTED or report.special:
        raise Refused("report_not_adopted", number=report.id)
    report.special, report.updated_at = True, turn.now
    await desk(turn).update_report(report)
    await turn.answer(turn.t("report_special_toast", number=report.id))
    await show(turn, report)
