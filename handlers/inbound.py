"""Telegram updates in, plain inbound events out. Nothing here decides anything."""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType

from core.messages import Inbound

# The first that a message has names it; an animation comes with a document for old clients.
UNSUPPORTED = (
    "sticker",
    "voice",
    "audio",
    "video",
    "video_note",
    "animation",
    "document",
    "poll",
)


def _command(message: Message) -> tuple[str | None, str]:
    text = message.text or ""
    if not text.startswith("/"):
        return None, ""
    head, *rest = text.split(maxsplit=1)  # "/case\n12" is a command with its argument too
    name = head[1:].split("@", 1)[0].lower()
    if not name or not all(c.isascii() and (c.isalnum() or c == "_") for c in name):
        return None, ""
    return name[:64], rest[0].strip() if rest else ""


def _for_another_bot(message: Message, bot_username: str | None) -> bool:
    """True for a command addressed to some other bot, as /help@other_bot in a group."""
    text = message.text or ""
    if not text.startswith("/") or not bot_username:
        return False
    _, at, addressee = text.split(maxsplit=1)[0].partition("@")
    return bool(at) and addressee.lower() != bot_username.lower()


def _unsupported(message: Message) -> str | None:
    for kind in UNSUPPORTED:
        if getattr(message, kind, None) is not None:
            return kind
    empty = message.text is None and message.caption is None and not message.photo
    if empty and message.contact is None and message.location is None:
        return "other"
    return None


def to_inbound(update: Update, bot_username: str | None = None) -> Inbound | None:
    """The inbound event of an update; None for updates the bot does not act on (including
    commands addressed to another bot, when bot_username is given)."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or user.is_bot:
        return None
    base: dict[str, Any] = {
        "channel": "telegram",
        "update_id": update.update_id,
        "user_id": str(user.id),
        "chat_id": str(chat.id),
        "user_name": user.full_name,
        "username": user.username,
        "language": user.language_code,
        "private": chat.type == ChatType.PRIVATE,
    }
    query = update.callback_query
    if query is not None:
        message = query.message
        return Inbound(
            **base,
            callback_id=query.id,
            callback_data=query.data if isinstance(query.data, str) else None,
            message_id=message.message_id if message else None,
        )
    message = update.message
    if message is None:
        return None
    if _for_another_bot(message, bot_username):
        return None
    command, args = _command(message)
    contact = message.contact
    location = message.location
    reply = message.reply_to_message
    return Inbound(
        **base,
        text=None if command else (message.text or message.caption),
        command=command,
        args=args,
        message_id=message.message_id,
        reply_to_message_id=reply.message_id if reply else None,
        photos=(message.photo[-1].file_id,) if message.photo else (),
        album=message.media_group_id,
        contact_phone=contact.phone_number if contact else None,
        contact_user_id=str(contact.user_id) if contact and contact.user_id else None,
        location=(location.latitude, location.longitude) if location else None,
        unsupported=_unsupported(message),
    )
