"""The resident's draft gathered: describe → station → contact, its buttons and typed choices."""

from __future__ import annotations

import re
import secrets
import unicodedata

from core import callbacks
from core.callbacks import Callback, Scope
from core.context import Turn
from core.conversation import confirmation, labels, voices
from core.messages import Button, Inbound, KeyButton
from core.states import Conversation, Draft, Step, Talk

# The draft lives in the chat's dialog state (the database), so a restart loses nothing. Every
# button carries the draft's id; a button of an older or finished draft is refused politely.
# The confirmation card and the submission are core/conversation/confirmation.py.

MAX_TEXT = 3000
MAX_PHOTOS = 10
MIN_CONCERN_CHARS = 6
PHONE = re.compile(r"^\+?[\d\- ]{7,20}$")
CONTACT_KINDS = ("none", "anonymous")  # the contact step's typed choices: contact_<kind>
GREETINGS = frozenset({"你好", "您好", "在吗", "在么", "hi", "hello", "hey", "嗨", "哈喽", "喂"})

DESCRIBE, STATION, CONTACT, CONFIRM, TANK, SIMILAR = (
    Step.DESCRIBE,
    Step.STATION,
    Step.CONTACT,
    Step.CONFIRM,
    Step.TANK,
    Step.SIMILAR,
)


def meaningful(text: str) -> int:
    """How many letters and digits the text has (emoji, spaces and marks do not count)."""
    return sum(1 for ch in text if unicodedata.category(ch)[0] in "LN")


def is_greeting(text: str) -> bool:
    """True for a bare greeting rather than a concern."""
    return text.strip(" !！?？。.~～").lower() in GREETINGS


async def begin(
    turn: Turn, state: Conversation, text: str = "", photos: tuple[str, ...] = ()
) -> None:
    """Start a new draft; with text, go straight to the next question."""
    draft = Draft(id=secrets.token_hex(4), photos=list(photos[:MAX_PHOTOS]))
    draft.album = turn.inbound.album
    state.begin(DESCRIBE, draft)
    if text:
        await _take_text(turn, state, text)
    else:
        text = turn.t("ask_describe")
        if photos:
            key = "voice_message_added" if turn.inbound.voice else "photo_added"
            added = turn.t(key, count=len(draft.photos), limit=MAX_PHOTOS)
            text = added + "\n" + turn.t("ask_describe_with_photo")
        await turn.reply(text, remove_keyboard=True)


async def on_input(turn: Turn, state: Conversation) -> None:
    """Handle text, photos, contact or location while a draft is open."""
    inbound, draft = turn.inbound, state.draft
    if inbound.photos:
        await _add_photos(turn, state)
    if inbound.location is not None:
        draft.location = inbound.location
        await turn.reply(turn.t("location_saved"))
    if inbound.contact_phone is not None:
        await _take_contact(turn, state)
        return
    text = (inbound.text or "").strip()
    if not text:
        return
    if state.step == DESCRIBE:
        await _take_text(turn, state, text)
    elif not await _typed_button(turn, state, text):
        await _at_button_step(turn, state, text)


