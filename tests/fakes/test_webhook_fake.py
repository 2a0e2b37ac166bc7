"""The fake Bot API's webhook, driven by a real PTB Bot: what Telegram refuses in setWebhook,
getUpdates refused while a webhook is set, and updates posted in order, retried until 2xx."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import BadRequest, Conflict
from telegram.request import HTTPXRequest

from tests.fakes import FakeBotAPI, fake_bot_api

TOKEN = "123:ABC"
URL = "https://bot.example.gov.cn/telegram"


@pytest.fixture
async def server() -> AsyncIterator[FakeBotAPI]:
    async with fake_bot_api(TOKEN) as started:
        yield started
        assert not started.errors, started.errors


@pytest.fixture
async def bot(server: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=server.base_url, request=HTTPXRequest(read_timeout=2)) as bot:
        yield bot


@pytest.mark.parametrize(
    ("url", "secret", "connections", "refusal"),
    [
        ("http://bot.example.gov.cn/telegram", "s3cret", 40, "HTTPS URL must be provided"),
        ("https://bot.example.gov.cn:8080/telegram", "s3cret", 40, "only on ports 80, 88, 443"),
        (URL, "has space", 40, "secret token contains unallowed characters"),
        (URL, "x" * 257, 40, "secret token contains unallowed characters"),
        (URL, "s3cret", 0, "max_connections"),
        (URL, "s3cret", 101, "max_connections"),
    ],
)
async def test_set_webhook_refuses_what_telegram_refuses(
    server: FakeBotAPI, bot: Bot, url: str, secret: str, connections: int, refusal: str
) -> None:
    with pytest.raises(BadRequest, match="(?i)" + refusal):
        await bot.set_webhook(url, secret_token=secret, max_connections=connections)
    assert (await bot.get_webhook_info()).url == ""
    assert server.webhook.url == ""


async def test_get_updates_conflicts_while_a_webhook_is_set(server: FakeBotAPI, bot: Bot) -> None:
    assert await bot.set_webhook(URL, secret_token="s3cret_-X", max_connections=7)
    info = await bot.get_webhook_info()
    assert (info.url, info.max_connections) == (URL, 7)
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates(timeout=0)
    assert await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


async def test_updates_are_posted_in_order_with_the_secret_and_retried_until_2xx(
    server: FakeBotAPI, bot: Bot
) -> None:
    seen: list[tuple[int, str | None]] = []
    failing = {"left": 2}

    async def receive(request: web.Request) -> web.Response:
        update = await request.json()
        seen.append((update["update_id"], request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        if failing["left"]:
            failing["left"] -= 1
            return web.Response(status=500)
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/telegram", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        ann = server.user(42, "Ann")
        first = await ann.send_text("一")
        second = await ann.send_text("二")
        server.webhook.deliver_to(f"http://127.0.0.1:{runner.addresses[0][1]}")
        assert await bot.set_webhook(URL, secret_token="s3cret")
        await server.webhook.signal.wait_until(
            lambda: True if len(server.webhook.attempts(second["update_id"])) else None,
            10,
            lambda: "the second update posted",
        )
        ids = first["update_id"], second["update_id"]
        assert seen == [(ids[0], "s3cret")] * 3 + [(ids[1], "s3cret")]
        assert [d.status for d in server.webhook.deliveries] == [500, 500, 200, 200]
        assert server.pending_updates == []
        info = await bot.get_webhook_info()
        assert info.pending_update_count == 0 and info.last_error_message is not None
    finally:
        await runner.cleanup()
