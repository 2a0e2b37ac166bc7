"""Members at work on a case: claim, write to the resident, note, transfer, resolve; and the
resident's rating. Buttons and commands both end up here; every step is checked in lifecycle.
"""

from __future__ import annotations

from core import callbacks
from core.callbacks import Callback, Scope, parse_id
from core.cases import access, cards, lifecycle, merging, notices, timelines
from core.cases.lifecycle import Refused
from core.context import Buttons, Turn
from core.messages import Button
from core.models import Case, CaseEvent, CaseStatus, Correction
from core.states import CaseText, CommentPrompt, Conversation, Message, Step, Transfer
from core.texts import t

MAX_MESSAGE = 3000


async def load(turn: Turn, case_id: int | None) -> Case:
    """The case, if the caller may see it; otherwise Refused with the not-found text."""
    case = await turn.uow.cases.get(case_id) if case_id else None
    if case is None or not access.can_view(turn.person, case):
        raise Refused("case_not_found", ref=f"#{case_id or '?'}")
    return case


async def record(turn: Turn, case: Case, event: CaseEvent) -> None:
    """Store the case's change and its timeline event."""
    await turn.uow.cases.update(case)
    await turn.uow.events.add(event)


async def on_button(turn: Turn, state: Conversation, cb: Callback) -> None:
    """A press on a case button."""
    case = await load(turn, cb.int_arg(0))
    action = BUTTONS.get(cb.action)
    if action is None:
        raise Refused("button_stale")
    if action is not detail:
        lifecycle.not_closed(case)
    await action(turn, state, case, cb)


async def claim(turn: Turn, state: Conversation, case: Case, cb: Callback) -> None:
    """Take the case; the first claim wins, the other notices say who took it."""
    member, now = turn.person, turn.now
    await record(turn, case, lifecycle.claim(case, member, now, turn.district.deadlines(case.tank)))
    await turn.answer(turn.t("claimed_toast", ref=case.ref))
    await notices.close_notices(
        turn.uow, turn.district, case, now, "notice_claimed", member=member.name
    )
    tank = turn.district.tank_label(case.tank)
    await notices.tell_resident(
        turn.uow, case, now, "resident_claimed", tank=tank, member=member.name
    )
    events = await turn.uow.events.for_case(case.id)
    detail = cards.case_timeline(turn.locale, turn.district, case, events, True, True)
    await notices.send_pin(turn.uow, member, case, now)
    await turn.reply(detail, buttons=notices.assignee_buttons(turn.locale, case), case_id=case.id)


async def detail(turn: Turn, state: Conversation, case: Case, cb: Callback | None = None) -> None:
    """Show the case's timeline as the caller may see it (read after the turn)."""
    await turn.answer()
    timelines.show(turn, case)


async def start_message(turn: Turn, state: Conversation, case: Case, cb: Callback) -> None:
    """Begin writing to the other side of the case (the resident, or the member)."""
    question = cb.action == "ask"
    if access.is_resident_of(turn.person, case):
        question = False
    elif not lifecycle.is_assignee(turn.person, case):
        raise Refused("not_assignee")
    await turn.answer()
    state.begin(Step.WRITE_MESSAGE, Message(case=case.id, question=question))
    key = "compose_question" if question else "compose_message"
    await turn.reply(turn.t(key, ref=case.ref), buttons=stop_buttons(turn, case))


def stop_buttons(turn: Turn, case: Case) -> Buttons:
    """The button that stops writing a message, so that nobody must type /cancel."""
    data = callbacks.pack(Scope.CASE, "stop", case.id)
    return [[Button(text=turn.t("btn_stop"), data=data)]]


async def stop(turn: Turn, state: Conversation, case: Case, cb: Callback) -> None:
    """Stop writing a message about the case (nothing is sent)."""
    await turn.answer()
    if state.step is Step.WRITE_MESSAGE:
        state.end()
        await turn.reply(turn.t("step_cancelled"), remove_keyboard=True)


