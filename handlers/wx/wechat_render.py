"""Outbound messages as Official Account payloads: customer-service text and msgmenu, and the
template message of the notification template (WECHAT.md).

A msgmenu item's id is the button's callback data itself (at most 64 bytes, the scheme of
core.callbacks): the platform echoes it back as `bizmsgmenuid` on a tap, and core parses and checks
it as it does Telegram's button data, so no table is needed. Text is plain (no HTML), cut into
parts of at most 2048 bytes at line ends; the buttons go in a msgmenu whose head is the last part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from core.messages import Outbound
from handlers.wx.plain import cut_chars, html_to_plain, one_line, split_bytes

TEXT_LIMIT = 2048  # bytes of a text (WeCom's documented limit, kept for the Official Account too)
MENU_ITEMS = 10  # items of one msgmenu
MENU_ID_BYTES = 64
_TEMPLATE_KEY = re.compile(r"\{\{(\w+?)\.DATA\}\}")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def menu_items(message: Outbound) -> list[tuple[str, str]]:
    """The message's buttons, row by row, as msgmenu items (id = callback data, label)."""
    items = [(b.data, one_line(html_to_plain(b.text))) for row in message.buttons for b in row]
    for item_id, _ in items:
        if not item_id or len(item_id.encode()) > MENU_ID_BYTES:
            raise ValueError(f"callback data does not fit a msgmenu id: {item_id!r}")
    if len({i for i, _ in items}) != len(items):
        raise ValueError("two buttons of one message carry the same callback data")
    return items


def render_custom(open_id: str, message: Outbound) -> list[dict[str, Any]]:
    """Customer-service payloads for one outbound message: text parts, then msgmenus if any."""
    parts = split_bytes(html_to_plain(message.text).strip(), TEXT_LIMIT)
    items = menu_items(message)
    if not items:
        return [_text(open_id, part) for part in parts if part]
    payloads = [_text(open_id, part) for part in parts[:-1] if part]
    head = parts[-1]
    for start in range(0, len(items), MENU_ITEMS):
        chunk = items[start : start + MENU_ITEMS]
        menu = {
            "head_content": head,
            "list": [{"id": item_id, "content": label} for item_id, label in chunk],
            "tail_content": "",
        }
        payloads.append({"touser": open_id, "msgtype": "msgmenu", "msgmenu": menu})
        head = ""
    return payloads


def _text(open_id: str, content: str) -> dict[str, Any]:
    return {"touser": open_id, "msgtype": "text", "text": {"content": content}}


@dataclass(frozen=True, slots=True)
class TemplateKeys:
    """The notification template's field keys (settable for an account whose template differs)."""

    number: str = "character_string1"
    concern: str = "thing2"
    progress: str = "phrase3"
    time: str = "time4"

    def all(self) -> tuple[str, ...]:
        """Every key the bot fills."""
        return (self.number, self.concern, self.progress, self.time)


def missing_template_keys(
    templates: list[dict[str, Any]], template_id: str, keys: TemplateKeys
) -> list[str] | None:
    """Keys the bot fills that the template lacks; None if the template is not on the account."""
    for template in templates:
        if template.get("template_id") == template_id:
            present = set(_TEMPLATE_KEY.findall(str(template.get("content", ""))))
            return [key for key in keys.all() if key not in present]
    return None


def render_template(
    open_id: str,
    template_id: str,
    *,
    case_number: str,
    concern: str,
    progress: str,
    updated: datetime,
    zone: tzinfo,
    keys: TemplateKeys | None = None,
    url: str | None = None,
) -> dict[str, Any]:
    """The template message: each value made to fit its field type's rule.

    case_number: ASCII letters, digits and signs, 32 at most; concern: plain, one line, 20
    characters at most (cut with an ellipsis); progress: 1-5 Chinese characters (ValueError
    otherwise: it comes from the catalogue); time: the district's local time to the minute.
    """
    keys = keys or TemplateKeys()
    number = "".join(c for c in case_number if c.isascii() and c.isprintable() and c != " ")[:32]
    thing = cut_chars(one_line(html_to_plain(concern)), 20) or "-"
    if not 0 < len(progress) <= 5 or len(_CJK.findall(progress)) != len(progress):
        raise ValueError(f"progress must be 1-5 Chinese characters: {progress!r}")
    values = {
        keys.number: number or "-",
        keys.concern: thing,
        keys.progress: progress,
        keys.time: updated.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
    }
    payload: dict[str, Any] = {
        "touser": open_id,
        "template_id": template_id,
        "data": {key: {"value": value} for key, value in values.items()},
    }
    if url:
        payload["url"] = url
    return payload
