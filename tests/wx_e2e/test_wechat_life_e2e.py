"""A case's whole life across the two channels: a resident on WeChat files a concern and gets
#N, a member on WeCom claims it by pressing the card, answers, asks, resolves; the resident
answers inside the window and gets the request to rate by template message outside it."""

from __future__ import annotations

import pytest

from tests.fakes.wx_users import WeChatResident
from tests.wx_e2e.conftest import ON_BOTH, WxBot, got, got_wecom

CONCERN = "老板拖欠工资三个月了，怎么办"
PHONE = "13800138000"


async def file_concern(resident: WeChatResident, text: str = CONCERN) -> WeChatResident:
    """The intake on WeChat: words, a tapped station, a typed phone number, a tapped confirm."""
    api, open_id = resident.api, resident.open_id
    await resident.subscribe()
    await got(api, open_id, "民情")
    await resident.send_text(text)
    await got(api, open_id, "哪个镇")
    await resident.tap("钱营镇")
    asked = await got(api, open_id, "联系电话")
    assert "输入您的手机号" in asked.text and "分享手机号" not in asked.text  # no such button here
    await resident.send_text(PHONE)
    await got(api, open_id, "请确认您的反映")
    await resident.tap("✅ 确认提交")
    await got(api, open_id, "已受理")
    return resident


async def file_on_wechat(wx: WxBot, open_id: str, text: str = CONCERN) -> WeChatResident:
    """A new resident of the harness files a concern."""
    return await file_concern(wx.resident(open_id), text)


@pytest.mark.parametrize("wx", ON_BOTH, indirect=True)
async def test_a_wechat_resident_and_wecom_members_take_a_case_through(wx: WxBot) -> None:
    zhang = await wx.add_member("zhang", "law", "张律师")
    wang = await wx.add_member("wang", "law", "王律师")
    (coordinator,) = await wx.make_coordinators("zhao")
    await file_on_wechat(wx, "o_resident_1")
    ack = await got(wx.wechat_api, "o_resident_1", "已受理")
    assert "#1" in ack.text
    assert await wx.rows("SELECT id, status, tank, channel FROM cases") == [
        (1, "open", "law", "wechat")
    ]

    # Both members get a card with 认领 / 转交 / 详情; zhang claims it by pressing.
    card = await got_wecom(wx.wecom_api, "zhang", "#1")
    assert card.card is not None and "✋ 认领" in [text for _, text in card.card.buttons]
    await got_wecom(wx.wecom_api, "wang", "#1")
    await zhang.press("✋ 认领")
    await got(wx.wechat_api, "o_resident_1", "已由")
    await wx.settle()
    assert (await wx.rows("SELECT status FROM cases")) == [("claimed",)]
    # wang's card is updated in place (update_template_card with the code the send returned).
    updates = wx.wecom_api.calls_to("/cgi-bin/message/update_template_card")
    assert updates and all(c.errcode == 0 for c in updates)
    wang_card = wx.wecom_api.cards("wang")[0]
    assert wang_card.replaced_button or wang_card.history

    # zhang asks; the resident answers in the window; zhang gets the answer.
    seen = len(wx.wechat_api.received("o_resident_1"))
    await zhang.press("❓ 询问居民")
    await got_wecom(wx.wecom_api, "zhang", "#1")
    await zhang.send_text("请问您和老板签了劳动合同吗？")
    await got(wx.wechat_api, "o_resident_1", "劳动合同", after=seen)
    resident = wx.resident("o_resident_1")
    await resident.send_text("签了，合同在我手里")
    await got_wecom(wx.wecom_api, "zhang", "合同在我手里")
    await got(wx.wechat_api, "o_resident_1", "转给了委员")
    await wx.settle()

    # Two days later zhang resolves: the request to rate goes out as the template.
    wx.manual.advance(49 * 3600)
    await zhang.press("✅ 办结")
    await got_wecom(wx.wecom_api, "zhang", "办理结果")
    await zhang.send_text("已协助您申请劳动仲裁")
    template = await got(wx.wechat_api, "o_resident_1", "请评价")
    assert template.kind == "template" and "#1" in template.text
    await wx.settle()
    assert not [r for r in wx.wechat_api.received("o_resident_1") if "劳动仲裁" in r.text]

    # The resident writes: the window opens, and what the template stood for comes first.
    seen = len(wx.wechat_api.received("o_resident_1"))
    wx.manual.advance(60)
    await resident.send_text("收到通知了")
    summary = await got(wx.wechat_api, "o_resident_1", "劳动仲裁", after=seen)
    assert summary.kind in ("text", "msgmenu")
    await resident.tap("😊 满意")
    await wx.settle()
    assert await wx.rows("SELECT status, rating FROM cases") == [("closed", "good")]
    assert await wx.rows("SELECT id, payload FROM outbox WHERE status != 'sent'") == []
    assert coordinator.user_id == "zhao" and wang.user_id == "wang"
