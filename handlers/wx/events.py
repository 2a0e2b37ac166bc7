"""WeChat and WeCom callback records as core's inbound events. Nothing here decides anything.

A msgmenu tap's `bizmsgmenuid` and a card press's `EventKey` are button data of core's one
scheme, passed on as they are (core parses and checks them). A typed answer to the choices a
chat was last offered works too: the item's number ("1") or its label. A custom-menu click's key
is a command's name; a typed "/name args" is a command, as on Telegram; a WeCom member typing an
invitation code opens it, as a deep link does on Telegram.
"""

from __future__ import annotations

import re
from typing import Any

from core.messages import Inbound
from handlers.wx.plain import one_line
from handlers.wx.wechat_inbound import (
    WeChatEvent,
    WeChatImage,
    WeChatLocation,
    WeChatMessage,
    WeChatText,
    WeChatVoice,
)
from handlers.wx.wecom_inbound import (
    WeComCardEvent,
    WeComEvent,
    WeComImage,
    WeComLocation,
    WeComMessage,
    WeComText,
)

Choices = list[tuple[str, str]]
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,64})(?:\s+(.*))?$", re.DOTALL)
_INVITE = re.compile(r"^[A-Za-z0-9_-]{16}$")
_DECORATION = re.compile(r"^[^\w\u4e00-\u9fff]+")
MENU_COMMANDS = ("new", "my", "help")
KEYBOARD = "kb:"  # a msgmenu item standing for its label typed (a reply keyboard's)


def opens(message: WeChatMessage) -> str | None:
    """What window a resident's callback opens: a message 48 hours ('message'), a tap, click or
    subscription one minute ('tap'), other events none."""
    if isinstance(message, WeChatText) and message.menu_id:
        return "tap"
    if isinstance(message, WeChatEvent):
        return "tap" if message.event in ("click", "subscribe") else None
    return "message"


def _command(text: str) -> tuple[str, str] | None:
    match = _COMMAND.match(text.strip())
    if match is None:
        return None
    return match.group(1).lower(), (match.group(2) or "").strip()


def _choice(text: str, choices: Choices) -> str | None:
    """The button data a typed answer picks from the choices offered, if it picks one."""
    typed = one_line(text)
    if typed.isdigit() and 1 <= int(typed) <= len(choices):
        return choices[int(typed) - 1][0]
    bare = _DECORATION.sub("", typed)
    for data, label in choices:
        if typed == label or (bare and bare == _DECORATION.sub("", label)):
            return data
    return None


def _base(channel: str, user_id: str, update_id: int) -> dict[str, Any]:
    return {"channel": channel, "update_id": update_id, "user_id": user_id, "chat_id": user_id}


def _typed(base: dict[str, Any], text: str, choices: Choices, msg_id: str | None) -> Inbound:
    command = _command(text)
    if command is not None:
        return Inbound(**base, command=command[0], args=command[1])
    data = _choice(text, choices)
    if data is not None and data.startswith(KEYBOARD):  # a reply keyboard's: its label typed
        return Inbound(**base, text=data[len(KEYBOARD) :])
    if data is not None:
        return Inbound(**base, callback_id=f"typed:{msg_id}", callback_data=data)
    return Inbound(**base, text=text)


def wechat_event(
    message: WeChatMessage, update_id: int, choices: Choices, file_ref: str | None
) -> Inbound | None:
    """The inbound event of a resident's callback (file_ref: the kept photo or voice); None for
    what the bot does not act on."""
    base = _base("wechat", message.open_id, update_id)
    if isinstance(message, WeChatText):
        if message.menu_id and message.menu_id.startswith(KEYBOARD):
            return Inbound(**base, text=message.menu_id[len(KEYBOARD) :])
        if message.menu_id:
            return Inbound(
                **base, callback_id=f"menu:{message.msg_id}", callback_data=message.menu_id
            )
        return _typed(base, message.content, choices, message.msg_id)
    if isinstance(message, WeChatImage | WeChatVoice):
        if file_ref is None:
            return Inbound(**base, unsupported="other")
        voice = isinstance(message, WeChatVoice)
        text = message.recognition if isinstance(message, WeChatVoice) else None
        return Inbound(**base, photos=(file_ref,), text=text or None, voice=voice)
    if isinstance(message, WeChatLocation):
        return Inbound(**base, location=(message.latitude, message.longitude))
    if isinstance(message, WeChatEvent):
        if message.event == "subscribe":
            return Inbound(**base, command="start")
        if message.event == "click" and message.event_key in MENU_COMMANDS:
            return Inbound(**base, command=message.event_key)
        return None
    return Inbound(**base, unsupported="other")


def wecom_event(
    message: WeComMessage, update_id: int, choices: Choices, file_ref: str | None
) -> Inbound | None:
    """The inbound event of a member's callback; None for what the bot does not act on."""
    base = _base("wecom", message.user_id, update_id)
    if isinstance(message, WeComCardEvent):
        return Inbound(
            **base, callback_id=f"card:{message.task_id}", callback_data=message.event_key
        )
    if isinstance(message, WeComText):
        text = message.content.strip()
        if _INVITE.match(text):
            return Inbound(**base, command="start", args=text)
        return _typed(base, message.content, choices, message.msg_id)
    if isinstance(message, WeComImage):
        return (
            Inbound(**base, photos=(file_ref,))
            if file_ref
            else Inbound(**base, unsupported="other")
        )
    if isinstance(message, WeComLocation):
        return Inbound(**base, location=(message.latitude, message.longitude))
    if isinstance(message, WeComEvent):
        if message.event == "click" and message.event_key:
            return Inbound(**base, command=message.event_key[:64])
        return None
    return Inbound(**base, unsupported="other")
