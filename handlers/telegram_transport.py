"""Outbox messages to Bot API calls, and the Bot API's errors to the sender's terms.

The calls go out as plain JSON through the bot's aiohttp request (`AiohttpRequest.call`), and
their answers come back as plain JSON: the sender needs a message id and nothing else, and PTB's
objects for the parameters and for each answer cost more CPU than the HTTP call itself.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)

from core.messages import Kind, Outbound
from handlers.aiohttp_request import AiohttpRequest
from handlers.delivery import Rejected, RetryLater, Unreachable
from handlers.supervision import TokenRefused

NO_PREVIEW = {"is_disabled": True}
GONE = ("chat not found", "user is deactivated", "bot was blocked", "have no rights")


def reply_markup(message: Outbound) -> dict[str, Any] | None:
    """The Telegram keyboard of a message, if it has one, as the Bot API's JSON."""
    if message.buttons:
        return {
            "inline_keyboard": [
                [{"text": b.text, "callback_data": b.data} for b in row] for row in message.buttons
            ]
        }
    if message.keyboard:
        rows = [
            [
                {"text": b.text, "request_contact": True} if b.request_contact else {"text": b.text}
                for b in row
            ]
            for row in message.keyboard
        ]
        return {"keyboard": rows, "resize_keyboard": True, "one_time_keyboard": True}
    if message.remove_keyboard:
        return {"remove_keyboard": True}
    return None


def seconds(value: int | timedelta) -> float:
    """A Bot API duration (an int, or a timedelta with PTB_TIMEDELTA) in seconds."""
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramTransport:
    """Delivers outbox messages through the Bot API of a python-telegram-bot `Bot` whose
    request is an `AiohttpRequest`."""

    def __init__(self, bot: Bot) -> None:
        request = bot.request
        if not isinstance(request, AiohttpRequest):
            raise TypeError("the transport needs a bot whose request is an AiohttpRequest")
        self.request = request
        self.base_url = bot.base_url

    async def deliver(self, message: Outbound, edit_message_id: int | None) -> int | None:
        """Make the one Bot API call the message stands for."""
        try:
            return await self._call(message, edit_message_id)
        except RetryAfter as e:
            raise RetryLater(e.message, seconds(e.retry_after)) from e
        except InvalidToken:
            raise TokenRefused() from None  # its text may hold the token: never shown
        except Forbidden as e:
            raise Unreachable(e.message) from e
        except ChatMigrated as e:
            raise Rejected(e.message) from e
        except BadRequest as e:
            text = e.message.lower()
            if "message is not modified" in text:
                return edit_message_id
            if any(reason in text for reason in GONE):
                raise Unreachable(e.message) from e
            raise Rejected(e.message) from e
        except NetworkError as e:  # includes TimedOut
            raise RetryLater(e.message) from e

    async def _api(self, method: str, **params: Any) -> Any:
        return await self.request.call(f"{self.base_url}/{method}", params)

    async def _call(self, message: Outbound, edit_message_id: int | None) -> int | None:
        chat = int(message.chat_id)
        if message.kind == Kind.ANSWER:
            await self._api(
                "answerCallbackQuery",
                callback_query_id=message.callback_id or "",
                text=message.text[:200] or None,
                show_alert=message.alert,
            )
            return None
        if message.kind == Kind.COMMANDS:
            commands = [
                {"command": name, "description": desc[:256]} for name, desc in message.commands
            ]
            scope = {"type": "chat", "chat_id": chat}
            await self._api("setMyCommands", commands=commands, scope=scope)
            return None
        if message.kind == Kind.EDIT and not message.text:  # the buttons alone, taken off
            markup = reply_markup(message)
            await self._api(
                "editMessageReplyMarkup",
                chat_id=chat,
                message_id=edit_message_id,
                reply_markup=markup if markup and "inline_keyboard" in markup else None,
            )
            return edit_message_id
        if message.kind == Kind.EDIT:
            markup = reply_markup(message)
            edited = await self._api(
                "editMessageText",
                chat_id=chat,
                message_id=edit_message_id,
                text=message.text,
                parse_mode="HTML",
                reply_markup=markup if markup and "inline_keyboard" in markup else None,
                link_preview_options=NO_PREVIEW,
            )
            return edit_message_id if isinstance(edited, bool) else int(edited["message_id"])
        if message.location is not None:
            latitude, longitude = message.location
            pin = await self._api(
                "sendLocation", chat_id=chat, latitude=latitude, longitude=longitude
            )
            return int(pin["message_id"])
        caption = {"caption": message.text, "parse_mode": "HTML"} if message.text else {}
        if message.document is not None:
            file = message.document
            params = {"chat_id": chat, **caption, "reply_markup": reply_markup(message)}
            url = f"{self.base_url}/sendDocument"
            sent = await self.request.upload(
                url, params, "document", file.filename, file.mime, file.content
            )
            return int(sent["message_id"])
        if message.photos and len(message.photos) == 1:
            sent = await self._api("sendPhoto", chat_id=chat, photo=message.photos[0], **caption)
            return int(sent["message_id"])
        if message.photos:
            first, *rest = message.photos[:10]
            media = [{"type": "photo", "media": first, **caption}]
            media += [{"type": "photo", "media": photo} for photo in rest]
            group = await self._api("sendMediaGroup", chat_id=chat, media=media)
            return int(group[-1]["message_id"])
        sent = await self._api(
            "sendMessage",
            chat_id=chat,
            text=message.text,
            parse_mode="HTML",
            reply_markup=reply_markup(message),
            link_preview_options=NO_PREVIEW,
        )
        return int(sent["message_id"])