async def start_transfer(turn: Turn, state: Conversation, case: Case, cb: Callback) -> None:
    """Offer the tanks (and triage) a misrouted case can go to."""
    if not lifecycle.may_transfer(turn.person, case):
        raise Refused("not_allowed_case")
    await turn.answer()
    rows = [
        [
            Button(
                text=tank.name(turn.locale),
                data=callbacks.pack(Scope.CASE, "xfer", case.id, tank.code),
            )
        ]
        for tank in turn.district.tanks
        if tank.code != case.tank
    ]
    rows.append(
        [
            Button(
                text=turn.t("triage_name"),
                data=callbacks.pack(Scope.CASE, "xfer", case.id, "triage"),
            )
        ]
    )
    await turn.reply(turn.t("transfer_choose", ref=case.ref), buttons=rows)


async def choose_transfer(turn: Turn, state: Conversation, case: Case, cb: Callback) -> None:
    """A target was chosen: ask for the reason."""
    target = cb.arg(1)
    if target is None or (target != "triage" and turn.district.tank(target) is None):
        raise Refused("button_stale")
    if not lifecycle.may_transfer(turn.person, case):
        raise Refused("not_allowed_case")
    await turn.answer()
    state.begin(Step.WRITE_TRANSFER, Transfer(case=case.id, to=target))
    name = turn.district.tank_name(None if target == "triage" else target, turn.locale)
    await turn.reply(turn.t("transfer_reason", ref=case.ref, tank=name))


async def start_resolve(turn: Turn, state: Conversation, case: Case, cb: Callback) -> None:
    """Ask the assignee what was done."""
    if not lifecycle.is_assignee(turn.person, case):
        raise Refused("not_assignee")
    await turn.answer()
    state.begin(Step.WRITE_RESOLUTION, CaseText(case=case.id))
    await turn.reply(turn.t("resolve_summary", ref=case.ref))


async def route_by_coordinator(turn: Turn, state: Conversation, case: Case, cb: Callback) -> None:
    """A coordinator sends a case out of triage (or to another tank)."""
    if not access.coordinates(turn.person):
        raise Refused("not_allowed_case")
    target = cb.arg(1)
    if turn.district.tank(target) is None:
        raise Refused("button_stale")
    await transfer(turn, case, target, turn.t("triage_reason"))
    await turn.answer(turn.t("routed_toast", ref=case.ref))


async def rate(turn: Turn, state: Conversation, case: Case, cb: Callback) -> None:
    """The resident rates the result; 不满意 reopens it and tells the coordinators."""
    rating, now, uow = cb.arg(1) or "", turn.now, turn.uow
    event = lifecycle.rate(case, turn.person, rating, now, turn.district.deadlines(case.tank))
    unheld = case.status in (CaseStatus.OPEN, CaseStatus.TRIAGE)
    audience = await notices.audience_for(uow, turn.district, case, now) if unheld else []
    await record(turn, case, event)
    await notices.announce(uow, turn.district, case, now, audience)
    await turn.similar.add(case)  # open again after 不满意, else forgotten
    await turn.answer(turn.t("rated_toast"))
    if case.status == CaseStatus.CLOSED:
        await notices.retire_buttons(uow, case, now)
    assignee = await notices.holder(uow, case)
    if assignee is not None:
        key = "member_reopened" if rating == "poor" else "member_rated"
        label = t(assignee.locale, f"rating_{rating}")
        text = case_text(assignee.locale, key, case, rating=label)
        await turn.send_to(assignee, text, buttons=notices.assignee_buttons(assignee.locale, case))
    if rating == "poor":
        who = assignee.name if assignee else "-"
        await notices.tell_coordinators(uow, case, now, "coordinator_reopened", member=who)
    # The comment prompt lasts for one plain text soon after (see core/conversation/followups.py).
    state.begin(Step.COMMENT, CommentPrompt(case=case.id, since=now))
    key = "rated_reopened" if rating == "poor" else "rated_thanks"
    skip = Button(text=turn.t("skip"), data=callbacks.pack(Scope.FOLLOWUP, "skip"))
    text = turn.t(key, ref=case.ref) + "\n" + turn.t("comment_prompt")
    await turn.reply(text, buttons=[[skip]])


