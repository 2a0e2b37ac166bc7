"""One inbound event, handled once, in one transaction: who sent it, what it means, what to send."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol, assert_never

from core import callbacks, states
from core.callbacks import Callback, Scope
from core.cases import access, casework, privacy
from core.cases.lifecycle import Refused
from core.context import Deferred, District, FileJob, Turn, notify, queue, retried
from core.conversation import followups, intake, menus, prejudge
from core.desk import buttons as desk_buttons
from core.desk import reports
from core.engines import Classifier, Offload, SimilarCases
from core.messages import MAX_TEXT, Attachment, Inbound, Outbound
from core.models import Person
from core.office import FileRefused, OfficeFiles
from core.ports import DialogReader, Lookahead, UnitOfWork, UnitOfWorkFactory
from core.staff import hot, invitations, referral
from core.states import Conversation, Talk
from core.texts import locale_of, t
from core.throttle import FloodLimit, Verdict
from core.views import CaseViews

log = logging.getLogger(__name__)


class Wiring(Protocol):
    """What a turn is handled with, chosen once in bot.py: core.service.Service is the one in
    use (it sits above this part, and hands itself in)."""

    @property
    def open_unit(self) -> UnitOfWorkFactory: ...
    @property
    def district(self) -> District: ...
    @property
    def classifier(self) -> Classifier: ...
    @property
    def clock(self) -> Callable[[], datetime]: ...
    @property
    def views(self) -> CaseViews: ...
    @property
    def throttle(self) -> FloodLimit: ...
    @property
    def dialogs(self) -> DialogReader | None: ...
    @property
    def offload(self) -> Offload: ...
    @property
    def similar(self) -> SimilarCases: ...
    @property
    def files(self) -> OfficeFiles | None: ...


async def identify(uow: UnitOfWork, inbound: Inbound, now: datetime) -> Person:
    """The sender as a person, created on first contact and kept up to date. Only the sender's
    own private chat (which has the sender's id) becomes the person's chat: a group, or an update
    claiming a private chat of another id, must never receive their notifications. Anyone who
    writes in their own private chat is reachable again; a new language brings the role's menu
    in it."""
    person = await uow.people.by_external(inbound.channel, inbound.user_id)
    locale = locale_of(inbound.language) if inbound.language else None
    own_chat = inbound.private and inbound.chat_id == inbound.user_id
    if person is None:
        return await uow.people.add(
            Person(
                id=0,
                channel=inbound.channel,
                external_id=inbound.user_id,
                # On Telegram a user's private chat has the user's id.
                chat_id=inbound.user_id,
                name=inbound.user_name[:128],
                username=inbound.username,
                locale=locale or "zh",
            ),
            now,
        )
    chat_id = inbound.chat_id if own_chat else person.chat_id
    reachable = person.reachable or own_chat
    # WeChat and WeCom give no name: the one a person has (e.g. from `member add`) stays.
    name = inbound.user_name[:128] or person.name
    fresh = (chat_id, name, inbound.username, locale or person.locale, reachable)
    old = (person.chat_id, person.name, person.username, person.locale, person.reachable)
    if old != fresh:
        person.chat_id, person.name, person.username, person.locale, person.reachable = fresh
        await uow.people.update(person)
        if old[3] != fresh[3] and not access.is_resident(person):
            await menus.set_menu(uow, person, now)
    return person


async def dispatch(turn: Turn, state: Conversation) -> None:
    """Route the event to the command, button or conversation it belongs to; a refused step
    is answered with its reason and changes nothing more."""
    if state.lost is not None:
        log.warning(
            "chat %s was at %r, which this version cannot continue: it starts over",
            turn.inbound.chat_id,
            state.lost[:40],
        )
        state.lost = None
        await turn.reply(turn.t("conversation_lost"), remove_keyboard=True)
    try:
        await _route(turn, state)
    except Refused as refusal:
        text = turn.t(refusal.key, **refusal.kwargs)
        if turn.inbound.callback_id is not None:
            await turn.answer(text, alert=True)
        else:
            await turn.reply(text)


async def _route(turn: Turn, state: Conversation) -> None:
    inbound = turn.inbound
    followups.end_unless_continued(turn, state)
    if inbound.callback_data is not None or inbound.callback_id is not None:
        await _press(turn, state, callbacks.parse(inbound.callback_data))
    elif inbound.command is not None:
        await _command(turn, state, inbound.command)
    elif inbound.unsupported is not None:
        what = turn.t(f"media_{inbound.unsupported}")
        typed = inbound.channel in intake.TYPED_PHONE  # no button shares a phone number there
        await turn.reply(turn.t("unsupported_typed" if typed else "unsupported", what=what))
    elif await _reply_to_case(turn) or await followups.take(turn, state):
        return
    else:
        await _continue(turn, state)


async def _continue(turn: Turn, state: Conversation) -> None:
    """Input for the conversation going on, or for none."""
    match state.step.conversation:
        case Talk.INTAKE:
            await intake.on_input(turn, state)
        case Talk.COMPOSE:
            await casework.on_compose(turn, state)
        case Talk.REFER:
            await referral.on_input(turn, state)
        case Talk.DESK if access.works_at_desk(turn.person):
            await reports.on_input(turn, state)
        case Talk.DESK:  # removed from the desk mid-draft: heard as the resident they now are
            state.end()
            await _idle_input(turn, state)
        case Talk.IDLE | Talk.FOLLOWUP:  # a follow-up left unanswered by followups.take ended
            await _idle_input(turn, state)
        case unknown:
            assert_never(unknown)


async def _press(turn: Turn, state: Conversation, cb: Callback | None) -> None:
    """A button press, to the part whose scope its data names; data that does not parse, or
    names no scope, is refused."""
    scope = next((s for s in Scope if cb is not None and s.value == cb.scope), None)
    if cb is None or scope is None:
        await turn.answer(turn.t("button_stale"), alert=True)
        return
    match scope:
        case Scope.INTAKE:
            await intake.on_button(turn, state, cb)
        case Scope.CASE:
            await casework.on_button(turn, state, cb)
        case Scope.FOLLOWUP:
            await followups.on_button(turn, state, cb)
        case Scope.REFER:
            await referral.on_button(turn, state, cb)
        case Scope.INVITE:
            await invitations.on_button(turn, state, cb)
        case Scope.PRIVACY:
            await privacy.on_button(turn, state, cb)
        case Scope.HOT:
            await hot.on_button(turn, state, cb)
        case Scope.DESK:
            await desk_buttons.on_button(turn, state, cb)
        case unknown:
            assert_never(unknown)


async def _command(turn: Turn, state: Conversation, name: str) -> None:
    """Run a command the caller's role has; any other name, another role's command or none at
    all, gets the one same answer, so that a refusal tells nothing of other roles' commands."""
    command = menus.command(name)
    if command is None or not access.may_use(turn.person, command.roles):
        await turn.reply(turn.t("unknown_command", command=f"/{name[:32]}"))
    else:
        await command.handler(turn, state)


async def _reply_to_case(turn: Turn) -> bool:
    """A text answering a message about a case goes to the other side of that case, whatever
    conversation is open; True if it did."""
    inbound = turn.inbound
    text = (inbound.text or "").strip()
    if inbound.reply_to_message_id is None or not text:
        return False
    case_id = await turn.uow.outbox.case_of_message(
        inbound.channel, inbound.chat_id, inbound.reply_to_message_id
    )
    if case_id is None:
        return False
    await casework.send_message(
        turn, await casework.load(turn, case_id), text[: casework.MAX_MESSAGE]
    )
    return True


async def _idle_input(turn: Turn, state: Conversation) -> None:
    inbound = turn.inbound
    text = (inbound.text or "").strip()
    if inbound.photos:
        await intake.begin(turn, state, text, inbound.photos)
    elif text and intake.is_greeting(text):
        await turn.reply(turn.t("greeting_hint"))
    elif intake.meaningful(text) >= 2:
        await intake.begin(turn, state, text)
    elif inbound.contact_phone is not None or inbound.location is not None:
        await turn.reply(turn.t("describe_first"))
    else:
        await turn.reply(turn.t("need_words"))


async def handle(inbound: Inbound, service: Wiring) -> list[int]:
    """Handle one inbound event; returns the ids of the outbox messages it queued."""
    if inbound.text is not None and len(inbound.text) > MAX_TEXT:
        inbound = inbound.model_copy(update={"text": inbound.text[:MAX_TEXT]})
    now = service.clock()
    verdict = await service.throttle.take(f"{inbound.channel}:{inbound.user_id}", now)
    if verdict is Verdict.DROP:
        return []
    try:
        judged = await prejudge.judge_ahead(
            inbound, service.dialogs, service.classifier, service.offload, service.similar
        )
        classifier = prejudge.Prejudged(service.classifier, judged)
        # A turn that lost to another transaction (PostgreSQL) was rolled back whole: run again.
        turn, queued = await retried(
            f"update {inbound.update_id} from chat {inbound.chat_id}",
            lambda: _turn(inbound, service, classifier, verdict, now),
        )
        if turn is None:
            return []
        if turn.deferred is not None:
            case_id = turn.deferred_case
            queued += await _run_deferred(turn.deferred, turn.person, service, now, case_id)
        for job in turn.files:
            queued += await _send_file(job, service, now)
        return queued
    except Exception:
        log.exception("failed to handle update %s from chat %s", inbound.update_id, inbound.chat_id)
        return await _apologise(inbound, service, now)


async def _turn(
    inbound: Inbound, service: Wiring, classifier: Classifier, verdict: Verdict, now: datetime
) -> tuple[Turn | None, list[int]]:
    """The turn's one unit of work: the turn and the outbox ids it committed (None for an
    update handled before)."""
    async with service.open_unit() as uow:
        if isinstance(uow, Lookahead):
            uow.expect_turn(inbound.channel, inbound.user_id, inbound.chat_id)
        if inbound.update_id is not None and not await uow.updates.first_time(
            inbound.channel, inbound.update_id, now
        ):
            return None, []
        person = await identify(uow, inbound, now)
        turn = Turn(uow, service.district, classifier, now, person, inbound, menus)
        turn.similar = service.similar
        if verdict is Verdict.WARN:
            await turn.answer(turn.t("slow_down"), alert=True)
            if inbound.callback_id is None:
                await turn.reply(turn.t("slow_down"))
        elif inbound.private:
            stored = await uow.dialogs.get(inbound.channel, inbound.chat_id)
            state = states.load(stored)
            await dispatch(turn, state)
            await turn.answer()
            await uow.dialogs.save(states.dump(state, inbound.channel, inbound.chat_id), now)
        elif inbound.command is not None:
            pointer = Outbound(
                channel=inbound.channel, chat_id=inbound.chat_id, text=turn.t("private_only")
            )
            await queue(uow, pointer, now, turn.locale)
        await uow.commit()
        return turn, list(uow.queued)


async def _run_deferred(
    work: Deferred, person: Person, service: Wiring, now: datetime, case_id: int | None = None
) -> list[int]:
    """Read-side work of a committed turn, its answer queued in a second short transaction."""
    replies = await work(service.views)
    async with service.open_unit() as uow:
        for text, buttons in replies:
            rows = tuple(tuple(row) for row in buttons)
            await notify(uow, person, text, now, buttons=rows, case_id=case_id)
        await uow.commit()
        return list(uow.queued)


async def _send_file(job: FileJob, service: Wiring, now: datetime) -> list[int]:
    """Build a committed turn's file away from the writer and queue it as a document; a file
    that cannot be built is answered with why."""
    person, locale = job.person, job.person.locale
    caption, document = job.caption, None
    try:
        if service.files is None:
            raise FileRefused("files_unavailable")
        content = await job.build(service.files)
        document = Attachment(filename=job.filename, mime=job.mime, content=content)
    except FileRefused as refusal:
        caption = t(locale, refusal.key, **refusal.values)
    except Exception:
        log.exception("failed to build %s for person %s", job.filename, person.id)
        caption = t(locale, "internal_error")
    async with service.open_unit() as uow:
        await notify(uow, person, caption, now, document=document)
        await uow.commit()
        return list(uow.queued)


async def _apologise(inbound: Inbound, service: Wiring, now: datetime) -> list[int]:
    """After a failure: record the update as handled and say sorry, changing nothing else."""
    async with service.open_unit() as uow:
        if inbound.update_id is not None:
            await uow.updates.first_time(inbound.channel, inbound.update_id, now)
        person = await identify(uow, inbound, now)
        turn = Turn(uow, service.district, service.classifier, now, person, inbound, menus)
        await turn.answer(turn.t("internal_error"), alert=True)
        if inbound.callback_id is None:
            await turn.reply(turn.t("internal_error"))
        await uow.commit()
        return list(uow.queued)
