"""The outbox's transport to residents on the Official Account.

Invariants (what a newcomer can break):
- A message goes out as customer-service messages only while the resident's window allows as
  many as it needs (handlers.wx.window, counted from the recorded callbacks); what the window
  cannot carry, and every refusal with 45015 or 45047, goes out as the notification template
  instead, naming the case and what changed: a notification is never lost for want of a window.
  A message the template cannot announce (none configured, about no case, or the template
  refused) is only held: it goes out when the resident next writes.
- Each customer-service message sent is counted against its window (wx_quota) after the
  platform took it; a msgmenu's items are remembered, so that typed answers ("1", a label) work.
- Edits and command menus have no meaning on the Official Account (nothing to edit, the custom
  menu is the account's): they are done by doing nothing; a button's answer goes out as text
  only when it is an alert (a refusal) and the window is open.
- One template per case and progress within TEMPLATE_REPEAT: several rows decided together
  outside the window (an answer, then the request to rate) tell the resident once. Each such
  message is held (wx_held) and queued again, in order, when the resident writes and the window
  opens: the answer's words and the rating's choices are not lost, only late.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from core.messages import Button, Kind, Outbound
from core.texts import t
from handlers.delivery import Rejected
from handlers.wx.api_errors import WindowClosed
from handlers.wx.wechat_api import WeChatClient
from handlers.wx.wechat_render import TemplateKeys, menu_items, render_custom, render_template
from handlers.wx.wecom_transport import nonce
from handlers.wx.window import allowances
from storage.db import to_ms
from storage.ingress import IngressStore
from storage.wx_state import CaseBrief, WxState

log = logging.getLogger(__name__)

CHANNEL = "wechat"
KEYBOARD = "kb:"  # a msgmenu item that stands for typing its label
TEMPLATE_REPEAT = 600.0  # seconds
CaseLookup = Callable[[int], Awaitable[CaseBrief | None]]


@dataclass(frozen=True, slots=True)
class TemplateSettings:
    """The notification template: its id and field keys, and the district's time zone."""

    template_id: str
    zone: tzinfo
    keys: TemplateKeys = field(default_factory=TemplateKeys)


def progress_of(case: CaseBrief) -> str:
    """The template's progress phrase for where a case stands (Chinese: the template's)."""
    if case.status in ("triage", "open"):
        key = "open"
    elif case.status == "claimed":
        key = "asked" if case.asked else "answered" if case.answered else "claimed"
    else:
        key = case.status
    return t("zh", f"wx_progress_{key}")


def with_keyboard(message: Outbound) -> Outbound:
    """A reply keyboard's answers as msgmenu items whose tap comes back as the label typed
    (KEYBOARD + label); a button that shares the phone number has no WeChat counterpart."""
    labels = [b.text for row in message.keyboard for b in row if not b.request_contact]
    if not labels:
        return message
    rows = (*message.buttons, tuple(Button(text=label, data=KEYBOARD + label) for label in labels))
    return message.model_copy(update={"buttons": rows, "keyboard": ()})


class WeChatTransport:
    """Delivers outbox rows to residents: customer-service messages or the template."""

    def __init__(
        self,
        client: WeChatClient,
        ingress: IngressStore,
        state: WxState,
        cases: CaseLookup,
        clock: Callable[[], datetime],
        template: TemplateSettings | None,
    ) -> None:
        self.client, self.ingress, self.state, self.cases = client, ingress, state, cases
        self.clock, self.template = clock, template
        self._told: dict[tuple[str, int, str], float] = {}
        self.templates_sent = 0

    async def deliver(self, message: Outbound, edit_message_id: int | None) -> int | None:
        """Deliver one row, or raise the sender's error."""
        if message.kind in (Kind.COMMANDS, Kind.EDIT):
            return None
        if message.kind == Kind.ANSWER:
            if message.alert and message.text:
                await self._custom(message, fallback=False)
            return None
        await self._custom(message, fallback=True)
        # A number for a keyed message, so that its later edits (which WeChat cannot make:
        # buttons taken off a closed case) find it and end as done, not as "nothing to edit".
        return nonce() if message.key else None

    async def _custom(self, message: Outbound, fallback: bool) -> None:
        chat = message.chat_id
        message = with_keyboard(message)
        try:
            payloads = render_custom(chat, message)
            items = menu_items(message)
        except ValueError as e:
            raise Rejected(f"cannot be shown on WeChat: {e}") from e
        if not payloads:
            return
        opened = await self.ingress.opened(chat)
        spend = allowances(opened, to_ms(self.clock()))
        for index, payload in enumerate(payloads):
            if index >= len(spend):
                break
            try:
                await self.client.send_custom(payload)
            except WindowClosed as e:
                log.info("wechat chat %s: %s; the template goes instead", chat, e)
                break
            await self.ingress.spend(chat, *spend[index])
            if payload.get("msgtype") == "msgmenu":
                await self.state.save_menu(CHANNEL, chat, items, self.clock())
        else:
            return
        if fallback:
            await self._template(message)

    async def _template(self, message: Outbound) -> None:
        """The notification template for a message the window cannot carry."""
        case = None if message.case_id is None else await self.cases(message.case_id)
        if self.template is None or case is None:
            why = "no template configured" if self.template is None else "no case to name"
            log.info("wechat chat %s: outside the window, %s; held", message.chat_id, why)
            await self.state.hold(message, self.clock())
            return
        progress = progress_of(case)
        told = (message.chat_id, case.id, progress)
        now = time.monotonic()
        self._told = {k: at for k, at in self._told.items() if now - at < TEMPLATE_REPEAT}
        if told in self._told:
            await self.state.hold(message, self.clock())
            return
        payload: dict[str, Any] = render_template(
            message.chat_id,
            self.template.template_id,
            case_number=f"#{case.id}",
            concern=case.text,
            progress=progress,
            updated=self.clock(),
            zone=self.template.zone,
            keys=self.template.keys,
        )
        try:
            await self.client.send_template(payload)
        except Rejected as e:  # the template refused for good: the message still waits
            log.warning("wechat chat %s: the template was refused (%s); held", told[0], e)
            await self.state.hold(message, self.clock())
            return
        self._told[told] = now
        self.templates_sent += 1
        await self.state.hold(message, self.clock())
