"""Adding your voice from WeChat: the similar open case comes as a msgmenu of choices, a tap
adds the voice, and the resident is told of the case's outcome."""

from __future__ import annotations

from tests.wx_e2e.conftest import WxBot, got, got_wecom
from tests.wx_e2e.test_wechat_life_e2e import PHONE, file_on_wechat

AGAIN = "老板欠我们三个月工资不给，怎么办"


async def test_a_wechat_resident_adds_their_voice_by_a_tap(wx: WxBot) -> None:
    zhang = await wx.add_member("zhang", "law", "张律师")
    await file_on_wechat(wx, "o_author")
    neighbour = wx.resident("o_neighbour")
    api = wx.wechat_api
    await neighbour.subscribe()
    await got(api, "o_neighbour", "民情")
    await neighbour.send_text(AGAIN)
    await got(api, "o_neighbour", "哪个镇")
    await neighbour.tap("钱营镇")
    await got(api, "o_neighbour", "联系电话")
    await neighbour.send_text(PHONE)
    offered = await got(api, "o_neighbour", "您的邻居也反映过")
    assert offered.kind == "msgmenu", offered
    labels = [label for _, label in offered.menu]
    assert "➕ 附议 #1" in labels and "继续提交新的反映" in labels, labels
    assert PHONE not in offered.text and "老板拖欠" not in offered.text
    assert "<b>" not in offered.text, offered.text
    await neighbour.tap("➕ 附议 #1")
    added = await got(api, "o_neighbour", "添了一份声音")
    assert "#1" in added.text
    await wx.settle()
    assert await wx.rows("SELECT case_id, via FROM supporters") == [(1, "voice")]
    assert await wx.rows("SELECT count(*) FROM cases") == [(1,)]
    # The member resolves it on WeCom: the neighbour is told of the outcome, once.
    await got_wecom(wx.wecom_api, "zhang", "#1")
    await zhang.press("✋ 认领")
    await got(api, "o_author", "已由")
    await wx.settle()
    await zhang.press("✅ 办结")
    await got_wecom(wx.wecom_api, "zhang", "办理结果")
    await zhang.send_text("已协助申请劳动仲裁")
    told = await got(api, "o_neighbour", "您附议的反映")
    assert "#1" in told.text and "劳动仲裁" in told.text and "<b>" not in told.text
    await wx.settle()
    assert len([r for r in api.received("o_neighbour") if "您附议的反映" in r.text]) == 1
