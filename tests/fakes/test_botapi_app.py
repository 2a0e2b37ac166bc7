"""Flows through a real PTB Application polling the fake: echo, buttons, redelivery, load."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes import FakeBotAPI, fake_bot_api, polling
from tests.fakes.echo_bot import build_echo_app

TOKEN = "123:ABC"


@pytest.fixture
async def server() -> AsyncIterator[FakeBotAPI]:
    async with fake_bot_api(TOKEN) as started:
        yield started


def _app(server: FakeBotAPI) -> Application[Any, Any, Any, Any, Any, Any]:
    return ApplicationBuilder().token(TOKEN).base_url(server.base_url).build()


async def test_application_echo_round_trip(server: FakeBotAPI) -> None:
    ann = server.user(42, "Ann")
    async with polling(build_echo_app(server.api_url, TOKEN, pool_size=8), poll_timeout=5):
        await ann.send_text("你好，议员")
        reply = await ann.next_message(timeout=10)
    assert reply.text == "你好，议员"


async def test_application_button_press_round_trip(server: FakeBotAPI) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = [[InlineKeyboardButton("认领 #7", callback_data="case:claim:7")]]
        assert update.effective_chat is not None
        await context.bot.send_message(
            update.effective_chat.id, "新案件 #7", reply_markup=InlineKeyboardMarkup(keyboard)
        )

    async def claim(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("已认领", show_alert=True)
        await query.edit_message_text(f"案件 #7 已认领 ({query.data})")

    app = _app(server)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(claim))
    ann = server.user(42, "Ann")
    async with polling(app, poll_timeout=5):
        await ann.send_command("/start")
        card = await ann.next_message()
        await ann.press("认领 #7")
        answer = await ann.next_answer()
        await ann.wait_for(lambda m: m.edited, include_consumed=True)
    assert (answer.text, answer.show_alert) == ("已认领", True)
    assert card.text == "案件 #7 已认领 (case:claim:7)" and card.reply_markup is None
    with pytest.raises(LookupError, match=r"(?i)no inline button"):
        await ann.press("认领 #7")


async def test_redelivered_update_reaches_the_bot_again(server: FakeBotAPI) -> None:
    seen: list[int] = []

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update.update_id)
        assert update.effective_chat is not None
        await context.bot.send_message(update.effective_chat.id, f"handled {len(seen)}")

    app = _app(server)
    app.add_handler(MessageHandler(filters.ALL, record))
    ann = server.user(42, "Ann")
    async with polling(app, poll_timeout=5):
        update = await ann.send_text("一次")
        await ann.wait_text("handled 1")
        server.redeliver(update["update_id"])
        await ann.wait_text("handled 2")
        await ann.send_text("下一条")
        await ann.wait_text("handled 3")
    assert seen == [update["update_id"], update["update_id"], update["update_id"] + 1]


async def test_two_hundred_users_echo_concurrently(server: FakeBotAPI) -> None:
    users = [server.user(1000 + n, f"User{n}") for n in range(200)]
    async with polling(build_echo_app(server.api_url, TOKEN), poll_timeout=5):
        for user in users:
            await user.send_text(f"来自 {user.id} 的问题")
        async with asyncio.timeout(60):
            replies = await asyncio.gather(*(user.next_message(timeout=60) for user in users))
    assert [r.text for r in replies] == [f"来自 {u.id} 的问题" for u in users]
    assert len(server.calls("sendMessage")) == 200


async def test_echo_bot_runs_as_a_subprocess(server: FakeBotAPI) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakes.echo_bot",
        *("--api-url", server.api_url, "--token", TOKEN, "--poll-timeout", "2"),
    )
    try:
        ann = server.user(42, "Ann")
        await ann.send_text("ping")
        assert (await ann.next_message(timeout=30)).text == "ping"
    finally:
        process.terminate()
        async with asyncio.timeout(30):
            await process.wait()
