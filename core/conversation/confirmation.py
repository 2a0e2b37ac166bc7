"""The draft's confirmation card, its tank changed, and its submission as a case with promises."""

from __future__ import annotations

import hashlib

from core import callbacks
from core.callbacks import Scope
from core.cases import cards, lifecycle, notices, promises
from core.context import Turn
from core.conversation import voices
from core.messages import Button
from core.models import Case, CaseEvent
from core.states import Conversation, Draft, Step


async def open_tanks(turn: Turn, state: Conversation) -> None:
    state.begin(Step.TANK)
    await turn.reply(turn.t("choose_tank"), buttons=_tank_buttons(turn, state.draft.id))


async def choose_tank(turn: Turn, state: Conversation, code: str) -> None:
    state.draft.tank = None if code == "triage" else code
    state.draft.tank_chosen = True
    await show_card(turn, state)


def _tank_buttons(turn: Turn, draft_id: str) -> list[list[Button]]:
    rows = [
        [
            Button(
                text=tank.name(turn.locale),
                data=callbacks.pack(Scope.INTAKE, "tank", draft_id, tank.code),
            )
        ]
        for tank in turn.district.tanks
    ]
    rows.append(
        [
            Button(
                text=turn.t("tank_unsure"),
                data=callbacks.pack(Scope.INTAKE, "tank", draft_id, "triage"),
            )
        ]
    )
    return rows


def valid_tank_choice(turn: Turn, code: str | None) -> bool:
    return code == "triage" or turn.district.tank(code) is not None


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _classify(turn: Turn, draft: Draft) -> None:
    if draft.tank_chosen or draft.judged == digest(draft.text):
        return
    verdict = turn.classifier.classify(draft.text)
    draft.tank = verdict.tank
    draft.confidence = round(verdict.confidence, 4)
    draft.hits = verdict.hits
    draft.judged = digest(draft.text)


async def show_card(turn: Turn, state: Conversation) -> None:
    """The confirmation card; the first time, the open cases like the concern come before it."""
    first_card = state.step not in (Step.CONFIRM, Step.TANK, Step.SIMILAR)
    _classify(turn, state.draft)
    if first_card:
        await turn.reply(turn.t("contact_noted"), remove_keyboard=True)
        if await voices.offer(turn, state):
            return
    state.begin(Step.CONFIRM)
    draft_id = state.draft.id
    buttons = [
        [
            Button(text=turn.t("btn_confirm"), data=callbacks.pack(Scope.INTAKE, "ok", draft_id)),
            Button(
                text=turn.t("btn_change_tank"), data=callbacks.pack(Scope.INTAKE, "tanks", draft_id)
            ),
        ],
        [Button(text=turn.t("btn_cancel"), data=callbacks.pack(Scope.INTAKE, "cancel", draft_id))],
    ]
    await turn.reply(cards.draft_card(turn, state.draft), buttons=buttons)


async def submit(turn: Turn, state: Conversation) -> None:
    draft, person, now, uow = state.draft, turn.person, turn.now, turn.uow
    anonymous = draft.contact == "anonymous"
    case = Case(
        id=0,
        resident_id=person.id,
        channel=person.channel,
        text=draft.text,
        created_at=now,
        updated_at=now,
        photos=tuple(draft.photos),
        station=draft.station,
        location=draft.location,
        contact_name=None if anonymous else (person.name or None),
        contact_phone=None if anonymous else draft.phone,
        anonymous=anonymous,
        confidence=draft.confidence,
        keywords=draft.hits,
    )
    tank, district = draft.tank, turn.district
    lifecycle.route(case, tank, now, district.deadlines(tank), fresh=False)
    promise = promises.promise(now, district.deadlines(tank), promises.working_time(district))
    case.late_notice_at = promise.answer_by
    lifecycle.plan_check(case)
    audience = await notices.audience_for(uow, turn.district, case, now)
    case = await uow.cases.add(case)
    via = "resident" if draft.tank_chosen else "classifier"
    await uow.events.add(CaseEvent(case.id, "created", now, person.id, {"tank": tank, "via": via}))
    state.end()
    await turn.similar.add(case)
    tank_name = district.tank_name(case.tank, turn.locale)
    key = "submitted" if case.tank else "submitted_triage"
    shown = {
        "claim_by": promises.show(turn.locale, promise.taken_by, district.timezone),
        "answer_by": promises.show(turn.locale, promise.answer_by, district.timezone),
    }
    progress = Button(
        text=turn.t("btn_progress"), data=callbacks.pack(Scope.CASE, "detail", case.id)
    )
    text = turn.t(key, ref=case.ref, **({"tank": tank_name} if case.tank else {}), **shown)
    await turn.reply(text, buttons=[[progress]], case_id=case.id)
    await notices.announce(uow, turn.district, case, now, audience)
