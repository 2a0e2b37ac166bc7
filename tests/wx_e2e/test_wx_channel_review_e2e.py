"""The channels as their users and an attacker use them: what a closed window cannot carry is
held and delivered in order later even without a template, files reach WeCom, forged presses
and odd messages change nothing."""

from __future__ import annotations

import html
import io
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.context import District, notify
from core.engines import Classifier
from tests.fakes.wechat_api import FakeWeChatAPI
from tests.fakes.wecom_api import FakeWeComAPI
from tests.fakes.wx_platform import ManualClock
from tests.fakes.wx_users import xml_doc
from tests.wx_e2e.conftest import ACCOUNT, WxBot, got, got_wecom
from tests.wx_e2e.test_wechat_life_e2e import CONCERN, PHONE, file_on_wechat

HOURS_49 = 49 * 3600


@pytest.fixture
async def wx_plain(
    tmp_path: Path,
    district: District,
    classifier: Classifier,
    manual: ManualClock,
    wechat_api: FakeWeChatAPI,
    wecom_api: FakeWeComAPI,
) -> AsyncIterator[WxBot]:
    """The channels with an Official Account that has no notification template."""
    bot = WxBot(
        tmp_path / "minqing.db",
        district,
        classifier,
        manual,
        wechat_api,
        wecom_api,
        template_id=None,
    )
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()
        await bot.http.aclose()


async def test_without_a_template_a_closed_window_holds_the_answer(wx_plain: WxBot) -> None:
    wx = wx_plain
    zhang = await wx.add_member("zhang", "law", "张律师")
    await file_on_wechat(wx, "o_late")
    await got_wecom(wx.wecom_api, "zhang", "#1")
    await zhang.press("✋ 认领")
    await got(wx.wechat_api, "o_late", "已由")
    await wx.settle()
    wx.manual.advance(HOURS_49)  # the resident's 48 hours are over
    await zhang.press("💬 回复")
    await got_wecom(wx.wecom_api, "zhang", "#1")
    await zhang.send_text("请带上劳动合同来工作站")
    await wx.settle()
    assert await wx.rows("SELECT id FROM outbox WHERE status = 'failed'") == []
    before = len(wx.wechat_api.received("o_late"))
    await wx.resident("o_late").send_text("还有人管吗")
    await got(wx.wechat_api, "o_late", "劳动合同", after=before)
    await wx.settle()
    assert await wx.rows("SELECT id FROM outbox WHERE status = 'failed'") == []


async def test_a_wecom_coordinator_gets_the_ledger_as_a_file(wx: WxBot) -> None:
    (zhao,) = await wx.make_coordinators("zhao")
    await file_on_wechat(wx, "o_ledger")
    await wx.settle()
    before = len(wx.wecom_api.received("zhao"))
    await zhao.send_text("/export")
    await wx.settle()
    files = [d for d in wx.wecom_api.received("zhao")[before:] if d.kind == "file"]
    assert len(files) == 1 and files[0].upload is not None
    assert files[0].text.endswith(".xlsx")
    assert files[0].upload.content.startswith(b"PK")  # an Office Open XML package
    with zipfile.ZipFile(io.BytesIO(files[0].upload.content)) as package:
        sheets = html.unescape(b"".join(package.read(n) for n in package.namelist()).decode())
    assert CONCERN in sheets  # the ledger has the case ...
    assert "o_ledger" not in sheets  # ... but never the resident's OpenID
    assert await wx.rows("SELECT id FROM outbox WHERE status != 'sent'") == []


async def test_a_card_key_forged_for_another_members_case_changes_nothing(wx: WxBot) -> None:
    zhang = await wx.add_member("zhang", "law", "张律师")
    await wx.add_member("wang", "law", "王律师")
    await file_on_wechat(wx, "o_forged")
    await got_wecom(wx.wecom_api, "zhang", "#1")
    await zhang.press("✋ 认领")
    await got(wx.wechat_api, "o_forged", "已由")
    await wx.settle()
    keys = {key for card in wx.wecom_api.cards("zhang") for key, _ in card.buttons}
    own = [k for k in keys if "claim" not in k]
    assert own, keys  # zhang's card carries the keys of the claimed case's actions
    before = await wx.snapshot()
    wang = wx.member("wang")
    sent = len(wx.wechat_api.received("o_forged"))
    for key in sorted(own):
        wx.manual.advance(1)
        fields: list[tuple[str, str | int | float]] = [
            ("Event", "template_card_event"),
            ("EventKey", key),
            ("TaskId", wx.wecom_api.cards("zhang")[-1].task_id),
            ("CardType", "button_interaction"),
        ]
        assert (await wang.post("event", fields)).status == 200
    await wx.settle()
    after = await wx.snapshot()
    assert after["cases"] == before["cases"] and after["events"] == before["events"]
    assert wx.wechat_api.received("o_forged")[sent:] == []  # the resident hears of nothing
    shown = "\n".join(d.text for d in wx.wecom_api.received("wang"))
    assert "13800138000" not in shown and "o_forged" not in shown
    # Not even the member who holds the case is shown the resident's OpenID.
    assert "o_forged" not in "\n".join(d.text for d in wx.wecom_api.received("zhang"))


