"""Commands every role has: the greeting, help, a new concern, cancelling a step, one's own cases,
a case's timeline, and /reply to the other side of a case."""

from __future__ import annotations

from core import callbacks
from core.callbacks import Scope
from core.cases import access, cards, casework, timelines
from core.cases.lifecycle import Refused
from core.context import Turn
from core.conversation import intake
from core.messages import Button
from core.models import Case
from core.staff import invitations, referral
from core.states import Conversation, Message, Step, Talk

MY_LIMIT = 20


async def start(turn: Turn, state: Conversation) -> None:
    """Greet and say what to do; a deep-link code is an invitation to join a tank."""
    code = turn.inbound.args.strip()
    if code:
        outcome = await invitations.accept(turn.uow, turn.person, code, turn.now)
        if outcome == "invite_welcome":  # one welcome: what a member receives and how to act
            await turn.send_menu(turn.person)
            tank = turn.district.tank_name(turn.person.tank, turn.locale)
            await turn.reply(turn.t(outcome, tank=tank))
            return
        await turn.reply(turn.t(outcome))
    key = f"start_{turn.person.role.value}"
    name = turn.person.name
    await turn.reply(
        turn.t(key, name=(f" {name}" if turn.locale == "en" else name) if name else "")
    )
    if state.step.conversation is Talk.INTAKE:
        stop = Button(
            text=turn.t("btn_cancel"),
            data=callbacks.pack(Scope.INTAKE, "cancel", state.draft.id),
        )
        await turn.reply(turn.t("draft_open"), buttons=[[stop]])


async def show_help(turn: Turn, state: Conversation) -> None:
    """List the caller's commands."""
    await turn.reply(turn.menus.help_text(turn.person.role, turn.locale))


async def new_concern(turn: Turn, state: Conversation) -> None:
    """Start a new concern, dropping an unsent draft."""
    if state.step.conversation is Talk.INTAKE and state.draft.text:
        await turn.reply(turn.t("draft_dropped"))
    await intake.begin(turn, state, turn.inbound.args.strip())


async def cancel(turn: Turn, state: Conversation) -> None:
    """Leave whatever conversation is going on."""
    if state.idle:
        await turn.reply(turn.t("nothing_to_cancel"), remove_keyboard=True)
    elif state.step.conversation is Talk.INTAKE:
        await intake.cancel(turn, state)
    else:
        state.end()
        await turn.reply(turn.t("step_cancelled"), remove_keyboard=True)


async def my_cases(turn: Turn, state: Conversation) -> None:
    """List the caller's own cases, newest first."""
    cases = await turn.uow.cases.for_resident(turn.person.id, MY_LIMIT)
    if not cases:
        await turn.reply(turn.t("my_none"))
        return
    lines = [cards.case_line(turn.locale, turn.district, c) for c in cases]
    await turn.reply(turn.t("my_header", count=len(cases)) + "\n" + "\n".join(lines))


async def load_visible_case(turn: Turn, text: str) -> Case | None:
    """The case a caller names, if it exists and they may see it; otherwise they are told."""
    number = casework.parse_case_number(text)
    if number is None:
        await turn.reply(turn.t("case_usage"))
        return None
    case = await turn.uow.cases.get(number)
    if case is None or not access.can_view(turn.person, case):
        await turn.reply(turn.t("case_not_found", ref=f"#{number}"))
        return None
    return case


async def show_case(turn: Turn, state: Conversation) -> None:
    """Show one case with its timeline, to whoever may see it (read after the turn)."""
    case = await load_visible_case(turn, turn.inbound.args)
    if case is None:
        return
    timelines.show(turn, case)


async def reply(turn: Turn, state: Conversation) -> None:
    """/reply <number> <text>: a message to the other side of a case."""
    number, text = casework.split_number(turn.inbound.args)
    if number is None:
        raise Refused("reply_usage")
    case = await casework.load(turn, number)
    if access.may_answer_in_triage(turn.person, case):
        await referral.reply_in_triage(turn, state, case, text)
        return
    if not text:
        state.begin(Step.WRITE_MESSAGE, Message(case=case.id))
        await turn.reply(
            turn.t("compose_message", ref=case.ref), buttons=casework.stop_buttons(turn, case)
        )
        return
    await casework.send_message(turn, case, text[: casework.MAX_MESSAGE])
