"""The fake's parts on their own: HTML checks, the update queue, request decoding, faults."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from tests.fakes import ApiError, FakeBotAPI, Faults, fake_bot_api
from tests.fakes.params import decode_value
from tests.fakes.polling import UpdateQueue
from tests.fakes.tg_html import HtmlParseError, parse_html


@pytest.mark.parametrize(
    ("html", "shown"),
    [
        ("<b>粗</b><i>斜</i><u>下</u><s>删</s>", "粗斜下删"),
        ('<a href="tg://user?id=1">人</a> <code>x</code> <pre>y</pre>', "人 x y"),
        ('<span class="tg-spoiler">秘</span><tg-spoiler>密</tg-spoiler>', "秘密"),
        ("<blockquote expandable>引</blockquote>", "引"),
        ("&lt;&gt;&amp;&quot;&#65;&#x42;", '<>&"AB'),
        ("AT&T &nbsp; &unknown", "AT&T &nbsp; &unknown"),
        ("<B>upper</B>", "upper"),
    ],
)
def test_html_accepted_and_shown(html: str, shown: str) -> None:
    assert parse_html(html) == shown


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<script>x</script>", 'Unsupported start tag "script" at byte offset 0'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("议员<br>", 'Unsupported start tag "br" at byte offset 6'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
    ],
)
def test_html_rejected_like_telegram(html: str, error: str) -> None:
    with pytest.raises(HtmlParseError) as raised:
        parse_html(html)
    assert str(raised.value) == error


def test_form_values_are_typed_by_parameter_name() -> None:
    assert decode_value("chat_id", "42") == 42
    assert decode_value("chat_id", "@channel") == "@channel"
    assert decode_value("text", "42") == "42"
    assert decode_value("reply_markup", '{"inline_keyboard": []}') == {"inline_keyboard": []}
    assert decode_value("disable_notification", "true") is True
    assert decode_value("some_new_param", "not json") == "not json"


async def test_queue_limit_order_allowed_updates_and_redelivery() -> None:
    queue = UpdateQueue(first_update_id=1)
    for n in range(3):
        queue.push({"message": {"n": n}})
    queue.push({"chat_member": {}})
    assert [u["update_id"] for u in await queue.get(0, 2, 0, None)] == [1, 2]
    assert [u["update_id"] for u in await queue.get(2, 100, 0, None)] == [2, 3]
    assert await queue.get(4, 100, 0, None) == []  # chat_member is not allowed by default
    queue.redeliver(2)
    assert [u["update_id"] for u in await queue.get(4, 100, 0, None)] == [2]
    assert await queue.get(3, 100, 0, None) == []
    queue.push({"callback_query": {}})
    assert await queue.get(0, 100, 0, ["message"]) == []


async def test_newer_poll_terminates_the_older_with_conflict() -> None:
    queue = UpdateQueue()
    older = asyncio.create_task(queue.get(0, 100, 30, None))
    await queue.poll_signal.wait_until(lambda: queue.polling or None, 5, lambda: "a poll")
    newer = asyncio.create_task(queue.get(0, 100, 30, None))
    with pytest.raises(ApiError, match="Conflict"):
        await older
    pushed = queue.push({"message": {}})
    async with asyncio.timeout(5):
        assert await newer == [pushed]


async def test_json_body_token_check_and_not_found() -> None:
    async with fake_bot_api() as server, aiohttp.ClientSession() as http:
        server.user(7, "Bo")
        url = f"{server.base_url}{server.token}/sendMessage"
        async with http.post(url, json={"chat_id": 7, "text": "hi"}) as response:
            body = await response.json()
        assert body["ok"] is True and body["result"]["text"] == "hi"
        async with http.post(f"{server.base_url}9:bad/getMe") as response:
            assert response.status == 401
        async with http.get(f"{server.base_url}{server.token}/noSuchMethod") as response:
            assert (response.status, (await response.json())["description"]) == (404, "Not Found")


async def test_stop_releases_held_requests_and_long_polls() -> None:
    server = FakeBotAPI()
    await server.start()
    server.faults.fail_next("getMe", "timeout", hold_seconds=600)
    async with aiohttp.ClientSession() as http:
        base = f"{server.base_url}{server.token}"
        held = asyncio.create_task(http.post(f"{base}/getMe"))
        poll = asyncio.create_task(http.post(f"{base}/getUpdates", data={"timeout": "600"}))
        await server.wait_until_polling(timeout=5)
        async with asyncio.timeout(5):
            await server.stop()
            with pytest.raises(aiohttp.ClientError):
                await held
            async with await poll as response:
                assert (await response.json())["result"] == []


def test_fault_validation_and_counting() -> None:
    faults = Faults()
    with pytest.raises(ValueError, match="unknown fault kind"):
        faults.fail_next("sendMessage", "500")
    faults.fail_next("sendMessage", "429", count=2, chat_id=5, retry_after=3)
    assert faults.pick("sendMessage", {"chat_id": 6}) is None
    first = faults.pick("sendMessage", {"chat_id": 5})
    assert first is not None and first.retry_after == 3
    assert faults.pick("sendMessage", {"chat_id": 5}) is not None
    assert faults.pick("sendMessage", {"chat_id": 5}) is None
    faults.block_chat(5)
    assert faults.pick("getChat", {"chat_id": 5}) is None
    blocked = faults.pick("editMessageText", {"chat_id": 5})
    assert blocked is not None and blocked.kind == "403"
    assert faults.injected == {"429": 2, "403": 1} and faults.total == 3
