"""The Bot API methods the fake implements, over the per-chat records: Telegram's semantics only."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

from tests.fakes.commands import CommandMenus
from tests.fakes.content import (
    CHAT_ACTIONS,
    FULL_CHAT_INFO,
    NOT_MODIFIED,
    ApiError,
    as_id,
    bad_request,
    check_markup,
    message_dict,
    shown_text,
)
from tests.fakes.copying import copy_message
from tests.fakes.params import UploadedFile
from tests.fakes.records import CallbackAnswer, ChatAction, ChatState, SentMessage

Params = dict[str, Any]
Files = dict[str, UploadedFile]
Method = Callable[[Params, Files], Any]
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


class BotState:
    """Chats, callback queries and command menus, changed only through Bot API methods."""

    def __init__(self, bot_user: dict[str, Any], next_seq: Callable[[], int]) -> None:
        self.bot_user = bot_user
        self.next_seq = next_seq
        self.chats: dict[int | str, ChatState] = {}
        self.open_queries: dict[str, int | str] = {}
        self.settings: dict[str, Any] = {}
        self.answers: list[CallbackAnswer] = []
        self.commands = CommandMenus(self.chat)
        self._file_ids = itertools.count(1)
        self.methods: dict[str, Method] = {
            "getMe": lambda p, f: self.bot_user,
            "close": lambda p, f: True,
            "logOut": lambda p, f: True,
            "sendMessage": self.send_message,
            "sendPhoto": self.send_photo,
            "sendDocument": self.send_document,
            "sendMediaGroup": self.send_media_group,
            "sendLocation": self.send_location,
            "sendChatAction": self.send_chat_action,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "setMyCommands": self.commands.set_my_commands,
            "deleteMyCommands": self.commands.delete_my_commands,
            "getMyCommands": self.commands.get_my_commands,
            "copyMessage": lambda p, f: copy_message(self, p, forward=False),
            "forwardMessage": lambda p, f: copy_message(self, p, forward=True),
            "setMyDescription": self._setting("description"),
            "setMyShortDescription": self._setting("short_description"),
            "setChatMenuButton": self._setting("menu_button"),
            "getChat": lambda p, f: {**self.chat(p).chat, **FULL_CHAT_INFO},
        }

    def _setting(self, name: str) -> Method:
        def remember(params: Params, files: Files) -> bool:
            self.settings[name] = params.get(name)
            return True

        return remember

    def chat(self, params: Params) -> ChatState:
        """The chat a call is aimed at; unknown chats are refused like Telegram refuses them."""
        chat_id = as_id(params.get("chat_id"))
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        chat = self.chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def deliver(self, chat: ChatState, sent: SentMessage) -> dict[str, Any]:
        """Record a message as delivered to chat and return its Message object."""
        chat.messages.append(sent)
        chat.by_id[sent.message_id] = sent
        chat.signal.notify()
        return message_dict(sent, chat, self.bot_user)

    def new_message(self, chat: ChatState, params: Params, **fields: Any) -> SentMessage:
        """A message for chat with the next message id (not yet delivered)."""
        reply_to = _reply_to(chat, params)
        return SentMessage(
            chat_id=chat.chat_id,
            message_id=chat.new_message_id(),
            date=int(time.time()),
            seq=self.next_seq(),
            reply_to_message_id=reply_to,
            **fields,
        )

    def send_message(self, params: Params, files: Files) -> dict[str, Any]:
        """sendMessage."""
        chat = self.chat(params)
        raw, mode = str(params.get("text", "")), params.get("parse_mode")
        text = shown_text(raw, mode)
        markup = check_markup(params.get("reply_markup"))
        entities = params.get("entities")
        sent = self.new_message(
            chat,
            params,
            text=text,
            html=raw,
            parse_mode=mode,
            reply_markup=markup,
            entities=entities,
        )
        return self.deliver(chat, sent)

    def _file_id(self, value: Any, files: Files, field: str, prefix: str) -> str:
        if isinstance(value, str) and value.startswith("attach://"):
            field, value = value.removeprefix("attach://"), None
        if isinstance(value, str) and value and not value.startswith(("http://", "https://")):
            return value
        if value is None and field not in files:
            raise bad_request(f"there is no {field} in the request")
        return f"{prefix}{next(self._file_ids):06d}"

    def _send_file(self, params: Params, files: Files, kind: str, prefix: str) -> dict[str, Any]:
        chat = self.chat(params)
        file_id = self._file_id(params.get(kind), files, kind, prefix)
        mode = params.get("parse_mode")
        caption = shown_text(str(params.get("caption", "")), mode, caption=True)
        markup = check_markup(params.get("reply_markup"))
        sent = self.new_message(chat, params, kind=kind, file_id=file_id, caption=caption or None)
        sent.html, sent.parse_mode, sent.reply_markup = params.get("caption"), mode, markup
        upload = files.get(kind)
        if upload is not None:
            if upload.size == 0:
                raise bad_request("file must be non-empty")
            sent.file_name, sent.content = upload.filename, upload.content
            sent.mime_type = upload.content_type
        return self.deliver(chat, sent)

    def send_photo(self, params: Params, files: Files) -> dict[str, Any]:
        """sendPhoto, by file_id, URL or upload."""
        return self._send_file(params, files, "photo", "AgACAgUAAxkBAAI")

    def send_document(self, params: Params, files: Files) -> dict[str, Any]:
        """sendDocument, by file_id, URL or upload."""
        return self._send_file(params, files, "document", "BQACAgUAAxkBAAI")

    def send_media_group(self, params: Params, files: Files) -> list[dict[str, Any]]:
        """sendMediaGroup: 2-10 photos or documents sharing one media_group_id."""
        chat = self.chat(params)
        media = params.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise bad_request("wrong number of media items specified: must be 2-10")
        group_id = str(next(self._file_ids) + 10**12)
        items = []
        for item in media:
            kind = item.get("type") if isinstance(item, dict) else None
            if kind not in ("photo", "document"):
                raise bad_request("unsupported media type in media group")
            file_id = self._file_id(item.get("media"), files, "media", "AgACAgUAAxkBAAI")
            caption = shown_text(str(item.get("caption", "")), item.get("parse_mode"), caption=True)
            items.append((kind, file_id, caption))
        return [
            self.deliver(
                chat,
                self.new_message(
                    chat,
                    params,
                    kind=kind,
                    file_id=file_id,
                    caption=caption or None,
                    media_group_id=group_id,
                ),
            )
            for kind, file_id, caption in items
        ]

    def send_location(self, params: Params, files: Files) -> dict[str, Any]:
        """sendLocation: a map pin at latitude and longitude."""
        chat = self.chat(params)
        place = {}
        for name, limit in (("latitude", 90.0), ("longitude", 180.0)):
            try:
                value = float(params.get(name))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise bad_request(f"wrong {name}") from None
            if not -limit <= value <= limit:
                raise bad_request(f"wrong {name}")
            place[name] = value
        markup = check_markup(params.get("reply_markup"))
        sent = self.new_message(chat, params, kind="location", location=place, reply_markup=markup)
        return self.deliver(chat, sent)

    def send_chat_action(self, params: Params, files: Files) -> bool:
        """sendChatAction."""
        chat = self.chat(params)
        action = params.get("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.actions.append(ChatAction(self.next_seq(), chat.chat_id, str(action)))
        chat.signal.notify()
        return True

    def _target(self, params: Params) -> tuple[ChatState, SentMessage]:
        if params.get("inline_message_id"):
            raise bad_request("message to edit not found")
        chat = self.chat(params)
        message_id = as_id(params.get("message_id"))
        if not isinstance(message_id, int):
            raise bad_request("message identifier is not specified")
        if message_id in chat.user_messages:
            raise bad_request("message can't be edited")
        sent = chat.by_id.get(message_id)
        if sent is None or sent.deleted:
            raise bad_request("message to edit not found")
        return chat, sent

    def _edited(self, chat: ChatState, sent: SentMessage, **changes: Any) -> dict[str, Any]:
        if all(getattr(sent, name) == value for name, value in changes.items()):
            raise ApiError(400, NOT_MODIFIED)
        sent.history.append((sent.text if sent.kind == "text" else sent.caption, sent.reply_markup))
        for name, value in changes.items():
            setattr(sent, name, value)
        sent.edited, sent.edit_date = True, int(time.time())
        chat.signal.notify()
        return message_dict(sent, chat, self.bot_user)

    def edit_message_text(self, params: Params, files: Files) -> dict[str, Any]:
        """editMessageText; a missing reply_markup removes the keyboard, as in Telegram."""
        chat, sent = self._target(params)
        if sent.kind != "text":
            raise bad_request("there is no text in the message to edit")
        raw, mode = str(params.get("text", "")), params.get("parse_mode")
        text = shown_text(raw, mode)
        markup = check_markup(params.get("reply_markup"))
        return self._edited(chat, sent, text=text, html=raw, parse_mode=mode, reply_markup=markup)

    def edit_message_caption(self, params: Params, files: Files) -> dict[str, Any]:
        """editMessageCaption."""
        chat, sent = self._target(params)
        if sent.kind == "text":
            raise bad_request("there is no caption in the message to edit")
        raw, mode = str(params.get("caption", "")), params.get("parse_mode")
        caption = shown_text(raw, mode, caption=True) or None
        markup = check_markup(params.get("reply_markup"))
        return self._edited(chat, sent, caption=caption, html=raw, reply_markup=markup)

    def edit_message_reply_markup(self, params: Params, files: Files) -> dict[str, Any]:
        """editMessageReplyMarkup; no reply_markup removes the keyboard."""
        chat, sent = self._target(params)
        markup = check_markup(params.get("reply_markup"))
        return self._edited(chat, sent, reply_markup=markup)

    def delete_message(self, params: Params, files: Files) -> bool:
        """deleteMessage, for the bot's messages and the user's in a private chat."""
        chat = self.chat(params)
        message_id = as_id(params.get("message_id"))
        if not isinstance(message_id, int):
            raise bad_request("message identifier is not specified")
        if chat.user_messages.pop(message_id, None) is not None:
            return True
        sent = chat.by_id.get(message_id)
        if sent is None or sent.deleted:
            raise bad_request("message to delete not found")
        sent.deleted = True
        chat.signal.notify()
        return True

    def answer_callback_query(self, params: Params, files: Files) -> bool:
        """answerCallbackQuery: each query can be answered once."""
        query_id = str(params.get("callback_query_id", ""))
        chat_id = self.open_queries.pop(query_id, None)
        if chat_id is None:
            raise bad_request(QUERY_INVALID)
        answer = CallbackAnswer(
            seq=self.next_seq(),
            callback_query_id=query_id,
            text=params.get("text"),
            show_alert=bool(params.get("show_alert", False)),
            url=params.get("url"),
        )
        self.answers.append(answer)
        chat = self.chats[chat_id]
        chat.answers.append(answer)
        chat.signal.notify()
        return True


def _reply_to(chat: ChatState, params: Params) -> int | None:
    reply = params.get("reply_parameters")
    if isinstance(reply, dict):
        message_id, allow = (
            as_id(reply.get("message_id")),
            reply.get("allow_sending_without_reply"),
        )
    else:
        message_id = as_id(params.get("reply_to_message_id"))
        allow = params.get("allow_sending_without_reply")
    if message_id is None:
        return None
    if message_id in chat.user_messages or message_id in chat.by_id:
        return int(message_id)
    if allow:
        return None
    raise bad_request("message to be replied not found")