async def _typed_button(turn: Turn, state: Conversation, text: str) -> bool:
    """A button's label typed at the step that shows it acts as the press; True if it did."""
    step, district = state.step, turn.district
    if step == STATION:
        stations = [(s.code, (s.name_zh, s.name_en, s.code)) for s in district.stations]
        choice = labels.chosen(text, [*stations, ("", labels.in_every_locale("skip"))])
        if choice is not None:
            await _choose_station(turn, state, choice or None)
    elif step == CONTACT:
        kinds = [(kind, labels.in_every_locale(f"contact_{kind}")) for kind in CONTACT_KINDS]
        choice = labels.chosen(text, kinds)
        if choice is not None:
            state.draft.contact = "anonymous" if choice == "anonymous" else "none"
            await confirmation.show_card(turn, state)
    elif step == CONFIRM:
        actions = {"ok": "btn_confirm", "tanks": "btn_change_tank", "cancel": "btn_cancel"}
        choice = labels.chosen(text, [(a, labels.in_every_locale(k)) for a, k in actions.items()])
        if choice == "ok":
            await confirmation.submit(turn, state)
        elif choice == "tanks":
            await confirmation.open_tanks(turn, state)
        elif choice == "cancel":
            await cancel(turn, state)
    elif step == SIMILAR:
        actions = {"fresh": "btn_new_case", "cancel": "btn_cancel"}
        choice = labels.chosen(text, [(a, labels.in_every_locale(k)) for a, k in actions.items()])
        if choice == "fresh":
            await confirmation.show_card(turn, state)
        elif choice == "cancel":
            await cancel(turn, state)
    elif step == TANK:
        tanks = [(t.code, (t.name_zh, t.name_en, t.code)) for t in district.tanks]
        choice = labels.chosen(text, [*tanks, ("triage", labels.in_every_locale("tank_unsure"))])
        if choice is not None:
            await confirmation.choose_tank(turn, state, choice)
    else:
        choice = None
    return choice is not None


async def _at_button_step(turn: Turn, state: Conversation, text: str) -> None:
    """Other text where buttons are expected: a phone number is the contact where one may be
    given; a sentence is added to the concern, saying so; anything else is told what the step
    expects and added nowhere."""
    name = state.step.name_in_texts
    if name == "contact" and turn.person.channel in TYPED_PHONE:
        name = "contact_typed"  # no button shares a phone number there
    expects = turn.t(f"expect_{name}")
    phone = bool(PHONE.match(text)) and sum(c.isdigit() for c in text) >= 7
    if phone and state.step in (CONTACT, CONFIRM):
        state.draft.contact, state.draft.phone = "phone", text
        await confirmation.show_card(turn, state)
    elif not phone and meaningful(text) >= MIN_CONCERN_CHARS:
        await _append_text(turn, state, text, expects)
    else:
        await turn.reply(expects)


async def on_button(turn: Turn, state: Conversation, cb: Callback) -> None:
    """Handle a press on one of the draft's buttons."""
    if state.step.conversation is not Talk.INTAKE or cb.arg(0) != state.draft.id:
        await turn.answer(turn.t("button_stale"), alert=True)
        return
    if cb.action == "st" and turn.district.station(cb.arg(1)) and state.step == STATION:
        await turn.answer(turn.district.station_name(cb.arg(1), turn.locale))
        await _choose_station(turn, state, cb.arg(1))
    elif cb.action == "stskip" and state.step == STATION:
        await turn.answer()
        await _choose_station(turn, state, None)
    elif cb.action == "ok" and state.step == CONFIRM:
        await turn.answer(turn.t("submitted_toast"))
        await confirmation.submit(turn, state)
    elif cb.action == "tanks" and state.step in (CONFIRM, TANK):
        await turn.answer()
        await confirmation.open_tanks(turn, state)
    elif (
        cb.action == "tank"
        and state.step == TANK
        and confirmation.valid_tank_choice(turn, cb.arg(1))
    ):
        await turn.answer()
        await confirmation.choose_tank(turn, state, cb.arg(1) or "triage")
    elif cb.action == "voice" and state.step == SIMILAR:
        await voices.add_voice(turn, state, cb.int_arg(1))
    elif cb.action == "fresh" and state.step == SIMILAR:
        await turn.answer()
        await confirmation.show_card(turn, state)
    elif cb.action == "cancel":
        await cancel(turn, state)
    else:
        await turn.answer(turn.t("button_stale"), alert=True)


async def cancel(turn: Turn, state: Conversation) -> None:
    """Drop the draft."""
    await turn.answer(turn.t("cancelled_toast"))
    state.end()
    await turn.reply(turn.t("cancelled"), remove_keyboard=True)


async def _take_text(turn: Turn, state: Conversation, text: str) -> None:
    if meaningful(text) < 2:
        await turn.reply(turn.t("need_words"))
        return
    draft = state.draft
    draft.text = _joined(draft.text, text)
    if meaningful(draft.text) < MIN_CONCERN_CHARS:
        await turn.reply(turn.t("need_more_detail"))
        return
    if turn.district.stations:
        state.begin(STATION)
        await turn.reply(turn.t("ask_station"), buttons=_station_buttons(turn, draft.id))
    else:
        await _ask_contact(turn, state)


