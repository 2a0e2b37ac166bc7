"""A resident's right to be forgotten, and the retention period for closed cases."""

from __future__ import annotations

from datetime import datetime, timedelta

from core import callbacks
from core.callbacks import Callback, Scope
from core.cases import access
from core.cases.lifecycle import Refused
from core.context import Turn
from core.messages import Button
from core.ports import UnitOfWorkFactory
from core.states import Conversation


async def forget_me(turn: Turn, state: Conversation) -> None:
    """/forgetme: explain what will be erased and ask to confirm."""
    if not access.may_forget(turn.person):
        raise Refused("forget_staff")
    buttons = [
        [
            Button(text=turn.t("btn_forget_confirm"), data=callbacks.pack(Scope.PRIVACY, "forget")),
            Button(text=turn.t("btn_cancel"), data=callbacks.pack(Scope.PRIVACY, "keep")),
        ]
    ]
    await turn.reply(turn.t("forget_explain"), buttons=buttons)


async def on_button(turn: Turn, state: Conversation, cb: Callback) -> None:
    """The answer to /forgetme."""
    if cb.action == "keep":
        await turn.answer(turn.t("cancelled_toast"))
        return
    if cb.action != "forget" or not access.may_forget(turn.person):
        raise Refused("button_stale")
    count = await turn.uow.erasure.forget(turn.person.id, turn.now)
    state.end()
    # The farewell rows are deleted once delivered, so the chat id does not outlive them.
    await turn.answer()
    await turn.reply(turn.t("forget_done", count=count), remove_keyboard=True, forget_after=True)


async def purge(open_unit: UnitOfWorkFactory, now: datetime, older_than_days: int) -> int:
    """Erase name, contact and chat identity from cases closed longer ago than the period."""
    async with open_unit() as uow:
        count = await uow.erasure.purge(now - timedelta(days=older_than_days), now)
        await uow.commit()
    return count
