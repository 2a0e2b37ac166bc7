"""Coordinators' way out for a concern no think tank can take: answer the resident of a case in
triage, and close a case as referred (转办) to a body outside the tanks with a text that tells the
resident where to turn and why; the resident rates that answer. Buttons (`refer:*`), the
/refer command and the writing steps (Step.WRITE_ANSWER, Step.WRITE_REFERRAL) all end up here;
every step is checked in referral_rules.
"""

from __future__ import annotations

from core import callbacks
from core.callbacks import Callback, Scope
from core.cases import access, casework, measures, notices, referral_rules
from core.cases.lifecycle import Refused
from core.context import Turn
from core.messages import Button
from core.models import Case, ReferralBody
from core.states import CaseText, Conversation, Referral, Step
from core.texts import Markup, m, t


async def on_button(turn: Turn, state: Conversation, cb: Callback) -> None:
    """A press on a referral button: answer, pick a body, a body picked, a rating."""
    case = await casework.load(turn, cb.int_arg(0))
    if cb.action == "answer":
        await start_answer(turn, state, case)
    elif cb.action == "pick":
        await pick_body(turn, case)
    elif cb.action == "to":
        await start_text(turn, state, case, _body(turn, cb.arg(1)))
    elif cb.action == "rate":
        await rate(turn, case, cb.arg(1) or "")
    else:
        raise Refused("button_stale")


def _body(turn: Turn, code: str | None) -> ReferralBody:
    body = turn.district.referral_body(code)
    if body is None:
        raise Refused("button_stale")
    return body


async def start_answer(turn: Turn, state: Conversation, case: Case) -> None:
    """Ask the coordinator for the words to send the resident."""
    if not access.may_answer_in_triage(turn.person, case):
        raise Refused("answer_not_triage", ref=case.ref)
    await turn.answer()
    state.begin(Step.WRITE_ANSWER, CaseText(case=case.id))
    await turn.reply(turn.t("compose_answer", ref=case.ref))


async def pick_body(turn: Turn, case: Case) -> None:
    """Offer the bodies the case can be referred to, one button each."""
    if not access.may_refer(turn.person, case):
        raise Refused("refer_not_open", ref=case.ref)
    await turn.answer()
    rows = [
        [Button(text=b.name(turn.locale), data=callbacks.pack(Scope.REFER, "to", case.id, b.code))]
        for b in turn.district.referral_bodies
    ]
    await turn.reply(turn.t("refer_choose", ref=case.ref), buttons=rows)


async def start_text(turn: Turn, state: Conversation, case: Case, body: ReferralBody) -> None:
    """A body was chosen: ask for the text the resident will get."""
    if not access.may_refer(turn.person, case):
        raise Refused("refer_not_open", ref=case.ref)
    await turn.answer()
    state.begin(Step.WRITE_REFERRAL, Referral(case=case.id, body=body.code))
    await turn.reply(turn.t("compose_referral", ref=case.ref, body=body.name(turn.locale)))


async def on_input(turn: Turn, state: Conversation) -> None:
    """The text a referral step was waiting for."""
    text = (turn.inbound.text or "").strip()
    if not text:
        await turn.reply(turn.t("compose_need_text"))
        return
    held = state.holding(CaseText)
    state.end()
    case = await casework.load(turn, held.case)
    text = text[: casework.MAX_MESSAGE]
    if isinstance(held, Referral):
        await refer(turn, case, _body(turn, held.body), text)
    else:
        await answer(turn, case, text)


async def answer(turn: Turn, case: Case, text: str) -> None:
    """Send the coordinator's words to the resident of a case in triage."""
    await casework.record(turn, case, referral_rules.answer(case, turn.person, text, turn.now))
    resident = await turn.uow.people.get(case.resident_id)
    if resident is not None:
        loc = resident.locale
        body = t(loc, "to_resident_coordinator", ref=case.ref, text=notices.quote(text))
        reply = Button(text=t(loc, "btn_reply"), data=callbacks.pack(Scope.CASE, "reply", case.id))
        await turn.send_to(resident, body, buttons=[[reply]], case_id=case.id)
    await turn.reply(turn.t("message_sent", ref=case.ref))


async def refer(turn: Turn, case: Case, body: ReferralBody, text: str) -> None:
    """Close the case as referred; the resident learns where to turn and why, and may rate it."""
    now, uow = turn.now, turn.uow
    await casework.record(turn, case, referral_rules.refer(case, turn.person, body, text, now))
    await notices.close_notices(uow, turn.district, case, now, "notice_referred", name=body.name)
    resident = await uow.people.get(case.resident_id)
    if resident is not None:
        loc = resident.locale
        contact = body.contact(loc)
        message = t(
            loc,
            "resident_referred",
            ref=case.ref,
            body=body.name(loc),
            contact=m(loc, "referral_contact", contact=contact) if contact else Markup(""),
            text=notices.quote(text),
        )
        await turn.send_to(resident, message, buttons=rating_buttons(loc, case), case_id=case.id)
    await notices.tell_supporters(
        uow, case, now, "supporter_referred", body=body.name, text=notices.quote(text)
    )
    await turn.similar.remove(case.id)
    await turn.reply(turn.t("referred_done", ref=case.ref, body=body.name(turn.locale)))


def rating_buttons(locale: str, case: Case) -> list[list[Button]]:
    """满意 / 基本满意 / 不满意, for the answer a referral gave."""
    return [
        [
            Button(
                text=t(locale, f"rating_{r}"), data=callbacks.pack(Scope.REFER, "rate", case.id, r)
            )
            for r in measures.RATINGS
        ]
    ]


async def rate(turn: Turn, case: Case, rating: str) -> None:
    """The resident rates the referral; 不满意 tells the coordinators."""
    now = turn.now
    await casework.record(turn, case, referral_rules.rate_referral(case, turn.person, rating, now))
    await turn.answer(turn.t("rated_toast"))
    if rating == "poor":
        await notices.tell_coordinators(turn.uow, case, now, "coordinator_referral_poor")
    await turn.reply(turn.t("referral_rated", ref=case.ref))


async def refer_command(turn: Turn, state: Conversation) -> None:
    """/refer <number> <body> [text]: close a case as referred; without a text, ask for it."""
    number, rest = casework.split_number(turn.inbound.args)
    word, _, text = rest.partition(" ")
    body = _body_named(turn, word)
    if number is None or body is None:
        raise Refused("refer_usage", bodies=Markup(body_list(turn)))
    case = await casework.load(turn, number)
    if not text.strip():
        await start_text(turn, state, case, body)
        return
    await refer(turn, case, body, text.strip()[: casework.MAX_MESSAGE])


def _body_named(turn: Turn, word: str) -> ReferralBody | None:
    """A body by its code, or by a part of its Chinese name that fits no other body (教育)."""
    bodies = turn.district.referral_bodies
    exact = [b for b in bodies if word.lower() in (b.code, b.name_zh)]
    fits = exact or [b for b in bodies if len(word) >= 2 and word in b.name_zh]
    return fits[0] if len(fits) == 1 else None


def body_list(turn: Turn) -> str:
    """The bodies, one a line, as /refer takes them."""
    return "\n".join(
        turn.t("refer_body_line", code=b.code, name=b.name(turn.locale))
        for b in turn.district.referral_bodies
    )


async def reply_in_triage(turn: Turn, state: Conversation, case: Case, text: str) -> None:
    """A coordinator's /reply on a case in triage: an answer to the resident (asked for when
    no text came with it)."""
    if not text:
        await start_answer(turn, state, case)
        return
    await answer(turn, case, text[: casework.MAX_MESSAGE])
