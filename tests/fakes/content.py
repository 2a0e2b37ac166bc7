"""Checks on what the bot sends (text, captions, keyboards) and the Message objects it gets back."""

from __future__ import annotations

import zlib
from typing import Any

from tests.fakes.records import ChatState, SentMessage
from tests.fakes.tg_html import HtmlParseError, parse_html

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_GIFTS = (
    "unlimited_gifts",
    "limited_gifts",
    "unique_gifts",
    "premium_subscription",
    "gifts_from_channels",
)
# getChat answers a ChatFullInfo; PTB 22 requires these fields.
FULL_CHAT_INFO = {
    "accent_color_id": 0,
    "max_reaction_count": 11,
    "accepted_gift_types": dict.fromkeys(_GIFTS, False),
}


class ApiError(Exception):
    """A Bot API error answer: HTTP status, description and optional response parameters."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        """The JSON body Telegram would answer with."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    """A 400 Bad Request with Telegram's prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def as_id(value: Any) -> Any:
    """Ids given as decimal strings (JSON bodies, hand-written calls) mean the number."""
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value


def utf16_length(text: str) -> int:
    """A text's length as Telegram counts it: UTF-16 code units (an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def shown_text(raw: str, parse_mode: str | None, *, caption: bool = False) -> str:
    """Validate a text or caption under its parse mode and return what the user sees; its limit
    counts the text after entity parsing, in UTF-16 code units."""
    if parse_mode is not None and parse_mode.upper() == "HTML":
        try:
            shown = parse_html(raw)
        except HtmlParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    elif parse_mode not in (None, "", "Markdown", "MarkdownV2"):
        raise bad_request(f"unsupported parse_mode {parse_mode}")
    else:
        shown = raw
    shown = shown.strip()
    if caption:
        if utf16_length(shown) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        return shown
    if not shown:
        raise bad_request("message text is empty")
    if utf16_length(shown) > MAX_TEXT:
        raise bad_request("message is too long")
    return shown


def check_markup(markup: Any) -> dict[str, Any] | None:
    """Validate reply_markup like Telegram does for the parts that bots commonly get wrong."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None:
                size = len(str(data).encode("utf-8"))
                if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                    raise bad_request("BUTTON_DATA_INVALID")
            elif len(button) == 1:
                raise bad_request("text buttons are unallowed in the inline keyboard")
    return markup


def photo_sizes(file_id: str) -> list[dict[str, Any]]:
    """Three PhotoSize objects for one photo, the largest carrying file_id."""
    sizes = [(90, 67, "s"), (320, 240, "m"), (1280, 960, "")]
    return [
        {
            "file_id": f"{file_id}_{tag}" if tag else file_id,
            "file_unique_id": f"u{zlib.crc32(f'{file_id}:{tag}'.encode())}",
            "width": width,
            "height": height,
            "file_size": width * height // 8,
        }
        for width, height, tag in sizes
    ]


def message_dict(sent: SentMessage, chat: ChatState, bot_user: dict[str, Any]) -> dict[str, Any]:
    """The Message object Telegram returns for a message the bot sent."""
    message: dict[str, Any] = {
        "message_id": sent.message_id,
        "from": bot_user,
        "chat": chat.chat,
        "date": sent.date,
    }
    if sent.kind == "text":
        message["text"] = sent.text
        if sent.entities:
            message["entities"] = sent.entities
    elif sent.kind == "photo":
        message["photo"] = photo_sizes(sent.file_id or "")
    elif sent.kind == "document":
        message["document"] = {"file_id": sent.file_id, "file_unique_id": f"u{sent.file_id}"}
        if sent.file_name is not None:
            message["document"]["file_name"] = sent.file_name
            message["document"]["file_size"] = len(sent.content or b"")
            message["document"]["mime_type"] = sent.mime_type or "application/octet-stream"
    elif sent.kind == "location":
        message["location"] = sent.location
    if sent.caption:
        message["caption"] = sent.caption
    if sent.media_group_id:
        message["media_group_id"] = sent.media_group_id
    if sent.edit_date is not None:
        message["edit_date"] = sent.edit_date
    if sent.reply_markup and "inline_keyboard" in sent.reply_markup:
        message["reply_markup"] = sent.reply_markup
    if sent.reply_to_message_id is not None:
        target = chat.by_id.get(sent.reply_to_message_id)
        replied = (
            message_dict(target, chat, bot_user)
            if target is not None
            else chat.user_messages.get(sent.reply_to_message_id)
        )
        if replied is not None:
            message["reply_to_message"] = {
                k: v for k, v in replied.items() if k != "reply_to_message"
            }
    return message
