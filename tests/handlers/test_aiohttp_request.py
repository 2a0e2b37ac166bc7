"""PTB's Bot over the aiohttp request against the fake Bot API: calls, uploads and every fault
turned into the error PTB's own request would raise."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from telegram import Bot, InputFile
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from handlers.aiohttp_request import AiohttpRequest, telegram_error
from tests.fakes import FakeBotAPI, fake_bot_api

TOKEN = "123:ABC"


@pytest.fixture
async def server() -> AsyncIterator[FakeBotAPI]:
    async with fake_bot_api(TOKEN) as started:
        yield started


@pytest.fixture
async def bot(server: FakeBotAPI) -> AsyncIterator[Bot]:
    request = AiohttpRequest(connection_pool_size=4, read_timeout=1.0)
    async with Bot(TOKEN, base_url=server.base_url, request=request) as started:
        yield started


async def test_a_message_goes_out_and_comes_back_as_ptb_reads_it(
    server: FakeBotAPI, bot: Bot
) -> None:
    ann = server.user(42, "Ann")
    sent = await bot.send_message(42, "<b>您好</b>，议员", parse_mode="HTML")
    assert sent.message_id == (await ann.next_message(timeout=5)).message_id
    assert server.messages(42)[-1].text == "您好，议员"
    assert server.calls("sendMessage")[-1].params["parse_mode"] == "HTML"


async def test_a_file_is_uploaded_as_a_multipart_part(server: FakeBotAPI, bot: Bot) -> None:
    server.user(42, "Ann")
    photo = InputFile(b"\x89PNG\r\n\x1a\n" + bytes(200), filename="chart.png")
    await bot.send_photo(42, photo, caption="本周统计")
    call = server.calls("sendPhoto")[-1]
    assert call.files == ("photo",)
    assert call.params["caption"] == "本周统计"


async def test_long_polling_waits_as_long_as_asked(server: FakeBotAPI, bot: Bot) -> None:
    ann = server.user(42, "Ann")
    await ann.send_text("在吗")
    updates = await bot.get_updates(timeout=2)
    assert updates[0].message is not None and updates[0].message.text == "在吗"


@pytest.mark.parametrize(
    ("kind", "error"),
    [("502", NetworkError), ("drop", NetworkError), ("lost_response", NetworkError)],
)
async def test_a_failing_server_is_a_network_error(
    server: FakeBotAPI, bot: Bot, kind: str, error: type[Exception]
) -> None:
    server.user(42, "Ann")
    server.faults.fail_next("sendMessage", kind)
    with pytest.raises(error):
        await bot.send_message(42, "hi")


async def test_a_call_left_unanswered_times_out(server: FakeBotAPI, bot: Bot) -> None:
    server.user(42, "Ann")
    server.faults.fail_next("sendMessage", "timeout", hold_seconds=30)
    with pytest.raises(TimedOut):
        await bot.send_message(42, "hi")  # the bot's read timeout is 1 s


async def test_telegrams_answers_become_ptbs_errors(server: FakeBotAPI, bot: Bot) -> None:
    server.user(42, "Ann")
    server.faults.fail_next("sendMessage", "429", retry_after=7)
    with pytest.raises(RetryAfter) as limited:
        await bot.send_message(42, "hi")
    assert limited.value.retry_after in (7, timedelta(seconds=7))
    server.faults.block_chat(42)
    with pytest.raises(Forbidden):
        await bot.send_message(42, "hi")
    server.faults.unblock_chat(42)
    with pytest.raises(BadRequest):
        await bot.send_message(42, "")


async def test_an_unreachable_server_is_a_network_error() -> None:
    async with fake_bot_api(TOKEN) as gone:
        url = gone.base_url
    async with AiohttpRequest(connect_timeout=1.0) as request:
        with pytest.raises(NetworkError):
            await request.post(f"{url}{TOKEN}/getMe")


async def test_calls_after_shutdown_are_refused(server: FakeBotAPI) -> None:
    request = AiohttpRequest()
    await request.initialize()
    await request.shutdown()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(f"{server.base_url}{TOKEN}/getMe", "POST")


@pytest.mark.parametrize(
    ("status", "answer", "error"),
    [
        (400, {"description": "Bad Request: chat not found"}, BadRequest),
        (403, {"description": "Forbidden: bot was blocked by the user"}, Forbidden),
        (401, {"description": "Unauthorized"}, InvalidToken),
        (404, {}, InvalidToken),
        (409, {"description": "Conflict"}, Conflict),
        (429, {"parameters": {"retry_after": 3}}, RetryAfter),
        (400, {"parameters": {"migrate_to_chat_id": -1001}}, ChatMigrated),
        (502, {}, NetworkError),
        (599, {}, NetworkError),
    ],
)
def test_the_bot_apis_errors_are_ptbs(
    status: int, answer: dict[str, Any], error: type[Exception]
) -> None:
    assert type(telegram_error(status, answer)) is error


async def test_a_json_call_returns_plain_json(server: FakeBotAPI, bot: Bot) -> None:
    server.user(42, "Ann")
    request = bot.request
    assert isinstance(request, AiohttpRequest)
    markup = {"inline_keyboard": [[{"text": "认领", "callback_data": "case:claim:7"}]]}
    sent = await request.call(
        f"{bot.base_url}/sendMessage", {"chat_id": 42, "text": "新案件", "reply_markup": markup}
    )
    assert isinstance(sent, dict) and sent["text"] == "新案件"
    assert server.calls("sendMessage")[-1].params["reply_markup"] == markup
