"""Delivery on the two channels when the platforms say no: a closed window or a used-up quota
(45015, 45047) sends the template instead, a busy platform (-1) is tried again, a resident who
unfollowed is marked unreachable and the row kept as failed, visible to the operator."""

from __future__ import annotations

from storage.deliveries import report
from tests.wx_e2e.conftest import WxBot, got, got_wecom
from tests.wx_e2e.test_wechat_life_e2e import file_on_wechat

CUSTOM = "/cgi-bin/message/custom/send"


async def claimed_case(wx: WxBot, open_id: str) -> None:
    """A case filed on WeChat and claimed on WeCom by zhang, everything delivered."""
    zhang = await wx.add_member("zhang", "law", "张律师")
    await file_on_wechat(wx, open_id)
    await got_wecom(wx.wecom_api, "zhang", "#1")
    await zhang.press("✋ 认领")
    await got(wx.wechat_api, open_id, "已由")
    await wx.settle()


async def test_a_closed_window_falls_back_to_the_template(wx: WxBot) -> None:
    await claimed_case(wx, "o_window")
    before = len(wx.wechat_api.received("o_window"))
    for errcode in ("45015", "45047"):
        wx.manual.advance(1)  # a press is known by its second (events carry no MsgId)
        wx.wechat_api.faults.fail_next(CUSTOM, errcode)
        zhang = wx.member("zhang")
        await zhang.press("💬 回复")
        await got_wecom(wx.wecom_api, "zhang", "#1")
        await zhang.send_text(f"已经联系劳动监察大队了（{errcode}）")
        await wx.settle()
    templates = [r for r in wx.wechat_api.received("o_window")[before:] if r.kind == "template"]
    assert len(templates) == 1  # one template per case and progress, not one per refusal
    assert "#1" in templates[0].text and "已答复" in templates[0].text
    assert await wx.rows("SELECT id, error, payload FROM outbox WHERE status != 'sent'") == []


async def test_a_busy_platform_is_tried_again(wx: WxBot) -> None:
    await claimed_case(wx, "o_busy")
    wx.wechat_api.faults.fail_next(CUSTOM, "busy", times=2)
    wx.wechat_api.faults.fail_next(CUSTOM, "5xx")
    zhang = wx.member("zhang")
    await zhang.press("💬 回复")
    await got_wecom(wx.wecom_api, "zhang", "#1")
    await zhang.send_text("请带上工资条来工作站")
    await got(wx.wechat_api, "o_busy", "工资条")
    assert wx.wechat_api.faults.injected["busy"] == 2


async def test_unfollowing_marks_the_resident_unreachable(wx: WxBot) -> None:
    await claimed_case(wx, "o_leaves")
    await wx.resident("o_leaves").unsubscribe()
    await wx.settle()
    assert await wx.rows("SELECT reachable FROM people WHERE external_id = 'o_leaves'") == [(0,)]


async def test_a_refused_row_is_kept_as_failed_and_listed(wx: WxBot) -> None:
    await claimed_case(wx, "o_gone")
    wx.wechat_api.unsubscribe("o_gone")  # the unfollow event never reached the bot
    zhang = wx.member("zhang")
    await zhang.press("💬 回复")
    await got_wecom(wx.wecom_api, "zhang", "#1")
    await zhang.send_text("您还在吗")
    await wx.settle()
    assert await wx.rows("SELECT reachable FROM people WHERE external_id = 'o_gone'") == [(0,)]
    failed = await wx.rows("SELECT channel, chat_id, error FROM outbox WHERE status = 'failed'")
    assert [(c, chat) for c, chat, _ in failed] == [("wechat", "o_gone")]
    assert "43004" in failed[0][2]
    lines = await report(wx.db, wx.clock(), 7, wx.district.timezone, failed=True)
    assert any("wechat chat o_gone" in line and "43004" in line for line in lines)
    assert all("您还在吗" not in line for line in lines)  # never the text: it may quote someone
