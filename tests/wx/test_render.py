"""Outbound messages rendered for WeChat and WeCom, and accepted by the fake platforms."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from core.callbacks import pack, parse
from core.messages import Button, Outbound
from handlers.wx.plain import html_to_plain, split_bytes
from handlers.wx.wechat_api import WeChatClient
from handlers.wx.wechat_render import (
    TemplateKeys,
    missing_template_keys,
    render_custom,
    render_template,
)
from handlers.wx.wecom_api import WeComClient
from handlers.wx.wecom_render import render_card, render_wecom, task_id_for
from tests.fakes.wechat_api import TEMPLATE_ID, FakeWeChatAPI
from tests.fakes.wecom_api import FakeWeComAPI

SHANGHAI = ZoneInfo("Asia/Shanghai")
CONFIRM = Outbound(
    chat_id="oAnn",
    text="<b>请确认您的反映</b>\n内容：路灯坏了 &lt;script&gt; &amp; =1+1",
    buttons=(
        (Button(text="✅ 确认提交", data=pack("intake", "confirm")),),
        (
            Button(text="✏️ 修改", data=pack("intake", "edit")),
            Button(text="取消", data="intake:cancel"),
        ),
    ),
)


def test_html_becomes_plain_text_and_user_strings_stay_text() -> None:
    assert html_to_plain("<b>案件</b> &lt;b&gt;x&lt;/b&gt; &amp;amp;") == "案件 <b>x</b> &amp;"
    assert html_to_plain('<i>看</i> <a href="https://x.org/a">链接</a> <code>#12</code>') == (
        "看 链接 (https://x.org/a) #12"
    )
    assert html_to_plain('<a href="https://x.org">https://x.org</a>') == "https://x.org"
    assert html_to_plain("a<br>b\x00\x07c") == "a\nbc"
    assert html_to_plain("<b>unclosed") == "unclosed"


def test_split_bytes_keeps_lines_and_characters_whole() -> None:
    text = "\n".join(["长" * 300, "短行", "长" * 1000])  # 900 + 6 + 3000 bytes
    parts = split_bytes(text, 2048)
    assert all(len(p.encode()) <= 2048 for p in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")
    assert parts[0] == "长" * 300 + "\n短行"
    assert split_bytes("", 2048) == [""]


def test_wechat_text_and_msgmenu() -> None:
    [menu] = render_custom("oAnn", CONFIRM)
    assert menu["msgtype"] == "msgmenu"
    body = menu["msgmenu"]
    assert body["head_content"] == "请确认您的反映\n内容：路灯坏了 <script> & =1+1"
    assert [(i["id"], i["content"]) for i in body["list"]] == [
        ("intake:confirm", "✅ 确认提交"),
        ("intake:edit", "✏️ 修改"),
        ("intake:cancel", "取消"),
    ]
    tapped = parse(body["list"][0]["id"])  # what comes back as bizmsgmenuid parses as button data
    assert tapped is not None and (tapped.scope, tapped.action) == ("intake", "confirm")
    plain = render_custom("oAnn", Outbound(chat_id="oAnn", text="<b>#12</b> 已受理"))
    assert plain == [{"touser": "oAnn", "msgtype": "text", "text": {"content": "#12 已受理"}}]


def test_wechat_long_text_and_many_buttons_are_split() -> None:
    many = tuple((Button(text=f"站点{i}", data=f"station:pick:{i}"),) for i in range(12))
    payloads = render_custom("oAnn", Outbound(chat_id="oAnn", text="长" * 1000, buttons=many))
    kinds = [p["msgtype"] for p in payloads]
    assert kinds == ["text", "msgmenu", "msgmenu"]
    assert len(payloads[1]["msgmenu"]["list"]) == 10 and len(payloads[2]["msgmenu"]["list"]) == 2
    assert payloads[2]["msgmenu"]["head_content"] == ""
    with pytest.raises(ValueError, match="same callback data"):
        render_custom(
            "oAnn",
            Outbound(
                chat_id="oAnn",
                text="x",
                buttons=((Button(text="a", data="a:b"), Button(text="b", data="a:b")),),
            ),
        )


def test_template_fields_fit_their_rules() -> None:
    payload = render_template(
        "oAnn",
        TEMPLATE_ID,
        case_number="#12",
        concern="<b>路灯</b>坏了\n好几天了，晚上出门很不安全，希望尽快修理一下",
        progress="已答复",
        updated=datetime(2026, 11, 29, 6, 30, tzinfo=UTC),
        zone=SHANGHAI,
    )
    data = {k: v["value"] for k, v in payload["data"].items()}
    assert data == {
        "character_string1": "#12",
        "thing2": "路灯坏了 好几天了，晚上出门很不安全，…",
        "phrase3": "已答复",
        "time4": "2026-11-29 14:30",
    }
    assert len(data["thing2"]) == 20
    for bad in ("answered", "已经答复了的", ""):
        with pytest.raises(ValueError, match="Chinese"):
            render_template(
                "o",
                "t",
                case_number="#1",
                concern="x",
                progress=bad,
                updated=datetime(2026, 1, 1, tzinfo=UTC),
                zone=SHANGHAI,
            )
    odd = render_template(
        "o",
        "t",
        case_number="＃12 号",
        concern="",
        progress="待补充",
        updated=datetime(2026, 1, 1, tzinfo=UTC),
        zone=SHANGHAI,
        keys=TemplateKeys(number="keyword1"),
    )
    assert odd["data"]["keyword1"]["value"] == "12" and odd["data"]["thing2"]["value"] == "-"


def test_template_key_check() -> None:
    templates = [
        {"template_id": TEMPLATE_ID, "content": "{{character_string1.DATA}} {{thing2.DATA}}"}
    ]
    assert missing_template_keys(templates, TEMPLATE_ID, TemplateKeys()) == ["phrase3", "time4"]
    assert missing_template_keys(templates, "other", TemplateKeys()) is None


def test_wecom_card_and_task_ids() -> None:
    card = render_card(CONFIRM, task_id_for("case:12:notice", 4711))
    assert card["task_id"] == "case-12-notice-4711"
    assert card["main_title"] == {"title": "请确认您的反映"}
    assert card["sub_title_text"] == "内容：路灯坏了 <script> & =1+1"
    assert [(b["key"], b["text"]) for b in card["button_list"]] == [
        ("intake:confirm", "✅ 确认提交"),
        ("intake:edit", "✏️ 修改"),
        ("intake:cancel", "取消"),
    ]
    long_id = task_id_for("名" * 200, "row-1")
    assert len(long_id.encode()) <= 128 and long_id.endswith("-row-1")
    too_many = tuple((Button(text=str(i), data=f"a:b:{i}"),) for i in range(7))
    with pytest.raises(ValueError, match="1-6"):
        render_card(Outbound(chat_id="u", text="x", buttons=too_many), "t-1")


def test_wecom_long_card_text_goes_first_as_text() -> None:
    long = Outbound(chat_id="u", text="标题\n" + "正文" * 100, buttons=CONFIRM.buttons)
    payloads = render_wecom("zhang", long, "case-1-1")
    assert [p["msgtype"] for p in payloads] == ["text", "template_card"]
    assert payloads[0]["text"]["content"] == "标题\n" + "正文" * 100
    short = render_wecom("zhang", CONFIRM, "case-1-2", details=[("事项编号号码", "#12")])
    assert [p["msgtype"] for p in short] == ["template_card"]
    assert short[0]["template_card"]["horizontal_content_list"] == [
        {"keyname": "事项编号号", "value": "#12"}
    ]
    assert render_wecom("zhang", Outbound(chat_id="u", text="<b>hi</b>"), "t") == [
        {"touser": "zhang", "msgtype": "text", "text": {"content": "hi"}}
    ]


async def test_rendered_payloads_are_accepted_by_the_fakes(
    wechat_api: FakeWeChatAPI, wechat: WeChatClient, wecom_api: FakeWeComAPI, wecom: WeComClient
) -> None:
    wechat_api.acted("oAnn", "message")
    for payload in render_custom("oAnn", CONFIRM):
        await wechat.send_custom(payload)
    assert wechat_api.received("oAnn")[0].menu[0] == ("intake:confirm", "✅ 确认提交")
    await wechat.send_template(
        render_template(
            "oAnn",
            TEMPLATE_ID,
            case_number="#12",
            concern="路灯坏了" * 10,
            progress="请评价",
            updated=datetime(2026, 11, 29, tzinfo=UTC),
            zone=SHANGHAI,
        )
    )
    assert wechat_api.received("oAnn")[-1].kind == "template"
    wecom_api.member("zhang")
    for payload in render_wecom("zhang", CONFIRM, task_id_for("confirm", 1)):
        await wecom.send(payload)
    assert wecom_api.cards("zhang")[0].buttons[0] == ("intake:confirm", "✅ 确认提交")
