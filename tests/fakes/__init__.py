"""A fake Telegram Bot API server and simulated users for end-to-end tests."""

from tests.fakes.botapi import FakeBotAPI
from tests.fakes.content import ApiError
from tests.fakes.faults import Fault, Faults
from tests.fakes.harness import fake_bot_api, polling
from tests.fakes.records import (
    Call,
    CallbackAnswer,
    ChatAction,
    ChatState,
    SentMessage,
    WaitTimeout,
)
from tests.fakes.updates import FakeUser

__all__ = [
    "ApiError",
    "Call",
    "CallbackAnswer",
    "ChatAction",
    "ChatState",
    "FakeBotAPI",
    "FakeUser",
    "Fault",
    "Faults",
    "SentMessage",
    "WaitTimeout",
    "fake_bot_api",
    "polling",
]
