"""Outbox messages to Bot API calls, and the Bot API's errors to the sender's terms."""

from __future__ import annotations

from datetime import timedelta

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    KeyboardButton,
    LinkPreviewOptions,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)

from core.messages import Kind, Outbound
from handlers.delivery import Rejected, RetryLater, Unreachable
from handlers.supervision import TokenRefused

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
GONE = ("chat not found", "user is deactivated", "bot was blocked", "have no rights")


def reply_markup(message: Outbound) -> Markup:
    """The Telegram keyboard of a message, if it has one."""
    if message.buttons:
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(b.text, callback_data=b.data) for b in row]
                for row in message.buttons
            ]
        )
    if message.keyboard:
        rows = [
            [KeyboardButton(b.text, request_contact=b.request_contact or None) for b in row]
            for row in message.keyboard
        ]
        return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)
    if message.remove_keyboard:
        return ReplyKeyboardRemove()
    return None


def seconds(value: int | timedelta) -> float:
    """A Bot API duration (an int, or a timedelta with PTB_TIMEDELTA) in seconds."""
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramTransport:
    """Delivers outbox messages through a python-telegram-bot `Bot`."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

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

    async def _call(self, message: Outbound, edit_message_id: int | None) -> int | None:
        chat = int(message.chat_id)
        if message.kind == Kind.ANSWER:
            await self.bot.answer_callback_query(
                message.callback_id or "", text=message.text[:200] or None, show_alert=message.alert
            )
            return None
        if message.kind == Kind.COMMANDS:
            commands = [BotCommand(name, desc[:256]) for name, desc in message.commands]
            await self.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat))
            return None
        if message.kind == Kind.EDIT and not message.text:
            markup = reply_markup(message)
            inline = markup if isinstance(markup, InlineKeyboardMarkup) else None
            await self.bot.edit_message_reply_markup(chat, edit_message_id, reply_markup=inline)
            return edit_message_id
        if message.kind == Kind.EDIT:
            markup = reply_markup(message)
            edited = await self.bot.edit_message_text(
                message.text,
                chat_id=chat,
                message_id=edit_message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
                link_preview_options=NO_PREVIEW,
            )
            return edit_message_id if isinstance(edited, bool) else edited.message_id
        if message.location is not None:
            latitude, longitude = message.location
            pin = await self.bot.send_location(chat, latitude=latitude, longitude=longitude)
            return pin.message_id
        caption = message.text or None
        mode = ParseMode.HTML if caption else None
        if message.photos and len(message.photos) == 1:
            sent = await self.bot.send_photo(
                chat, message.photos[0], caption=caption, parse_mode=mode
            )
            return sent.message_id
        if message.photos:
            first, *rest = message.photos[:10]
            media = [InputMediaPhoto(first, caption=caption, parse_mode=mode)]
            group = await self.bot.send_media_group(
                chat, media + [InputMediaPhoto(p) for p in rest]
            )
            return group[-1].message_id
        sent = await self.bot.send_message(
            chat,
            message.text,
            parse_mode=ParseMode.HTML,
            reply_markup=reply_markup(message),
            link_preview_options=NO_PREVIEW,
        )
        return sent.message_id
