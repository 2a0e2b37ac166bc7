"""Members and coordinators in the WeCom app: commands typed as text, and a member joining by
typing the invitation code a coordinator made there."""

from __future__ import annotations

import re

import pytest

from tests.wx_e2e.conftest import ON_BOTH, WxBot, got_wecom
from tests.wx_e2e.test_wechat_life_e2e import file_on_wechat


@pytest.mark.parametrize("wx", ON_BOTH, indirect=True)
async def test_a_member_joins_by_typing_the_invitation_code(wx: WxBot) -> None:
    (zhao,) = await wx.make_coordinators("zhao")
    await zhao.send_text("/invite 法律")
    invitation = await got_wecom(wx.wecom_api, "zhao", "邀请码")
    assert "t.me" not in invitation.text
    code = re.search(r"：\n(\S+)", invitation.text)
    assert code is not None
    li = wx.member("li.ms")
    await li.send_text(code.group(1))
    await got_wecom(wx.wecom_api, "li.ms", "欢迎加入")
    await wx.settle()
    assert await wx.rows(
        "SELECT role, tank FROM people WHERE channel = 'wecom' AND external_id = 'li.ms'"
    ) == [("member", "law")]
    # The code worked once: typed again by someone else, it opens nothing.
    wang = wx.member("wang")
    wx.manual.advance(1)
    await wang.send_text(code.group(1))
    await got_wecom(wx.wecom_api, "wang", "邀请")
    assert await wx.rows("SELECT role FROM people WHERE external_id = 'wang'") == [("resident",)]


@pytest.mark.parametrize("wx", ON_BOTH, indirect=True)
async def test_staff_commands_work_typed_in_the_app(wx: WxBot) -> None:
    await wx.add_member("zhang", "law", "张律师")
    (zhao,) = await wx.make_coordinators("zhao")
    zhang = wx.member("zhang")
    await wx.settle()
    before = len(wx.wecom_api.received("zhang"))
    await zhang.send_text("/pending")
    answer = (await wx.wecom_api.wait_for("zhang", before + 1))[before]
    assert "不认识的命令" not in answer.text and "没有使用该命令的权限" not in answer.text
    await zhao.send_text("/stats")
    stats = await got_wecom(wx.wecom_api, "zhao", "统计")
    assert "案件总数" in stats.text
    await zhao.send_text("/help")
    await got_wecom(wx.wecom_api, "zhao", "/triage")


@pytest.mark.parametrize("wx", ON_BOTH, indirect=True)
async def test_reminders_reach_wecom_members_through_the_sweep(wx: WxBot) -> None:
    await wx.add_member("zhang", "law", "张律师")
    await file_on_wechat(wx, "o_waits")
    await got_wecom(wx.wecom_api, "zhang", "#1")
    wx.manual.advance(30 * 3600)  # past the claim deadline, outside the quiet hours or not
    for _ in range(3):  # a reminder held by the quiet hours goes when they end
        wx.route(await wx.service.sweep())
        wx.manual.advance(12 * 3600)
    reminder = await got_wecom(wx.wecom_api, "zhang", "#1", after=1)
    assert "期限" in reminder.text
