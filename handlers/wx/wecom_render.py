"""Outbound messages as WeCom payloads: a `button_interaction` template card when there are
buttons, text (or markdown) otherwise.

A button's key is its callback data itself (WeCom allows 1024 bytes; core's data is at most 64), so
a press's EventKey goes to core as button data. A card's task_id must be unique in the app and use
only [0-9A-Za-z_-@], at most 128 bytes: `task_id_for` builds one from a name (the outbound key) and
a nonce that is unique per delivery (the outbox row id), so a retried row reuses its task id.
"""

from __future__ import annotations

import re
from typing import Any

from core.messages import Outbound
from handlers.wx.plain import cut_chars, html_to_plain, one_line, split_bytes

TEXT_LIMIT = 2048  # bytes of a text or markdown message
CARD_BUTTONS = 6
KEY_BYTES = 1024
TITLE_CHARS = 36  # main_title.title, as the documentation recommends
SUBTITLE_CHARS = 160  # sub_title_text
BUTTON_CHARS = 10
KEYNAME_CHARS = 5  # horizontal_content_list keyname
VALUE_CHARS = 30  # ... and value
DETAILS = 6
_TASK_UNSAFE = re.compile(r"[^0-9A-Za-z_\-@]")


def task_id_for(name: str, nonce: str | int) -> str:
    """A task id from a name and a per-delivery nonce: allowed characters, 128 bytes at most."""
    tail = "-" + _TASK_UNSAFE.sub("-", str(nonce))
    head = _TASK_UNSAFE.sub("-", name)[: 128 - len(tail)] or "card"
    return head + tail


def render_text(user_id: str, message: Outbound) -> list[dict[str, Any]]:
    """Plain text payloads, in parts of at most 2048 bytes."""
    parts = split_bytes(html_to_plain(message.text).strip(), TEXT_LIMIT)
    return [_payload(user_id, "text", {"content": part}) for part in parts if part]


def render_markdown(user_id: str, message: Outbound) -> list[dict[str, Any]]:
    """Markdown payloads: <b> becomes **bold**, other tags plain, in parts of 2048 bytes."""
    marked = re.sub(r"</?b>", "**", message.text)
    parts = split_bytes(html_to_plain(marked).strip(), TEXT_LIMIT)
    return [_payload(user_id, "markdown", {"content": part}) for part in parts if part]


def render_card(
    message: Outbound, task_id: str, details: list[tuple[str, str]] | None = None
) -> dict[str, Any]:
    """The `template_card` object: first line as title, the rest as subtitle, buttons as keys."""
    buttons = [b for row in message.buttons for b in row]
    if not 0 < len(buttons) <= CARD_BUTTONS:
        raise ValueError(f"a card has 1-{CARD_BUTTONS} buttons, not {len(buttons)}")
    keys = [b.data for b in buttons]
    if len(set(keys)) != len(keys) or any(not k or len(k.encode()) > KEY_BYTES for k in keys):
        raise ValueError("button keys must be unique, non-empty and at most 1024 bytes")
    title, _, rest = html_to_plain(message.text).strip().partition("\n")
    card: dict[str, Any] = {
        "card_type": "button_interaction",
        "main_title": {"title": cut_chars(one_line(title), TITLE_CHARS) or "-"},
        "task_id": task_id,
        "button_list": [
            {
                "text": cut_chars(one_line(html_to_plain(b.text)), BUTTON_CHARS),
                "style": 1,
                "key": b.data,
            }
            for b in buttons
        ],
    }
    subtitle = rest.strip()
    if subtitle:
        card["sub_title_text"] = cut_chars(subtitle, SUBTITLE_CHARS)
    if details:
        card["horizontal_content_list"] = [
            {"keyname": cut_chars(k, KEYNAME_CHARS, ""), "value": cut_chars(v, VALUE_CHARS)}
            for k, v in details[:DETAILS]
        ]
    return card


def card_fits(message: Outbound) -> bool:
    """Whether the card shows the whole text (else the full text goes out first as text)."""
    title, _, rest = html_to_plain(message.text).strip().partition("\n")
    return len(one_line(title)) <= TITLE_CHARS and len(rest.strip()) <= SUBTITLE_CHARS


def render_wecom(
    user_id: str, message: Outbound, task_id: str, details: list[tuple[str, str]] | None = None
) -> list[dict[str, Any]]:
    """Payloads for one outbound message: a card (preceded by the full text if it would be cut)
    when it has buttons, text otherwise."""
    if not message.buttons:
        return render_text(user_id, message)
    card = _payload(user_id, "template_card", render_card(message, task_id, details))
    return [card] if card_fits(message) else [*render_text(user_id, message), card]


def _payload(user_id: str, msgtype: str, part: dict[str, Any]) -> dict[str, Any]:
    return {"touser": user_id, "msgtype": msgtype, msgtype: part}
