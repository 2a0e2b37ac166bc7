"""What the fake Bot API remembers for assertions: calls, and per chat what the bot did there."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


class WaitTimeout(AssertionError):
    """An awaited condition did not come true within its timeout."""


class Signal:
    """Wakes every current waiter on notify(); waiters re-check their own condition."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake all waiters."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(
        self, probe: Callable[[], T | None], within: float, describe: Callable[[], str]
    ) -> T:
        """Return probe()'s first non-None result, re-probing on each notify, within seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            found = probe()
            if found is not None:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise WaitTimeout(f"timed out after {within}s waiting for {describe()}")
            try:
                async with asyncio.timeout(remaining):
                    await self._event.wait()
            except TimeoutError:
                continue


@dataclass
class Call:
    """One request to the fake, as decoded; status 0 means no response was sent."""

    seq: int
    method: str
    params: dict[str, Any]
    time: float
    status: int = 0
    fault: str | None = None
    files: tuple[str, ...] = ()


@dataclass
class SentMessage:
    """A message the bot sent, in its current state (edits applied)."""

    chat_id: int | str
    message_id: int
    date: int
    seq: int
    text: str | None = None
    html: str | None = None
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    entities: list[dict[str, Any]] | None = None
    kind: str = "text"
    file_id: str | None = None
    file_name: str | None = None  # an uploaded document's name, and its bytes
    content: bytes | None = None
    mime_type: str | None = None
    caption: str | None = None
    media_group_id: str | None = None
    location: dict[str, float] | None = None
    reply_to_message_id: int | None = None
    edited: bool = False
    edit_date: int | None = None
    deleted: bool = False
    history: list[tuple[str | None, dict[str, Any] | None]] = field(default_factory=list)

    def buttons(self) -> list[dict[str, Any]]:
        """Every inline keyboard button of the message, row by row."""
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard") or []
        return [button for row in rows for button in row]

    def button_texts(self) -> list[str]:
        """The labels of the inline buttons."""
        return [str(button.get("text", "")) for button in self.buttons()]

    def find_button(self, text_or_data: str) -> dict[str, Any] | None:
        """The inline button whose label or callback_data equals text_or_data."""
        for button in self.buttons():
            if text_or_data in (button.get("text"), button.get("callback_data")):
                return button
        return None


@dataclass(frozen=True)
class ChatAction:
    """A sendChatAction the bot made."""

    seq: int
    chat_id: int | str
    action: str


@dataclass
class CallbackAnswer:
    """An answerCallbackQuery the bot made."""

    seq: int
    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass
class ChatState:
    """Everything in one chat: its identity, its message ids, and what the bot did there."""

    chat_id: int | str
    chat: dict[str, Any]
    next_message_id: int = 1
    messages: list[SentMessage] = field(default_factory=list)
    by_id: dict[int, SentMessage] = field(default_factory=dict)
    user_messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    actions: list[ChatAction] = field(default_factory=list)
    answers: list[CallbackAnswer] = field(default_factory=list)
    signal: Signal = field(default_factory=Signal)

    def new_message_id(self) -> int:
        """Allocate the chat's next message id (users and bot share the sequence)."""
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id
