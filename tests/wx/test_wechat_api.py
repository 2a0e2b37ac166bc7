"""The Official Account client against the fake platform: tokens, windows, errcodes, templates."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from handlers.delivery import Rejected, RetryLater, Unreachable
from handlers.wx.api_errors import WindowClosed
from handlers.wx.tokens import TokenCache
from handlers.wx.wechat_api import WeChatClient
from tests.fakes.wechat_api import TEMPLATE_ID, FakeWeChatAPI
from tests.fakes.wx_platform import ManualClock

ANN = "oAnn_resident"


def template(**values: str) -> dict[str, object]:
    data = {
        "character_string1": "#12",
        "thing2": "路灯坏了",
        "phrase3": "已答复",
        "time4": "2026-11-29 14:30",
    } | values
    return {
        "touser": ANN,
        "template_id": TEMPLATE_ID,
        "data": {k: {"value": v} for k, v in data.items()},
    }


async def test_one_token_for_many_concurrent_calls(
    wechat_api: FakeWeChatAPI, wechat: WeChatClient
) -> None:
    wechat_api.acted(ANN, "message")
    await asyncio.gather(*(wechat.send_text(ANN, f"第{i}条") for i in range(5)))
    assert len(wechat_api.calls_to("/cgi-bin/token")) == 1
    assert sorted(r.text for r in wechat_api.received(ANN)) == [f"第{i}条" for i in range(5)]


async def test_token_is_renewed_before_it_expires(
    wechat_api: FakeWeChatAPI, wechat: WeChatClient, wx_clock: ManualClock
) -> None:
    await wechat.private_templates()
    wx_clock.advance(7200 - 299)  # inside the 300 s margin: renewed without a refusal
    await wechat.private_templates()
    assert len(wechat_api.calls_to("/cgi-bin/token")) == 2
    assert [
        c.errcode for c in wechat_api.calls_to("/cgi-bin/template/get_all_private_template")
    ] == [0, 0]


@pytest.mark.parametrize("how", ["expire", "revoke"])
async def test_refused_token_is_refreshed_and_the_call_retried_once(
    wechat_api: FakeWeChatAPI, wechat: WeChatClient, how: str
) -> None:
    wechat_api.acted(ANN, "message")
    await wechat.send_text(ANN, "一")
    wechat_api.expire_tokens() if how == "expire" else wechat_api.revoke_tokens()
    await wechat.send_text(ANN, "二")
    sends = wechat_api.calls_to("/cgi-bin/message/custom/send")
    assert [c.errcode for c in sends] == [0, 42001 if how == "expire" else 40001, 0]
    assert [r.text for r in wechat_api.received(ANN)] == ["一", "二"]


async def test_a_token_refused_twice_is_retry_later(
    wechat_api: FakeWeChatAPI, wechat: WeChatClient
) -> None:
    wechat_api.acted(ANN, "message")
    wechat_api.faults.fail_next("/cgi-bin/message/custom/send", "40001", times=2)
    with pytest.raises(RetryLater):
        await wechat.send_text(ANN, "一")
    assert len(wechat_api.calls_to("/cgi-bin/message/custom/send")) == 2


async def test_concurrent_refusals_refresh_once(
    wechat_api: FakeWeChatAPI, wechat: WeChatClient
) -> None:
    wechat_api.acted(ANN, "message")
    await wechat.send_text(ANN, "零")
    wechat_api.revoke_tokens()
    await asyncio.gather(*(wechat.send_text(ANN, str(i)) for i in range(3)))
    assert len(wechat_api.calls_to("/cgi-bin/token")) == 2


async def test_token_cache_never_fetches_twice_at_once() -> None:
    started, release = asyncio.Event(), asyncio.Event()
    calls = 0

    async def fetch() -> tuple[str, float]:
        nonlocal calls
        calls += 1
        started.set()
        await release.wait()
        return f"t{calls}", 7200.0

    cache = TokenCache(fetch, clock=lambda: 0.0)
    waiters = [asyncio.create_task(cache.get()) for _ in range(10)]
    await started.wait()
    release.set()
    assert set(await asyncio.gather(*waiters)) == {"t1"}
    assert calls == 1
    assert await cache.refresh("old-token") == "t1"  # someone else already replaced it
    assert await cache.refresh("t1") == "t2"


async def test_window_and_quota_errors(
    wechat_api: FakeWeChatAPI, wechat: WeChatClient, wx_clock: ManualClock
) -> None:
    wechat_api.resident(ANN)  # a follower who has not written yet
    with pytest.raises(WindowClosed) as never:
        await wechat.send_text(ANN, "no message from Ann yet")
    assert never.value.errcode == 45015
    wechat_api.acted(ANN, "message")
    for i in range(5):
        await wechat.send_text(ANN, str(i))
    with pytest.raises(WindowClosed) as quota:
        await wechat.send_text(ANN, "sixth")
    assert quota.value.errcode == 45047
    wechat_api.acted(ANN, "menu_tap")  # a msgmenu tap: 3 within a minute
    for i in range(3):
        await wechat.send_text(ANN, f"tap {i}")
    with pytest.raises(WindowClosed):
        await wechat.send_text(ANN, "fourth after the tap")
    wx_clock.advance(48 * 3600)
    with pytest.raises(WindowClosed) as closed:
        await wechat.send_text(ANN, "two days later")
    assert closed.value.errcode == 45015
    msgid = await wechat.send_template(template())  # templates need no window
    assert msgid and wechat_api.received(ANN)[-1].text.startswith("事项编号：#12")


async def test_gone_residents_are_unreachable(
    wechat_api: FakeWeChatAPI, wechat: WeChatClient
) -> None:
    with pytest.raises(Unreachable):
        await wechat.send_text("oNobody", "hi")
    wechat_api.acted(ANN, "message")
    wechat_api.unsubscribe(ANN)
    with pytest.raises(Unreachable):
        await wechat.send_text(ANN, "hi")
    with pytest.raises(Unreachable):
        await wechat.send_template(template())


async def test_busy_quota_5xx_and_timeouts_are_retry_later(
    wechat_api: FakeWeChatAPI, wechat: WeChatClient
) -> None:
    wechat_api.acted(ANN, "message")
    path = "/cgi-bin/message/custom/send"
    for kind in ("busy", "45009", "5xx"):
        wechat_api.faults.fail_next(path, kind)
        with pytest.raises(RetryLater):
            await wechat.send_text(ANN, kind)
    wechat_api.faults.fail_next(path, "hold")
    slow = WeChatClient(
        wechat_api.app_id,
        wechat_api.app_secret,
        wechat_api.url,
        http=httpx.AsyncClient(timeout=0.2),
    )
    with pytest.raises(RetryLater, match="timed out"):
        await slow.send_text(ANN, "held")
    await slow.aclose()
    assert wechat_api.received(ANN) == []
    with pytest.raises(RetryLater):  # nothing listens there
        await WeChatClient("a", "b", "http://127.0.0.1:9").send_text(ANN, "x")


async def test_invalid_content_is_rejected(wechat_api: FakeWeChatAPI, wechat: WeChatClient) -> None:
    wechat_api.acted(ANN, "message")
    with pytest.raises(Rejected, match="45002"):
        await wechat.send_text(ANN, "长" * 700)  # 2100 bytes
    with pytest.raises(Rejected, match="40008"):
        await wechat.send_custom({"touser": ANN, "msgtype": "video", "video": {}})
    with pytest.raises(Rejected, match="47003"):
        await wechat.send_template(template(thing2="这是一段超过二十个字的很长很长的事项描述文字"))
    with pytest.raises(Rejected, match="47003"):
        await wechat.send_template(template(phrase3="answered"))


async def test_bodies_go_out_as_utf8_without_escapes(
    wechat_api: FakeWeChatAPI, wechat: WeChatClient
) -> None:
    wechat_api.acted(ANN, "message")
    await wechat.send_menu(
        ANN, "请确认：", [("intake:confirm", "确认提交"), ("intake:cancel", "取消")]
    )
    sent = wechat_api.received(ANN)[0]
    assert sent.menu == [("intake:confirm", "确认提交"), ("intake:cancel", "取消")]
    async with httpx.AsyncClient() as raw:  # what a client with ensure_ascii=True would get
        token = next(iter(wechat_api.tokens))
        answer = await raw.post(
            wechat_api.url + "/cgi-bin/message/custom/send",
            params={"access_token": token},
            content=b'{"touser":"oAnn_resident","msgtype":"text","text":{"content":"\\u4f60\\u597d"}}',
        )
    assert answer.json()["errcode"] == 40033


async def test_menu_templates_and_media(wechat_api: FakeWeChatAPI, wechat: WeChatClient) -> None:
    buttons = [
        {"type": "click", "name": "我要反映", "key": "menu:report"},
        {"type": "click", "name": "我的反映", "key": "menu:mine"},
        {"type": "click", "name": "使用帮助", "key": "menu:help"},
    ]
    await wechat.create_menu(buttons)
    assert wechat_api.menu == buttons
    with pytest.raises(Rejected, match="40018"):
        await wechat.create_menu([{"type": "click", "name": "一个太长太长的菜单名字", "key": "k"}])
    templates = await wechat.private_templates()
    assert (
        templates[0]["template_id"] == TEMPLATE_ID and "{{thing2.DATA}}" in templates[0]["content"]
    )
    media_id = wechat_api.add_media(b"\xff\xd8photo")
    media = await wechat.download_media(media_id)
    assert (media.content, media.content_type) == (b"\xff\xd8photo", "image/jpeg")
    with pytest.raises(Rejected, match="40007"):
        await wechat.download_media("expired-or-unknown")


async def test_wrong_secret_is_retry_later_not_a_crash(wechat_api: FakeWeChatAPI) -> None:
    client = WeChatClient(wechat_api.app_id, "wrong", wechat_api.url)
    with pytest.raises(RetryLater, match="40125"):
        await client.send_text(ANN, "x")
    await client.aclose()