def case_text(locale: str, key: str, case: Case, **kw: str) -> str:
    """A catalogue text about a case, in someone else's locale."""
    return t(locale, key, ref=case.ref, **kw)


BUTTONS = {
    "claim": claim,
    "detail": detail,
    "reply": start_message,
    "ask": start_message,
    "transfer": start_transfer,
    "xfer": choose_transfer,
    "resolve": start_resolve,
    "route": route_by_coordinator,
    "rate": rate,
    "merge": merging.merge_button,
    "stop": stop,
}


async def transfer(turn: Turn, case: Case, target: str | None, reason: str) -> None:
    """Re-route a case; the correction is kept as a labelled example."""
    to_tank = None if target == "triage" else target
    old, now = case.tank, turn.now
    event = lifecycle.transfer(
        case, turn.person, to_tank, reason, now, turn.district.deadlines(to_tank)
    )
    await record(turn, case, event)
    await turn.uow.corrections.add(correction(turn, case, old, to_tank, reason))
    name = turn.district.tank_label(to_tank)
    await notices.close_notices(turn.uow, turn.district, case, now, "notice_transferred", tank=name)
    audience = await notices.audience_for(turn.uow, turn.district, case, now)
    await turn.uow.cases.update(case)
    await notices.announce(turn.uow, turn.district, case, now, audience)
    await turn.similar.add(case)  # indexed under its new tank
    resident = await turn.uow.people.get(case.resident_id)
    if resident is not None:
        tank = turn.district.tank_name(to_tank, resident.locale)
        await notices.tell_resident(turn.uow, case, now, "resident_transferred", tank=tank)


def correction(turn: Turn, case: Case, old: str | None, new: str | None, reason: str) -> Correction:
    """A person's routing decision, kept as a labelled example for the classifier."""
    return Correction(case.id, case.text, old, new, turn.person.id, reason, turn.now)


async def on_compose(turn: Turn, state: Conversation) -> None:
    """The text a compose step was waiting for."""
    text = (turn.inbound.text or "").strip()
    if not text:
        writing = state.step is Step.WRITE_MESSAGE
        case = await turn.uow.cases.get(state.holding(Message).case) if writing else None
        buttons = stop_buttons(turn, case) if case else ()
        await turn.reply(turn.t("compose_need_text"), buttons=buttons)
        return
    step, held = state.step, state.holding(CaseText)
    state.end()
    case = await load(turn, held.case)
    text = text[:MAX_MESSAGE]
    if isinstance(held, Message):
        await send_message(turn, case, text, held.question)
    elif isinstance(held, Transfer):
        await transfer(turn, case, held.to, text)
        await turn.reply(turn.t("transferred_done", ref=case.ref))
    elif step is Step.WRITE_RESOLUTION:
        await resolve(turn, case, text)


