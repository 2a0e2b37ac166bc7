"""Retries, forged signatures, stale timestamps, oversize and malformed XML (bombs included)
against the wired channels: the platform's retry of a callback is the same message, and
anything that fails verification changes nothing in the database and gets no reply."""

from __future__ import annotations

import asyncio

from handlers.wx.crypto import signature
from tests.fakes.wx_platform import ManualClock
from tests.fakes.wx_users import CallbackPoster, WeChatResident, xml_doc
from tests.wx.test_inbound import BILLION_LAUGHS, EXTERNAL_ENTITY, QUADRATIC
from tests.wx_e2e.conftest import ACCOUNT, WECHAT_AES, WECHAT_TOKEN, WxBot, got
from tests.wx_e2e.test_wechat_life_e2e import CONCERN, file_on_wechat


async def test_a_retried_callback_never_makes_a_second_case(wx: WxBot) -> None:
    resident = await file_on_wechat(wx, "o_retry")
    confirm = resident.poster.history[-1]  # the tap that submitted the case
    # WeChat retries three times, sometimes while the first request still runs.
    replies = await asyncio.gather(*(resident.poster.replay(confirm) for _ in range(3)))
    assert [(r.status, r.text) for r in replies] == [(200, "success")] * 3
    first = resident.poster.history[1]  # the concern's text
    assert (await resident.poster.replay(first)).text == "success"
    await wx.settle()
    assert await wx.rows("SELECT count(*) FROM cases") == [(1,)]
    assert await wx.rows("SELECT count(*) FROM ingress WHERE chat_id = 'o_retry'") == [(5,)]
    acks = [r for r in wx.wechat_api.received("o_retry") if "已受理" in r.text]
    assert len(acks) == 1


def forger(wx: WxBot, clock: ManualClock, token: str = WECHAT_TOKEN) -> WeChatResident:
    poster = CallbackPoster(
        f"{wx.channels.url}/wechat", token, WECHAT_AES, wx.wechat_api.app_id, clock, wx.http
    )
    return WeChatResident(wx.wechat_api, poster, "o_victim", ACCOUNT)


async def test_forged_stale_and_malformed_callbacks_change_nothing(wx: WxBot) -> None:
    before = await wx.snapshot()
    guessed = forger(wx, wx.manual, token="guessed_token")
    stale = forger(wx, ManualClock(wx.manual() - 301))
    assert (await guessed.send_text(CONCERN)).status == 403
    assert (await stale.send_text(CONCERN)).status == 403
    honest = forger(wx, wx.manual)
    for bomb in (BILLION_LAUGHS, EXTERNAL_ENTITY, QUADRATIC[:6000]):
        bombed = await honest.post_document(bomb)
        assert (bombed.status, bombed.text) == (400, "")
    huge = await honest.post_document(xml_doc([("Content", "长" * 40_000)]))
    assert huge.status in (400, 413) and huge.text == ""
    ts, nonce = honest.poster.stamp()
    params = {"signature": signature(WECHAT_TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce}
    for body in (b"\x00\xff binary", b"<xml><unclosed>", b""):
        answer = await honest.poster.send("POST", params, body)
        assert answer.status in (400, 403) and answer.text == ""
    no_sender = xml_doc([("ToUserName", ACCOUNT), ("CreateTime", 1), ("MsgType", "text")])
    assert (await honest.post_document(no_sender)).status == 400
    await wx.settle()
    assert await wx.snapshot() == before
    assert wx.wechat_api.received("o_victim") == []


async def test_a_forged_card_press_is_refused_politely(wx: WxBot) -> None:
    zhang = await wx.add_member("zhang", "law", "张律师")
    await file_on_wechat(wx, "o_owner")
    await wx.settle()
    before = await wx.snapshot()
    # A resident forges a tap carrying a member's button data: core checks it as any button's.
    intruder = wx.resident("o_intruder")
    forged: list[tuple[str, str | int | float]] = [
        ("Content", "认领"),
        ("MsgId", 987654321),
        ("bizmsgmenuid", "case:claim:1"),
    ]
    assert (await intruder.post("text", forged, "menu_tap")).text == "success"
    await intruder.send_text("/case 1")
    await got(wx.wechat_api, "o_intruder", "#1")
    await wx.settle()
    after = await wx.snapshot()
    assert after["cases"] == before["cases"] and after["events"] == before["events"]
    assert zhang.user_id == "zhang"
