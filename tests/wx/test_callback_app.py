"""The callback server with simulated residents and members, a stub sink, and forged requests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import pytest
from aiohttp import web

from handlers.wx.callback_app import WeChatEndpoint, WeComEndpoint, callback_app
from handlers.wx.crypto import CallbackCrypto, signature
from handlers.wx.wechat_inbound import (
    WeChatEvent,
    WeChatImage,
    WeChatLocation,
    WeChatMessage,
    WeChatText,
    WeChatVoice,
)
from handlers.wx.wecom_inbound import WeComCardEvent, WeComEvent, WeComMessage, WeComText
from tests.fakes.wechat_api import FakeWeChatAPI, Received
from tests.fakes.wecom_api import Card, Delivered, FakeWeComAPI
from tests.fakes.wx_platform import ManualClock
from tests.fakes.wx_users import CallbackPoster, WeChatResident, WeComMember, xml_doc
from tests.wx.test_inbound import BILLION_LAUGHS, EXTERNAL_ENTITY, QUADRATIC

TOKEN = "fengnan_token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
ACCOUNT = "gh_fengnan"


@dataclass
class StubSink:
    """Collects what the server hands over; can be told to fail."""

    got: list[object] = field(default_factory=list)
    failing: bool = False

    async def __call__(self, message: WeChatMessage | WeComMessage) -> None:
        if self.failing:
            raise RuntimeError("database is down")
        self.got.append(message)


@dataclass
class Served:
    """The started callback server and what the tests drive it with."""

    url: str
    safe: bool
    wechat_sink: StubSink
    wecom_sink: StubSink
    http: httpx.AsyncClient


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


def now_of(clock: ManualClock) -> Callable[[], datetime]:
    return lambda: datetime.fromtimestamp(clock(), UTC)


@pytest.fixture(params=["safe", "plain"])
async def served(
    request: pytest.FixtureRequest,
    wx_clock: ManualClock,
    wechat_api: FakeWeChatAPI,
    wecom_api: FakeWeComAPI,
) -> AsyncIterator[Served]:
    """The callback server, its Official Account in safe or plain mode."""
    safe = request.param == "safe"
    wechat_sink, wecom_sink = StubSink(), StubSink()
    app = callback_app(
        now=now_of(wx_clock),
        wechat=WeChatEndpoint(TOKEN, wechat_api.app_id, wechat_sink, AES_KEY if safe else None),
        wecom=WeComEndpoint(TOKEN, wecom_api.corp_id, AES_KEY, wecom_sink),
        max_body=8 * 1024,
    )
    runner, url = await serve(app)
    async with httpx.AsyncClient(timeout=5) as http:
        yield Served(url, safe, wechat_sink, wecom_sink, http)
    await runner.cleanup()


def resident(
    served: Served, api: FakeWeChatAPI, clock: ManualClock, token: str = TOKEN, app_id: str = ""
) -> WeChatResident:
    key = AES_KEY if served.safe else None
    poster = CallbackPoster(
        served.url + "/wechat", token, key, app_id or api.app_id, clock, served.http
    )
    return WeChatResident(api, poster, "oAnn", ACCOUNT)


def member(
    served: Served, api: FakeWeComAPI, clock: ManualClock, token: str = TOKEN
) -> WeComMember:
    poster = CallbackPoster(served.url + "/wecom", token, AES_KEY, api.corp_id, clock, served.http)
    return WeComMember(api, poster, "zhang.lawyer")


async def test_wechat_messages_reach_the_sink_and_get_success(
    served: Served, wechat_api: FakeWeChatAPI, wx_clock: ManualClock
) -> None:
    ann = resident(served, wechat_api, wx_clock)
    verified = await ann.verify_url("echo-42")
    assert (verified.status, verified.text) == (200, "echo-42")
    for posted in (
        await ann.send_text("路灯坏了"),
        await ann.send_image(),
        await ann.send_voice("路灯坏了"),
        await ann.send_location(39.6243, 118.0856, "丰南区"),
        await ann.subscribe(),
        await ann.click("menu:report"),
    ):
        assert (posted.status, posted.text) == (200, "success")
    kinds = [type(m) for m in served.wechat_sink.got]
    assert kinds == [WeChatText, WeChatImage, WeChatVoice, WeChatLocation, WeChatEvent, WeChatEvent]
    first = served.wechat_sink.got[0]
    assert isinstance(first, WeChatText) and first.content == "路灯坏了"
    again = await ann.poster.replay(ann.poster.history[1])  # the platform's retry, byte for byte
    assert again.text == "success"
    assert served.wechat_sink.got[-1].dedupe_key == first.dedupe_key  # type: ignore[attr-defined]


async def test_a_msgmenu_tap_arrives_as_button_data(
    served: Served, wechat_api: FakeWeChatAPI, wx_clock: ManualClock
) -> None:
    ann = resident(served, wechat_api, wx_clock)
    await ann.send_text("你好")
    wechat_api.received("oAnn").append(
        Received("msgmenu", "请确认", [("intake:confirm", "确认提交")])
    )
    assert (await ann.tap("确认提交")).text == "success"
    tap = served.wechat_sink.got[-1]
    assert isinstance(tap, WeChatText) and tap.menu_id == "intake:confirm"


async def test_forged_stale_and_foreign_wechat_requests_change_nothing(
    served: Served, wechat_api: FakeWeChatAPI, wx_clock: ManualClock
) -> None:
    forger = resident(served, wechat_api, wx_clock, token="guessed_token")
    assert (await forger.verify_url()).status == 403
    forged = await forger.send_text("伪造")
    assert (forged.status, forged.text) == (403, "")
    late = ManualClock(wx_clock() - 301)  # a captured request replayed after five minutes
    stale = resident(served, wechat_api, late)
    assert (await stale.send_text("旧的")).status == 403
    early = resident(served, wechat_api, ManualClock(wx_clock() + 301))
    assert (await early.send_text("未来")).status == 403
    ann = resident(served, wechat_api, wx_clock)
    good = await ann.send_text("真的")
    for drop in ("timestamp", "nonce", "signature" if not served.safe else "msg_signature"):
        params = {k: v for k, v in good.params.items() if k != drop}
        assert (await ann.poster.send("POST", params, good.body)).status == 403
    tampered = {**good.params, "nonce": good.params["nonce"] + "1"}
    assert (await ann.poster.send("POST", tampered, good.body)).status == 403
    if served.safe:
        foreign = resident(served, wechat_api, wx_clock, app_id="wx_other_app")
        assert (await foreign.send_text("别的公众号")).status == 403
        plain_body = good.params | {"encrypt_type": "raw"}
        assert (await ann.poster.send("POST", plain_body, good.body)).status == 403
    assert [m.content for m in served.wechat_sink.got] == ["真的"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("bomb", [BILLION_LAUGHS, EXTERNAL_ENTITY, QUADRATIC[:6000]])
async def test_signed_xml_bombs_and_oversize_bodies_change_nothing(
    served: Served, wechat_api: FakeWeChatAPI, wx_clock: ManualClock, bomb: str
) -> None:
    ann = resident(served, wechat_api, wx_clock)
    bombed = await ann.post_document(bomb)
    assert (bombed.status, bombed.text) == (400, "")
    huge = await ann.post_document(xml_doc([("Content", "长" * 5000)]))
    assert huge.status in (400, 413) and huge.text == ""
    ts, nonce = ann.poster.stamp()
    params = {"signature": signature(TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce}
    assert (await ann.poster.send("POST", params, b"x" * 9000)).status == 413
    assert (await ann.poster.send("POST", params, b"\x00\xff binary")).status in (400, 403)
    assert served.wechat_sink.got == []


async def test_a_failing_sink_gets_500_so_the_platform_retries(
    served: Served, wechat_api: FakeWeChatAPI, wx_clock: ManualClock
) -> None:
    ann = resident(served, wechat_api, wx_clock)
    served.wechat_sink.failing = True
    first = await ann.send_text("路灯坏了")
    assert (first.status, first.text) == (500, "")
    served.wechat_sink.failing = False
    retry = await ann.poster.replay(first)
    assert (retry.status, retry.text) == (200, "success")
    assert len(served.wechat_sink.got) == 1


async def test_wecom_verification_messages_and_presses(
    served: Served, wecom_api: FakeWeComAPI, wx_clock: ManualClock
) -> None:
    zhang = member(served, wecom_api, wx_clock)
    verified = await zhang.verify_url("1616140317555161061")
    assert (verified.status, verified.text) == (200, "1616140317555161061")
    wecom_api.member("zhang.lawyer").received.append(
        Delivered(
            "template_card",
            "",
            "m1",
            Card("case-12-1", {"button_list": [{"key": "case:claim:12", "text": "认领"}]}),
        )
    )
    for posted in (
        await zhang.send_text("/cases"),
        await zhang.enter_app(),
        await zhang.press("认领"),
    ):
        assert (posted.status, posted.text) == (200, "")
    text, enter, press = served.wecom_sink.got
    assert isinstance(text, WeComText) and text.content == "/cases"
    assert isinstance(enter, WeComEvent) and enter.event == "enter_agent"
    assert isinstance(press, WeComCardEvent)
    assert (press.event_key, press.task_id) == ("case:claim:12", "case-12-1")
    assert press.response_code in wecom_api.codes


async def test_forged_wecom_requests_change_nothing(
    served: Served, wecom_api: FakeWeComAPI, wx_clock: ManualClock
) -> None:
    forger = member(served, wecom_api, wx_clock, token="guessed")
    assert (await forger.verify_url()).status == 403
    assert (await forger.send_text("伪造")).status == 403
    zhang = member(served, wecom_api, wx_clock)
    good = await zhang.send_text("真的")
    other = CallbackCrypto(TOKEN, AES_KEY, "ww_other_corp")
    ts, nonce = zhang.poster.stamp()
    encrypted, signed = other.seal("<xml/>", ts, nonce)
    foreign = xml_doc([("ToUserName", "ww_other_corp"), ("Encrypt", encrypted)]).encode()
    params = {"msg_signature": signed, "timestamp": ts, "nonce": nonce}
    assert (await zhang.poster.send("POST", params, foreign)).status == 403
    bomb = await zhang.post_document(BILLION_LAUGHS)
    assert bomb.status == 400
    assert good.status == 200 and len(served.wecom_sink.got) == 1


async def test_health_and_unconfigured_channels(wx_clock: ManualClock) -> None:
    sink = StubSink()
    runner, url = await serve(
        callback_app(now=now_of(wx_clock), wechat=WeChatEndpoint(TOKEN, "wxapp", sink))
    )
    async with httpx.AsyncClient() as http:
        health = await http.get(url + "/health")
        assert (health.status_code, health.json()) == (200, {"status": "ok"})
        assert (await http.post(url + "/wecom", content=b"<xml/>")).status_code == 404
    await runner.cleanup()