async def send_message(
    turn: Turn,
    case: Case,
    text: str,
    question: bool = False,
    sent_key: str = "message_sent",
    sent_buttons: Buttons = (),
) -> None:
    """Carry a message between the resident and the member holding the case; the resident is
    told so with the sent_key text (and its buttons)."""
    now, uow = turn.now, turn.uow
    if access.is_resident_of(turn.person, case) and not lifecycle.is_assignee(turn.person, case):
        await record(turn, case, lifecycle.resident_message(case, turn.person, text, now))
        assignee = await notices.holder(uow, case)
        if assignee is None and case.status == CaseStatus.TRIAGE:
            await notices.tell_coordinators_resident_wrote(uow, turn.district, case, now, text)
            await turn.reply(turn.t("resident_sent", ref=case.ref))
            return
        if assignee is None:
            await turn.reply(turn.t("message_kept", ref=case.ref))
            return
        sender = case.contact_name if not case.anonymous and case.contact_name else None
        who = sender or t(assignee.locale, "anonymous_resident")
        body = case_text(assignee.locale, "to_member", case, who=who, text=notices.quote(text))
        reply = Button(
            text=t(assignee.locale, "btn_reply"),
            data=callbacks.pack(Scope.CASE, "reply", case.id),
        )
        await turn.send_to(assignee, body, buttons=[[reply]], case_id=case.id)
        key = "resident_sent" if sent_key == "message_sent" else sent_key
        await turn.reply(turn.t(key, ref=case.ref), buttons=sent_buttons)
        return
    deadlines = turn.district.deadlines(case.tank)
    await record(
        turn, case, lifecycle.member_message(case, turn.person, text, now, deadlines, question)
    )
    resident = await uow.people.get(case.resident_id)
    if resident is not None:
        tank = turn.district.tank_name(case.tank, resident.locale)
        key = "to_resident_question" if question else "to_resident"
        body = case_text(
            resident.locale, key, case, tank=tank, member=turn.person.name, text=notices.quote(text)
        )
        reply = Button(
            text=t(resident.locale, "btn_reply"),
            data=callbacks.pack(Scope.CASE, "reply", case.id),
        )
        await turn.send_to(resident, body, buttons=[[reply]], case_id=case.id)
    await turn.reply(turn.t("message_sent", ref=case.ref))


async def resolve(turn: Turn, case: Case, summary: str) -> None:
    """Resolve with a summary; the resident is asked to rate."""
    await record(turn, case, lifecycle.resolve(case, turn.person, summary, turn.now))
    resident = await turn.uow.people.get(case.resident_id)
    if resident is not None:
        body = case_text(resident.locale, "resident_resolved", case, text=notices.quote(summary))
        await turn.send_to(
            resident, body, buttons=notices.rating_buttons(resident.locale, case), case_id=case.id
        )
    await notices.tell_supporters(
        turn.uow, case, turn.now, "supporter_resolved", text=notices.quote(summary)
    )
    await turn.similar.remove(case.id)
    await turn.reply(turn.t("resolved_done", ref=case.ref))


async def comment(turn: Turn, case: Case, text: str, buttons: Buttons = ()) -> None:
    """The resident's comment on the result, passed to the member (the resident's answer
    carries the buttons)."""
    if not access.is_resident_of(turn.person, case):
        raise Refused("case_not_found", ref=case.ref)
    await turn.uow.events.add(
        CaseEvent(case.id, "comment", turn.now, turn.person.id, {"text": text})
    )
    assignee = await notices.holder(turn.uow, case)
    if assignee is not None:
        body = case_text(assignee.locale, "member_comment", case, text=notices.quote(text))
        await turn.send_to(assignee, body, case_id=case.id)
    key = "comment_thanks" if assignee is not None else "comment_kept"
    await turn.reply(turn.t(key, ref=case.ref), buttons=buttons)


def parse_case_number(text: str) -> int | None:
    """A case number as people type it: 12, #12 or ＃12; None if it is not one."""
    token = text.strip().split(maxsplit=1)[0] if text.strip() else ""
    return parse_id(token.lstrip("#＃№"))


def split_number(args: str) -> tuple[int | None, str]:
    """'12 some text' -> (12, 'some text')."""
    head, _, rest = args.strip().partition(" ")
    return parse_case_number(head) if head else None, rest.strip()


def tank_code(turn: Turn, word: str) -> str | None:
    """A tank code from its code or either of its names; 'triage' for triage."""
    if word.lower() in ("triage", turn.t("triage_name")):
        return "triage"
    for tank in turn.district.tanks:
        if word in (tank.code, tank.name_zh, tank.name_en) or word.lower() == tank.name_en.lower():
            return tank.code
    return None
