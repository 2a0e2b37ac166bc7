"""The outbox's transport to members and coordinators in the WeCom app.

Invariants (what a newcomer can break):
- A message with buttons goes out as a `button_interaction` template card whose button keys are
  the callback data; its task id is made of the message's key and a nonce that is returned as
  the row's message id, so that an edit of the key finds the card again.
- Every response code WeCom hands out for a card (on sending it, on a press) is kept; an edit
  updates the card with it (update_template_card, once per code): new buttons make a new card,
  none grey the buttons out under a short label. A card without a usable code gets the edit's
  text as a new message, so what changed is still said.
- A file (a report, a ledger, a chart) is uploaded as temporary media and sent as a file
  message, its caption after it as text.
- A resident's photos and voice messages the bot keeps are sent as image and voice messages,
  seen and heard in the app; one the platform refuses is shown as a link to the bot's file
  address (`file_url`), a place as a map link; a button's answer goes out as text only when it
  is an alert (a refusal); command menus have no meaning in the app.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from core.messages import Kind, Outbound
from core.texts import t
from handlers.delivery import Rejected
from handlers.wx import files
from handlers.wx.plain import cut_chars, html_to_plain, one_line
from handlers.wx.wecom_api import WeComClient
from handlers.wx.wecom_render import (
    BUTTON_CHARS,
    CARD_BUTTONS,
    render_card,
    render_wecom,
    task_id_for,
)
from storage.wx_state import WxState

log = logging.getLogger(__name__)

FileUrl = Callable[[str], str | None]
# What WeCom takes as image and voice messages: JPG or PNG, and AMR.
MEDIA_SUFFIX = {"image/jpeg": ".jpg", "image/png": ".png", "audio/amr": ".amr"}
MEDIA_KIND = {".jpg": "image", ".png": "image", ".amr": "voice"}
_nonces = itertools.count()


def nonce() -> int:
    """A number no other card of this app has had: microseconds, and a counter."""
    return int(time.time() * 1_000_000) * 1000 + next(_nonces) % 1000


def attachments(
    message: Outbound, file_url: FileUrl, sent: set[str] | frozenset[str] = frozenset()
) -> str:
    """Photos (but those already sent as media) and a place as text lines a member can open."""
    lines = []
    for ref in message.photos:
        if ref in sent:
            continue
        url = file_url(ref)
        lines.append(f"📷 {url}" if url else f"📷 {t('zh', 'media_file')}")
    if message.location is not None:
        lat, lon = message.location
        lines.append(
            f"📍 {t('zh', 'media_place')} https://uri.amap.com/marker?position={lon},{lat}"
        )
    return "\n".join(lines)


class WeComTransport:
    """Delivers outbox rows to people in the WeCom app."""

    def __init__(
        self,
        client: WeComClient,
        state: WxState,
        clock: Callable[[], datetime],
        file_url: FileUrl = lambda ref: None,
    ) -> None:
        self.client, self.state, self.clock, self.file_url = client, state, clock, file_url

    async def deliver(self, message: Outbound, edit_message_id: int | None) -> int | None:
        """Deliver one row, or raise the sender's error; returns the card's nonce."""
        user = message.chat_id
        if message.kind == Kind.COMMANDS:
            return None
        if message.kind == Kind.ANSWER:
            if message.alert and message.text:
                await self._text(user, message.text)
            return None
        if message.kind == Kind.EDIT:
            await self._edit(message, edit_message_id)
            return None
        if message.document is not None:
            document = message.document
            media_id = await self.client.upload_file(
                document.filename, document.mime, document.content
            )
            await self.client.send_file(user, media_id)
        number = nonce()
        task = task_id_for(message.key or "card", number)
        extra = attachments(message, self.file_url, await self._kept_media(message))
        if extra:
            await self._text(user, extra)
        if not message.text and not message.buttons:
            return None
        if len([b for row in message.buttons for b in row]) > CARD_BUTTONS:
            await self._numbered(message)
            return None
        try:
            payloads = render_wecom(user, message, task)
        except ValueError as e:
            raise Rejected(f"cannot be shown in WeCom: {e}") from e
        for payload in payloads:
            sent = await self.client.send(payload)
            if payload.get("msgtype") == "template_card" and sent.response_code:
                await self.state.save_code(task, user, sent.response_code, self.clock())
        return number if message.key else None

    async def _kept_media(self, message: Outbound) -> set[str]:
        """Send the kept photos and voice messages among the message's as image and voice
        messages, which members see and hear in the app; returns the refs sent. One the
        platform refuses (too large, a voice not in AMR) is left to be shown as a link."""
        sent: set[str] = set()
        for ref in message.photos:
            number = ref.removeprefix(files.PREFIX)
            if not ref.startswith(files.PREFIX) or not number.isdigit():
                continue
            stored = await self.state.file(int(number))
            suffix = MEDIA_SUFFIX.get(stored.content_type) if stored is not None else None
            if stored is None or suffix is None or stored.kind != MEDIA_KIND[suffix]:
                continue
            try:
                media_id = await self.client.upload_file(
                    f"{stored.kind}{stored.id}{suffix}",
                    stored.content_type,
                    stored.content,
                    stored.kind,
                )
                await self.client.send_file(message.chat_id, media_id, stored.kind)
            except Rejected as e:
                log.info("wecom: kept %s %s sent as a link instead (%s)", stored.kind, ref, e)
                continue
            sent.add(ref)
        return sent

    async def _numbered(self, message: Outbound) -> None:
        """More choices than a card holds: a text with numbered choices, answered by typing the
        number or the label (remembered as the chat's last choices)."""
        items = [(b.data, one_line(html_to_plain(b.text))) for row in message.buttons for b in row]
        lines = [f"{n}. {label}" for n, (_, label) in enumerate(items, 1)]
        await self._text(message.chat_id, "\n".join([message.text, "", *lines]))
        await self.state.save_menu("wecom", message.chat_id, items, self.clock())

    async def _text(self, user: str, text: str) -> None:
        message = Outbound(channel="wecom", chat_id=user, text=text)
        for payload in render_wecom(user, message, "unused"):
            await self.client.send(payload)

    async def _edit(self, message: Outbound, edit_id: int | None) -> None:
        """Update the card sent under the edit's key, or say the new text anew."""
        if edit_id is None or message.edit_key is None:
            return
        task = task_id_for(message.edit_key, edit_id)
        code = await self.state.code_of(task)
        if code is not None:
            try:
                await self._update(message, task, code)
            except Rejected as e:  # the code was used or is too old: say it anew
                log.info("wecom card %s could not be updated (%s)", task, e)
                await self.state.code_used(task, code)
            else:
                await self.state.code_used(task, code)
                return
        if message.text:
            await self._text(message.chat_id, message.text)

    async def _update(self, message: Outbound, task: str, code: str) -> None:
        user = message.chat_id
        if message.buttons:
            card: dict[str, Any] = render_card(message, task)
            await self.client.update_card([user], code, card=card)
            return
        last = html_to_plain(message.text).strip().rsplit("\n", 1)[-1]
        label = cut_chars(one_line(last), BUTTON_CHARS) or "✓"
        await self.client.update_card([user], code, replace_name=label)
