"""The Telegram transport against the fake Bot API: what core fitted to the channel's limits is
accepted as it is, captions included."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from core.channels.limits import fit
from core.messages import Button, Outbound
from handlers.aiohttp_request import AiohttpRequest
from handlers.telegram_transport import TelegramTransport
from tests.fakes import FakeBotAPI, fake_bot_api

TOKEN = "123:ABC"


@pytest.fixture
async def server() -> AsyncIterator[FakeBotAPI]:
    async with fake_bot_api(TOKEN) as started:
        yield started


@pytest.fixture
async def transport(server: FakeBotAPI) -> AsyncIterator[TelegramTransport]:
    request = AiohttpRequest(read_timeout=5.0)
    async with Bot(TOKEN, base_url=server.base_url, request=request) as bot:
        yield TelegramTransport(bot)


async def test_photos_carry_their_caption_and_a_long_one_follows_them(
    server: FakeBotAPI, transport: TelegramTransport
) -> None:
    ann = server.user(42, "Ann")
    short = Outbound(chat_id="42", text="<b>现场</b> &lt;照片&gt;", photos=("AgAC-one",))
    long = Outbound(
        chat_id="42",
        text="路面塌陷 😀\n" * 200,  # 1,400 UTF-16 units: over a caption's 1,024
        photos=("AgAC-one", "AgAC-two"),
        buttons=((Button(text="📄 详情", data="case:detail:1"),),),
    )
    for message in [*fit(short, "zh"), *fit(long, "zh")]:
        await transport.deliver(message, None)

    photo, first, second, words = ann.messages
    assert photo.kind == "photo" and photo.caption == "现场 <照片>"
    assert (first.kind, first.caption, second.kind) == ("photo", None, "photo")
    assert words.kind == "text" and (words.text or "").count("路面塌陷") == 200
    assert words.button_texts() == ["📄 详情"]
    assert {c.status for c in server.calls()} == {200}