async def test_unsupported_messages_are_answered_with_what_wechat_can_send(wx: WxBot) -> None:
    resident = wx.resident("o_video")
    for msg_type in ("video", "shortvideo", "link", "file"):
        sent = len(wx.wechat_api.received("o_video"))
        fields: list[tuple[str, str | int | float]] = [("MediaId", "m1"), ("MsgId", 7000 + sent)]
        assert (await resident.post(msg_type, fields, "message")).text == "success"
        answer = await got(wx.wechat_api, "o_video", "这类消息", after=sent)
        # WeChat has no button that shares a phone number: the answer names none.
        assert "分享手机号" not in answer.text and "手机号" in answer.text
    await wx.settle()
    assert await wx.rows("SELECT count(*) FROM cases") == [(0,)]
    assert await wx.rows("SELECT count(*) FROM ingress WHERE handled_at IS NULL") == [(0,)]


async def test_at_the_contact_step_a_wechat_resident_is_told_to_type_the_number(
    wx: WxBot,
) -> None:
    api = wx.wechat_api
    resident = wx.resident("o_typed")
    await resident.send_text("小区门口的路灯坏了一个月了")
    await got(api, "o_typed", "哪个镇")
    await resident.tap("钱营镇")
    await got(api, "o_typed", "联系电话")
    sent = len(api.received("o_typed"))
    await resident.send_text("嗯")
    answer = (await api.wait_for("o_typed", sent + 1))[sent]
    assert "分享手机号" not in answer.text and "手机号" in answer.text


@pytest.fixture
async def wx_clear(
    tmp_path: Path,
    district: District,
    classifier: Classifier,
    manual: ManualClock,
    wechat_api: FakeWeChatAPI,
    wecom_api: FakeWeComAPI,
) -> AsyncIterator[WxBot]:
    """The channels with the Official Account in plain mode (no EncodingAESKey)."""
    bot = WxBot(
        tmp_path / "minqing.db",
        district,
        classifier,
        manual,
        wechat_api,
        wecom_api,
        safe_mode=False,
    )
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()
        await bot.http.aclose()


async def test_a_plain_mode_signature_is_not_reused_for_another_body(wx_clear: WxBot) -> None:
    wx = wx_clear
    honest = wx.resident("o_honest")
    first = await honest.send_text("小区门口的路灯坏了一个月了")
    assert first.text == "success"
    await got(wx.wechat_api, "o_honest", "哪个镇")
    await wx.settle()
    before = await wx.snapshot()
    # Plain mode signs only the timestamp and nonce: whoever saw one request's address could
    # send another body, as another resident, within the five minutes.
    forged = xml_doc(
        [
            ("ToUserName", ACCOUNT),
            ("FromUserName", "o_victim"),
            ("CreateTime", int(wx.manual())),
            ("MsgType", "text"),
            ("Content", "我要举报邻居"),
            ("MsgId", 123456789),
        ]
    ).encode()
    refused = await honest.poster.send("POST", first.params, forged)
    assert (refused.status, refused.text) == (403, "")
    # The platform's own retry, the same body byte for byte, is still taken (and is a no-op).
    assert (await honest.poster.replay(first)).text == "success"
    await wx.settle()
    assert await wx.snapshot() == before
    assert wx.wechat_api.received("o_victim") == []


async def test_a_notice_about_no_one_case_outside_the_window_is_held_not_lost(wx: WxBot) -> None:
    # The desk tells residents what became of what they raised, days later, naming no one case.
    await file_on_wechat(wx, "o_outcome")
    await wx.settle()
    wx.manual.advance(HOURS_49)
    async with wx.service.open_unit() as uow:
        resident = await uow.people.by_external("wechat", "o_outcome")
        assert resident is not None
        await notify(uow, resident, "📢 就您反映的问题（#1）召开了议事会：欠薪。", wx.clock())
        await uow.commit()
        wx.route(list(uow.queued))
    await wx.settle()
    assert await wx.rows("SELECT id FROM outbox WHERE status = 'failed'") == []
    before = len(wx.wechat_api.received("o_outcome"))
    await wx.resident("o_outcome").send_text("有结果了吗")
    await got(wx.wechat_api, "o_outcome", "召开了议事会", after=before)


