"""A resident's plain text that follows up on a case rather than raising a new one: the comment a
rating asks for, and the answer to a member's question typed without Telegram's reply-to.

How a comment is told from a new concern: the prompt after a rating lasts for one plain text
within COMMENT_WINDOW, and ends at anything else the resident does (a command, any button, a
photo, a location, a reply to another message, 跳过). Someone who has just rated and writes at
once is adding to that case; someone who comes back later, or does something else first, starts
afresh. A member's open question works the same way: the resident's next plain text answers it
when it is the only one; with several, they pick the case (or a new concern) by button while the
text waits in the dialog state. Every time, the answer says where the words went and offers to
file them as a new concern instead, so a text taken the wrong way is one press from a new case.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core import callbacks
from core.callbacks import Callback, Scope
from core.cases import access, casework, lifecycle, notices
from core.cases.lifecycle import Refused
from core.context import Buttons, Turn
from core.conversation import intake
from core.messages import Button
from core.models import Case
from core.states import CommentPrompt, Conversation, HeldText, Step, Talk
from core.texts import shorten

COMMENT, PICK = Step.COMMENT, Step.PICK_CASE
COMMENT_WINDOW = timedelta(hours=1)
MAX_QUESTIONS = 8


def plain_text(turn: Turn) -> str:
    """The text of a message that is only text (no photo, location, contact or command)."""
    inbound = turn.inbound
    if inbound.photos or inbound.location or inbound.contact_phone or inbound.command:
        return ""
    return "" if inbound.callback_id else (inbound.text or "").strip()


def end_unless_continued(turn: Turn, state: Conversation) -> None:
    """A follow-up prompt lasts for one plain text or a press of its own buttons; anything else
    the resident does ends it."""
    if state.step.conversation is not Talk.FOLLOWUP:
        return
    inbound = turn.inbound
    if (inbound.callback_data or "").startswith(f"{Scope.FOLLOWUP}:"):
        return
    if plain_text(turn) and inbound.reply_to_message_id is None:
        return
    state.end()


async def take(turn: Turn, state: Conversation) -> bool:
    """Plain text that follows up on a case: the comment a prompt asked for, or an answer to
    the resident's open questions; True if it was taken here."""
    text = plain_text(turn)
    if state.step == COMMENT:
        prompt = state.holding(CommentPrompt)
        state.end()
        if text and turn.now - prompt.since <= COMMENT_WINDOW:
            case = await casework.load(turn, prompt.case)
            stamp = _stamp(turn.now)
            words = text[: casework.MAX_MESSAGE]
            await casework.comment(turn, case, words, _as_new(turn, case, stamp))
            return True
    if not text or (not state.idle and state.step != PICK):
        return False
    questions = await turn.uow.cases.open_questions(turn.person.id, MAX_QUESTIONS)
    if state.step == PICK:
        text = f"{state.holding(HeldText).text}\n{text}"[: casework.MAX_MESSAGE]
        if not questions:  # answered meanwhile: the words make a concern of their own
            await intake.begin(turn, state, text)
            return True
    elif not questions:
        return False
    elif len(questions) == 1:
        await _answer(turn, questions[0], text)
        return True
    state.begin(PICK, HeldText(text=text))
    await _ask_which(turn, questions)
    return True


async def on_button(turn: Turn, state: Conversation, cb: Callback) -> None:
    """A press on a follow-up button: skip the comment, pick the case, or file as new."""
    if cb.action == "skip":
        if state.step == COMMENT:
            state.end()
        await turn.answer(turn.t("skipped_toast"))
    elif cb.action == "to" and state.step == PICK:
        case = await casework.load(turn, cb.int_arg(0))
        if not access.is_resident_of(turn.person, case):
            raise Refused("case_not_found", ref=case.ref)
        await turn.answer()
        await _answer(turn, case, state.holding(HeldText).text)
        state.end()  # kept until it went: a refusal loses nothing
    elif cb.action == "new" and state.step == PICK:
        await turn.answer()
        await intake.begin(turn, state, state.holding(HeldText).text)
    elif cb.action == "asnew":
        await _file_as_new(turn, state, cb)
    else:
        raise Refused("button_stale")


async def _answer(turn: Turn, case: Case, text: str) -> None:
    stamp = _stamp(turn.now)
    buttons = _as_new(turn, case, stamp)
    text = text[: casework.MAX_MESSAGE]
    await casework.send_message(turn, case, text, sent_key="answer_sent", sent_buttons=buttons)


async def _ask_which(turn: Turn, questions: list[Case]) -> None:
    rows = [
        [
            Button(
                text=f"{case.ref} · {shorten(case.text, 16)}",
                data=callbacks.pack(Scope.FOLLOWUP, "to", case.id),
            )
        ]
        for case in questions
    ]
    rows.append([Button(text=turn.t("btn_as_new"), data=callbacks.pack(Scope.FOLLOWUP, "new"))])
    await turn.reply(turn.t("answer_which", count=len(questions)), buttons=rows)


async def _file_as_new(turn: Turn, state: Conversation, cb: Callback) -> None:
    """The resident's words on a case become a new concern instead; the holder is told."""
    case = await casework.load(turn, cb.int_arg(0))
    stamp = _ms_arg(cb.arg(1))
    events = await turn.uow.events.for_case(case.id)
    said = [
        e
        for e in events
        if e.actor_id == turn.person.id
        and e.kind in ("message", "comment")
        and stamp is not None
        and abs(_stamp(e.at) - stamp) <= 1
    ]
    if not said or any(e.kind == "withdrawn" and e.data.get("at") == stamp for e in events):
        raise Refused("button_stale")
    text, answer = str(said[-1].data.get("text", "")), said[-1].kind == "message"
    event = lifecycle.withdrawn(case, turn.person, turn.now, stamp or 0, answer)
    await casework.record(turn, case, event)
    holder = await notices.holder(turn.uow, case)
    if holder is not None:
        note = casework.case_text(holder.locale, "member_withdrawn", case, text=notices.quote(text))
        await turn.send_to(holder, note, case_id=case.id)
    await turn.answer()
    if state.step.conversation is Talk.INTAKE and state.draft.text:
        await turn.reply(turn.t("draft_dropped"))
    await intake.begin(turn, state, text)


def _as_new(turn: Turn, case: Case, stamp: int) -> Buttons:
    data = callbacks.pack(Scope.FOLLOWUP, "asnew", case.id, stamp)
    return [[Button(text=turn.t("btn_as_new"), data=data)]]


def _stamp(moment: datetime) -> int:
    """A moment in whole milliseconds, as the timeline stores it."""
    return int(moment.timestamp() * 1000)


def _ms_arg(value: str | None) -> int | None:
    if value is None or not value.isascii() or not value.isdigit() or len(value) > 15:
        return None
    return int(value)
