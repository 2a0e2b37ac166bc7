"""The transport against the fake Bot API: each kind of outbox message as the call Telegram
expects, and each answer of Telegram in the sender's terms."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from core.messages import Button, KeyButton, Kind, Outbound
from handlers.aiohttp_request import AiohttpRequest
from handlers.delivery import Rejected, RetryLater, Unreachable
from handlers.telegram_transport import TelegramTransport
from tests.fakes import FakeBotAPI, fake_bot_api

TOKEN = "123:ABC"


@pytest.fixture
async def server() -> AsyncIterator[FakeBotAPI]:
    async with fake_bot_api(TOKEN) as started:
        yield started


@pytest.fixture
async def transport(server: FakeBotAPI) -> AsyncIterator[TelegramTransport]:
    request = AiohttpRequest(read_timeout=1.0)
    async with Bot(TOKEN, base_url=server.base_url, request=request) as bot:
        yield TelegramTransport(bot)


async def test_a_message_with_buttons_is_sent_as_html(
    server: FakeBotAPI, transport: TelegramTransport
) -> None:
    server.user(42, "Ann")
    buttons = ((Button(text="认领", data="case:claim:7"), Button(text="详情", data="case:view:7")),)
    message_id = await transport.deliver(
        Outbound(chat_id="42", text="<b>新案件</b> #7 &amp; 详情", buttons=buttons), None
    )
    sent = server.messages(42)[-1]
    assert sent.message_id == message_id
    assert sent.text == "新案件 #7 & 详情"
    assert sent.button_texts() == ["认领", "详情"]
    assert sent.find_button("case:claim:7") is not None
    call = server.calls("sendMessage")[-1]
    assert call.params["parse_mode"] == "HTML"
    assert call.params["link_preview_options"] == {"is_disabled": True}


async def test_a_reply_keyboard_asks_for_the_contact_and_then_goes(
    server: FakeBotAPI, transport: TelegramTransport
) -> None:
    server.user(42, "Ann")
    keyboard = ((KeyButton(text="分享电话", request_contact=True),), (KeyButton(text="不留"),))
    await transport.deliver(Outbound(chat_id="42", text="电话？", keyboard=keyboard), None)
    asked = server.calls("sendMessage")[-1].params["reply_markup"]
    assert asked["keyboard"] == [
        [{"text": "分享电话", "request_contact": True}],
        [{"text": "不留"}],
    ]
    assert asked["one_time_keyboard"] is True and asked["resize_keyboard"] is True
    await transport.deliver(Outbound(chat_id="42", text="好", remove_keyboard=True), None)
    assert server.calls("sendMessage")[-1].params["reply_markup"] == {"remove_keyboard": True}


async def test_an_edit_changes_the_message_and_keeps_its_id(
    server: FakeBotAPI, transport: TelegramTransport
) -> None:
    server.user(42, "Ann")
    first = await transport.deliver(Outbound(chat_id="42", text="待认领"), None)
    edit = Outbound(chat_id="42", text="已认领", kind=Kind.EDIT, edit_key="notice")
    assert await transport.deliver(edit, first) == first
    assert server.messages(42)[-1].text == "已认领"
    assert await transport.deliver(edit, first) == first  # "message is not modified"


async def test_photos_go_one_by_one_or_as_an_album(
    server: FakeBotAPI, transport: TelegramTransport
) -> None:
    server.user(42, "Ann")
    one = await transport.deliver(Outbound(chat_id="42", photos=("AgACAgUAAxkBAAI1",)), None)
    assert server.messages(42)[-1].message_id == one
    album = await transport.deliver(
        Outbound(chat_id="42", photos=("AgACAgUAAxkBAAI2", "AgACAgUAAxkBAAI3")), None
    )
    assert [m.message_id for m in server.messages(42)][-1] == album
    assert len(server.calls("sendMediaGroup")[-1].params["media"]) == 2


async def test_a_button_is_answered_and_a_menu_set_for_one_chat(
    server: FakeBotAPI, transport: TelegramTransport
) -> None:
    ann = server.user(42, "Ann")
    await transport.deliver(Outbound(chat_id="42", text="新案件"), None)
    pressed = await ann.forge_callback("case:claim:7")
    query_id = pressed["callback_query"]["id"]
    answer = Outbound(
        chat_id="42", kind=Kind.ANSWER, callback_id=query_id, text="已认领", alert=True
    )
    assert await transport.deliver(answer, None) is None
    assert (query_id, "已认领", True) in [
        (a.callback_query_id, a.text, a.show_alert) for a in ann.chat.answers
    ]
    menu = Outbound(chat_id="42", kind=Kind.COMMANDS, commands=(("mine", "我的案件"),))
    await transport.deliver(menu, None)
    assert server.commands({"type": "chat", "chat_id": 42}) == [
        {"command": "mine", "description": "我的案件"}
    ]


async def test_telegrams_refusals_in_the_senders_terms(
    server: FakeBotAPI, transport: TelegramTransport
) -> None:
    server.user(42, "Ann")
    hello = Outbound(chat_id="42", text="hi")
    server.faults.fail_next("sendMessage", "429", retry_after=9)
    with pytest.raises(RetryLater) as limited:
        await transport.deliver(hello, None)
    assert limited.value.after == 9
    for kind in ("502", "timeout", "drop"):
        server.faults.fail_next("sendMessage", kind, hold_seconds=30)
        with pytest.raises(RetryLater):
            await transport.deliver(hello, None)
    with pytest.raises(Unreachable):
        await transport.deliver(Outbound(chat_id="777", text="hi"), None)  # chat not found
    server.faults.block_chat(42)
    with pytest.raises(Unreachable):
        await transport.deliver(hello, None)
    server.faults.unblock_chat(42)
    with pytest.raises(Rejected):
        await transport.deliver(Outbound(chat_id="42", text="<b>unclosed"), None)


async def test_the_transport_needs_the_aiohttp_request(server: FakeBotAPI) -> None:
    with pytest.raises(TypeError, match="AiohttpRequest"):
        TelegramTransport(Bot(TOKEN, base_url=server.base_url))