async def test_a_photo_the_platform_will_not_take_reaches_the_member_as_a_link(wx: WxBot) -> None:
    await wx.add_member("zhang", "law", "张律师")
    api = wx.wechat_api
    resident = wx.resident("o_pic")
    await resident.send_image(b"\xff\xd8\xff\xe0 the wage slip")
    await got(api, "o_pic", "照片")
    await resident.send_text(CONCERN)
    await got(api, "o_pic", "哪个镇")
    await resident.tap("钱营镇")
    await got(api, "o_pic", "联系电话")
    await resident.send_text(PHONE)
    await got(api, "o_pic", "请确认您的反映")
    wx.wecom_api.faults.fail_next("/cgi-bin/media/upload", "40006")  # e.g. over 2 MB
    await resident.tap("✅ 确认提交")
    shown = await got_wecom(wx.wecom_api, "zhang", "http://files.example/files/")
    assert shown.kind == "text"
    await wx.settle()
    assert [d.kind for d in wx.wecom_api.received("zhang") if d.kind == "image"] == []
    assert await wx.rows("SELECT id FROM outbox WHERE status != 'sent'") == []


async def test_a_refused_template_still_keeps_the_answer_for_later(wx: WxBot) -> None:
    zhang = await wx.add_member("zhang", "law", "张律师")
    await file_on_wechat(wx, "o_refused")
    await got_wecom(wx.wecom_api, "zhang", "#1")
    await zhang.press("✋ 认领")
    await got(wx.wechat_api, "o_refused", "已由")
    await wx.settle()
    wx.manual.advance(HOURS_49)
    # The platform refuses the template (a field it will not take): the answer is not lost.
    wx.wechat_api.faults.fail_next("/cgi-bin/message/template/send", "47003")
    await zhang.press("💬 回复")
    await got_wecom(wx.wecom_api, "zhang", "#1")
    await zhang.send_text("请带上工资条来工作站")
    await wx.settle()
    assert await wx.rows("SELECT id FROM outbox WHERE status = 'failed'") == []
    before = len(wx.wechat_api.received("o_refused"))
    await wx.resident("o_refused").send_text("还有人管吗")
    await got(wx.wechat_api, "o_refused", "工资条", after=before)


async def test_a_menu_click_after_the_template_brings_the_held_answer(wx: WxBot) -> None:
    zhang = await wx.add_member("zhang", "law", "张律师")
    await file_on_wechat(wx, "o_click")
    await got_wecom(wx.wecom_api, "zhang", "#1")
    await zhang.press("✋ 认领")
    await got(wx.wechat_api, "o_click", "已由")
    await wx.settle()
    wx.manual.advance(HOURS_49)
    await zhang.press("💬 回复")
    await got_wecom(wx.wecom_api, "zhang", "#1")
    await zhang.send_text("请带上劳动合同来工作站")
    template = await got(wx.wechat_api, "o_click", "已答复")
    assert template.kind == "template"
    await wx.settle()
    # The template shows no invitation to write: the resident taps 我的反映 in the menu.
    before = len(wx.wechat_api.received("o_click"))
    await wx.resident("o_click").click("my")
    await got(wx.wechat_api, "o_click", "劳动合同", after=before)
    await wx.settle()
    assert await wx.rows("SELECT id FROM outbox WHERE status = 'failed'") == []


async def test_typed_answers_work_where_a_tap_would(wx: WxBot) -> None:
    api = wx.wechat_api
    resident = wx.resident("o_typist")
    await resident.send_text(CONCERN)
    await got(api, "o_typist", "哪个镇")
    await resident.send_text("钱营镇")
    await got(api, "o_typist", "联系电话")
    await resident.send_text("2")  # the second choice offered: 匿名反映
    await got(api, "o_typist", "请确认您的反映")
    await resident.send_text("确认")
    await got(api, "o_typist", "已受理")
    await wx.settle()
    assert await wx.rows("SELECT count(*), max(anonymous) FROM cases") == [(1, 1)]


async def test_a_voice_message_is_kept_and_the_resident_asked_for_words(wx: WxBot) -> None:
    resident = wx.resident("o_voice")
    await resident.send_voice(recognition=None)
    await wx.settle()
    (answer,) = wx.wechat_api.received("o_voice")
    assert "语音" in answer.text and "照片" not in answer.text  # not taken for a photo
    assert "文字" in answer.text  # the words are asked for, for routing
    assert await wx.rows("SELECT kind, content_type FROM files") == [("voice", "audio/amr")]
