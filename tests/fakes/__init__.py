"""A fake Telegram Bot API server and simulated users for end-to-end tests.

    async def test_echo() -> None:
        async with fake_bot_api("123:ABC") as server:
            ann = server.user(42, "Ann")  # a chat must be known before the bot can send to it
            app = ApplicationBuilder().token("123:ABC").base_url(server.base_url).build()
            app.add_handler(...)
            async with polling(app):
                await ann.send_text("你好")
                assert (await ann.next_message()).text == "..."

Set PTB_TIMEDELTA=1 in the tests' environment: without it PTB 22 warns (an error under
filterwarnings=error) whenever a RetryAfter is built or a duration attribute is read.
"""

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
