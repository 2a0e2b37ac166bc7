"""Adding your voice (附议): before the confirmation card, the open cases of the same tank and place
that read like the concern are offered, a line each, with the words that made them alike and no
trace of who raised them; the resident adds their voice to one, or goes on with a new case.

Nothing is merged by itself: only the resident's press makes them a supporter, who then follows
the case and is told of its outcome as its author is.
"""

from __future__ import annotations

from core import callbacks
from core.callbacks import Scope
from core.cases import notices
from core.context import Turn
from core.messages import Button
from core.models import Case, CaseEvent, Supporter, Via
from core.states import Conversation, Step
from core.texts import Markup, shorten

OFFERED = 3  # at most this many open cases, a line each
LOOKED_AT = 8  # suggestions looked at to find them (some may be closed since, or the sender's)
TOLD_EACH = 5  # the holder hears of each voice up to this many residents behind the case


async def suggestions(turn: Turn, state: Conversation) -> list[tuple[Case, tuple[str, ...]]]:
    """The open cases like the draft that the sender may add their voice to, best first."""
    draft, person = state.draft, turn.person
    found = await turn.similar.similar(
        draft.text, draft.tank, draft.station, draft.location, k=LOOKED_AT
    )
    if not found:
        return []
    supported = {s.case_id for s in await turn.uow.supporters.of_person(person.id)}
    chosen: list[tuple[Case, tuple[str, ...]]] = []
    for suggestion in found:
        case = await turn.uow.cases.get(suggestion.case_id)
        if case is None or not case.is_open:
            await turn.similar.remove(suggestion.case_id)
            continue
        if case.tank != draft.tank or case.resident_id == person.id or case.id in supported:
            continue
        chosen.append((case, suggestion.words))
        if len(chosen) == OFFERED:
            break
    return chosen


async def offer(turn: Turn, state: Conversation) -> bool:
    """Show the open cases like the draft, if there are any; True if they were shown."""
    found = await suggestions(turn, state)
    if not found:
        return False
    draft = state.draft
    counts = await turn.uow.supporters.counts([case.id for case, _ in found])
    lines = [
        turn.t(
            "voice_line",
            ref=case.ref,
            station=turn.district.station_name(case.station, turn.locale),
            date=turn.district.local(case.created_at).strftime("%m-%d"),
            words=turn.t("keyword_separator").join(shorten(w, 12) for w in words) or "-",
            residents=1 + counts.get(case.id, 0),
        )
        for case, words in found
    ]
    buttons = [
        [
            Button(
                text=turn.t("btn_add_voice", ref=case.ref),
                data=callbacks.pack(Scope.INTAKE, "voice", draft.id, case.id),
            )
        ]
        for case, _ in found
    ]
    buttons.append(
        [
            Button(
                text=turn.t("btn_new_case"), data=callbacks.pack(Scope.INTAKE, "fresh", draft.id)
            ),
            Button(
                text=turn.t("btn_cancel"), data=callbacks.pack(Scope.INTAKE, "cancel", draft.id)
            ),
        ]
    )
    draft.offered = [case.id for case, _ in found]
    state.begin(Step.SIMILAR)
    await turn.reply(turn.t("voice_offer", lines=Markup("\n".join(lines))), buttons=buttons)
    return True


async def add_voice(turn: Turn, state: Conversation, case_id: int | None) -> None:
    """The resident adds their voice to an offered case: they support and follow it."""
    draft, person, uow, now = state.draft, turn.person, turn.uow, turn.now
    if case_id is None or case_id not in draft.offered:
        await turn.answer(turn.t("button_stale"), alert=True)
        return
    case = await uow.cases.get(case_id)
    refusal = _refusal(turn, state, case)
    if refusal is not None or case is None:
        await turn.answer(refusal or turn.t("button_stale"), alert=True)
        return
    added = await uow.supporters.add(Supporter(case.id, person.id, Via.VOICE, now, text=draft.text))
    if not added:
        await turn.answer(turn.t("voice_twice", ref=case.ref), alert=True)
        return
    behind = 1 + len(await notices.behind(uow, case))
    await uow.events.add(CaseEvent(case.id, "supported", now, person.id, {"count": behind}))
    state.end()
    await turn.answer(turn.t("voice_added_toast"))
    await turn.reply(turn.t("voice_added", ref=case.ref))
    holder = await notices.holder(uow, case)
    if holder is not None and worth_telling(behind):
        text = notices.case_text_for(holder, "member_voice_added", case, count=str(behind))
        await turn.send_to(holder, text, case_id=case.id)


def worth_telling(behind: int) -> bool:
    """Whether the holder hears of this many residents behind their case: each of the first
    few, then at 10, 20, 50 and every hundred, so that a flood of voices is no flood of messages."""
    return behind <= TOLD_EACH or behind in (10, 20, 50) or behind % 100 == 0


def _refusal(turn: Turn, state: Conversation, case: Case | None) -> str | None:
    """Why the voice cannot go to this case, in the sender's words; None if it can."""
    if case is None or not case.is_open:
        ref = case.ref if case is not None else "#?"
        return turn.t("voice_closed", ref=ref)
    if case.tank != state.draft.tank:
        return turn.t("voice_other_tank", ref=case.ref)
    if case.resident_id == turn.person.id:
        return turn.t("voice_own", ref=case.ref)
    return None
