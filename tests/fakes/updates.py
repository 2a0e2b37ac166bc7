"""Simulated users: realistic updates in, and awaiting what the bot sends to their private chat."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tests.fakes.content import message_dict
from tests.fakes.records import CallbackAnswer, ChatAction, ChatState, SentMessage

if TYPE_CHECKING:
    from tests.fakes.botapi import FakeBotAPI

_query_ids = itertools.count(4_400_000_000_000_000_001)
_file_ids = itertools.count(1)


def _file(prefix: str) -> tuple[str, str]:
    number = next(_file_ids)
    return f"{prefix}{number:08d}", f"AQAD{number:08d}"


class FakeUser:
    """A person in a private chat with the bot; send_* methods push updates as Telegram would."""

    def __init__(
        self,
        server: FakeBotAPI,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
    ) -> None:
        self.server = server
        self.id = user_id
        self.user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            self.user["last_name"] = last_name
        if username:
            self.user["username"] = username
        if language_code:
            self.user["language_code"] = language_code
        chat = {k: v for k, v in self.user.items() if k in ("first_name", "last_name", "username")}
        self.chat: ChatState = server.add_chat(user_id, "private", **chat)
        self._cursor = 0
        self._answer_cursor = 0

    def __repr__(self) -> str:
        return f"FakeUser({self.id}, {self.user['first_name']!r})"

    def _message(self, **content: Any) -> dict[str, Any]:
        message_id = self.chat.new_message_id()
        message = {
            "message_id": message_id,
            "from": self.user,
            "chat": self.chat.chat,
            "date": int(time.time()),
            **content,
        }
        self.chat.user_messages[message_id] = message
        return message

    async def send_message(self, **content: Any) -> dict[str, Any]:
        """Push a message update with the given content fields; returns the update."""
        return self.server.push({"message": self._message(**content)})

    async def send_text(self, text: str, reply_to_message_id: int | None = None) -> dict[str, Any]:
        """Send a text message, optionally as a reply to a message in the chat."""
        content: dict[str, Any] = {"text": text}
        if reply_to_message_id is not None:
            bot_message = self.chat.by_id.get(reply_to_message_id)
            replied = (
                message_dict(bot_message, self.chat, self.server.bot_user)
                if bot_message is not None
                else self.chat.user_messages.get(reply_to_message_id)
            )
            if replied is None:
                raise LookupError(f"no message {reply_to_message_id} in chat {self.id}")
            content["reply_to_message"] = replied
        return await self.send_message(**content)

    async def send_command(self, command: str = "/start", args: str = "") -> dict[str, Any]:
        """Send a command such as /start with optional arguments and its bot_command entity."""
        command = command if command.startswith("/") else f"/{command}"
        text = f"{command} {args}" if args else command
        entity = {
            "type": "bot_command",
            "offset": 0,
            "length": len(command.encode("utf-16-le")) // 2,
        }
        return await self.send_message(text=text, entities=[entity])

    def _find_message(self, text_or_data: str, message: SentMessage | int | None) -> SentMessage:
        if message is not None:
            message_id = message if isinstance(message, int) else message.message_id
            candidates = [m for m in self.chat.messages if m.message_id == message_id]
        else:
            candidates = list(reversed(self.chat.messages))
        for candidate in candidates:
            if not candidate.deleted and candidate.find_button(text_or_data) is not None:
                return candidate
        shown = [(m.message_id, m.button_texts()) for m in self.chat.messages if m.buttons()]
        raise LookupError(
            f"{self!r}: no inline button {text_or_data!r} in "
            f"{'message ' + str(message) if message is not None else 'any bot message'}; "
            f"buttons in the chat: {shown}"
        )

    def _callback(self, data: str, message: SentMessage) -> dict[str, Any]:
        query_id = str(next(_query_ids))
        self.server.state.open_queries[query_id] = self.chat.chat_id
        query = {
            "id": query_id,
            "from": self.user,
            "message": message_dict(message, self.chat, self.server.bot_user),
            "chat_instance": str(7_000_000_000_000_000_000 + self.id),
            "data": data,
        }
        return self.server.push({"callback_query": query})

    async def press(
        self, button_text_or_callback_data: str, message: SentMessage | int | None = None
    ) -> dict[str, Any]:
        """Press the inline button with that label or data, in the latest bot message having it."""
        found = self._find_message(button_text_or_callback_data, message)
        button = found.find_button(button_text_or_callback_data)
        assert button is not None
        if "callback_data" not in button:
            raise LookupError(f"button {button!r} has no callback_data to press")
        return self._callback(str(button["callback_data"]), found)

    async def forge_callback(
        self, data: str, message: SentMessage | int | None = None
    ) -> dict[str, Any]:
        """Send a callback query with arbitrary data on a bot message (default: the latest)."""
        target = message if isinstance(message, SentMessage) else None
        if isinstance(message, int):
            target = self.chat.by_id.get(message)
        elif message is None:
            target = self.last_message
        if target is None:
            raise LookupError(f"{self!r}: no bot message to attach a callback query to")
        return self._callback(data, target)

    async def send_photo(
        self, file_id: str | None = None, caption: str | None = None
    ) -> dict[str, Any]:
        """Send a photo (three sizes, the largest with file_id) with an optional caption."""
        file_id = file_id or _file("AgACAgUAAxkBAAIB")[0]
        sizes = [
            {
                "file_id": f"{file_id}_{tag}" if tag else file_id,
                "file_unique_id": f"U{file_id}{tag}",
            }
            | {"width": width, "height": height, "file_size": width * height // 8}
            for width, height, tag in ((90, 67, "s"), (320, 240, "m"), (1280, 960, ""))
        ]
        content: dict[str, Any] = {"photo": sizes}
        if caption is not None:
            content["caption"] = caption
        return await self.send_message(**content)

    async def send_contact(self, phone: str, own: bool = True) -> dict[str, Any]:
        """Share a contact: one's own (with user_id, as a request_contact button) or another's."""
        contact: dict[str, Any] = {"phone_number": phone, "first_name": "Someone Else"}
        if own:
            contact = {"phone_number": phone, "first_name": self.user["first_name"]}
            contact["user_id"] = self.id
            if "last_name" in self.user:
                contact["last_name"] = self.user["last_name"]
        return await self.send_message(contact=contact)

    async def send_location(self, lat: float, lon: float) -> dict[str, Any]:
        """Share a location."""
        return await self.send_message(location={"latitude": lat, "longitude": lon})

    async def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        """Send a regular static sticker."""
        file_id, unique = _file("CAACAgIAAxkBAAIC")
        sticker: dict[str, Any] = {"file_id": file_id, "file_unique_id": unique, "type": "regular"}
        sticker |= {"width": 512, "height": 512, "is_animated": False, "is_video": False}
        return await self.send_message(sticker=sticker | {"emoji": emoji})

    async def send_voice(self, duration: int = 3) -> dict[str, Any]:
        """Send a voice note."""
        file_id, unique = _file("AwACAgUAAxkBAAID")
        voice: dict[str, Any] = {"file_id": file_id, "file_unique_id": unique, "duration": duration}
        return await self.send_message(voice=voice | {"mime_type": "audio/ogg", "file_size": 9000})

    async def send_document(
        self, file_name: str = "report.pdf", mime_type: str = "application/pdf"
    ) -> dict[str, Any]:
        """Send a document."""
        file_id, unique = _file("BQACAgUAAxkBAAIE")
        document = {"file_id": file_id, "file_unique_id": unique, "file_name": file_name}
        return await self.send_message(document=document | {"mime_type": mime_type})

    async def send_raw(self, fragment: dict[str, Any]) -> dict[str, Any]:
        """Push an arbitrary update fragment, e.g. {"callback_query": {...}}, for forged input."""
        return self.server.push(fragment)

    @property
    def messages(self) -> list[SentMessage]:
        """Every message the bot sent to this chat, in order, with edits applied."""
        return list(self.chat.messages)

    @property
    def last_message(self) -> SentMessage | None:
        """The bot's latest message to this chat."""
        return self.chat.messages[-1] if self.chat.messages else None

    @property
    def actions(self) -> list[ChatAction]:
        """The chat actions (typing, ...) the bot sent here."""
        return list(self.chat.actions)

    @property
    def answers(self) -> list[CallbackAnswer]:
        """The bot's answers to this user's button presses."""
        return list(self.chat.answers)

    async def next_message(self, timeout: float = 10) -> SentMessage:  # noqa: ASYNC109
        """The next bot message after the last one consumed by next_message/wait_for."""
        return await self.wait_for(lambda message: True, timeout, what="the next message")

    async def wait_for(
        self,
        predicate: Callable[[SentMessage], bool],
        timeout: float = 10,  # noqa: ASYNC109
        *,
        include_consumed: bool = False,
        what: str = "a message matching the predicate",
    ) -> SentMessage:
        """The first unconsumed bot message satisfying predicate (consumes through it).

        With include_consumed, every message in its current state is searched (e.g. for an edit)
        and the cursor stays where it is.
        """

        def probe() -> SentMessage | None:
            start = 0 if include_consumed else self._cursor
            for index in range(start, len(self.chat.messages)):
                message = self.chat.messages[index]
                if predicate(message):
                    if not include_consumed:
                        self._cursor = index + 1
                    return message
            return None

        def describe() -> str:
            recent = [(m.message_id, m.text or m.caption) for m in self.chat.messages[-5:]]
            return f"{what} in chat {self.id} (cursor {self._cursor}; latest: {recent})"

        return await self.chat.signal.wait_until(probe, timeout, describe)

    async def wait_text(
        self,
        substring: str,
        timeout: float = 10,  # noqa: ASYNC109
        *,
        include_consumed: bool = False,
    ) -> SentMessage:
        """The first unconsumed bot message whose text or caption contains substring."""
        return await self.wait_for(
            lambda message: substring in (message.text or message.caption or ""),
            timeout,
            include_consumed=include_consumed,
            what=f"a message containing {substring!r}",
        )

    async def next_answer(self, timeout: float = 10) -> CallbackAnswer:  # noqa: ASYNC109
        """The next answer to this user's button presses after the last one consumed."""

        def probe() -> CallbackAnswer | None:
            if len(self.chat.answers) <= self._answer_cursor:
                return None
            self._answer_cursor += 1
            return self.chat.answers[self._answer_cursor - 1]

        return await self.chat.signal.wait_until(
            probe, timeout, lambda: f"an answerCallbackQuery for {self!r}"
        )