async def _choose_station(turn: Turn, state: Conversation, code: str | None) -> None:
    if code:
        state.draft.station = code
    await _ask_contact(turn, state)


async def _append_text(turn: Turn, state: Conversation, text: str, expects: str) -> None:
    draft = state.draft
    if len(draft.text) + len(text) + 1 > MAX_TEXT:
        await turn.reply(turn.t("text_too_long", limit=MAX_TEXT) + "\n" + expects)
        return
    draft.text = _joined(draft.text, text)
    if state.step == CONFIRM:
        await confirmation.show_card(turn, state)
    else:
        await turn.reply(turn.t("text_appended") + "\n" + expects)


def _joined(old: str, new: str) -> str:
    combined = f"{old}\n{new}" if old else new
    return combined[:MAX_TEXT]


async def _add_photos(turn: Turn, state: Conversation) -> None:
    """Attach photos; an album is acknowledged once, not once per photo."""
    draft, album = state.draft, turn.inbound.album
    photos = draft.photos
    room = MAX_PHOTOS - len(photos)
    photos.extend(turn.inbound.photos[: max(room, 0)])
    if album is not None and draft.album == album and room > 0:
        return
    draft.album = album
    added = "voice_message_added" if turn.inbound.voice else "photo_added"
    key = added if room > 0 else "photo_limit"
    text = turn.t(key, count=len(photos), limit=MAX_PHOTOS)
    if state.step == DESCRIBE and not draft.text and not turn.inbound.text:
        text += "\n" + turn.t("ask_describe_with_photo")
    await turn.reply(text)


async def _take_contact(turn: Turn, state: Conversation) -> None:
    inbound = turn.inbound
    if inbound.contact_user_id != inbound.user_id:
        await turn.reply(turn.t("contact_not_own"))
        return
    state.draft.contact, state.draft.phone = "phone", inbound.contact_phone
    turn.person.phone = inbound.contact_phone
    await turn.uow.people.update(turn.person)
    if state.step in (STATION, CONTACT, CONFIRM):
        await confirmation.show_card(turn, state)
    else:
        await turn.reply(turn.t("contact_saved"))


def _station_buttons(turn: Turn, draft_id: str) -> list[list[Button]]:
    buttons = [
        Button(text=s.name(turn.locale), data=callbacks.pack(Scope.INTAKE, "st", draft_id, s.code))
        for s in turn.district.stations
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append(
        [Button(text=turn.t("skip"), data=callbacks.pack(Scope.INTAKE, "stskip", draft_id))]
    )
    return rows


# Channels where a phone number cannot be shared with a button: it is typed.
TYPED_PHONE = frozenset({"wechat", "wecom"})


async def _ask_contact(turn: Turn, state: Conversation) -> None:
    state.begin(CONTACT)
    choices = [KeyButton(text=turn.t("contact_none")), KeyButton(text=turn.t("contact_anonymous"))]
    if turn.person.channel in TYPED_PHONE:
        await turn.reply(turn.t("ask_contact_typed"), keyboard=[choices])
        return
    share = [KeyButton(text=turn.t("contact_share"), request_contact=True)]
    await turn.reply(turn.t("ask_contact"), keyboard=[share, choices])


def texts_ahead(state: Conversation, inbound: Inbound) -> list[str]:
    """The draft texts this input may have classified (for the card), so that the service can
    classify them before the turn, off the event loop (core/conversation/prejudge.py); a text
    not foreseen here is classified during the turn."""
    if state.step not in (STATION, CONTACT, CONFIRM) or state.draft.tank_chosen:
        return []
    text = state.draft.text
    ahead = [text] if text and state.draft.judged != confirmation.digest(text) else []
    typed = (inbound.text or "").strip()
    if typed and state.step == CONFIRM:
        ahead.append(_joined(text, typed))
    return ahead
