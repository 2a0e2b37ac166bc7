"""The WeCom client against the fake platform: tokens, cards, card updates, errcodes."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.delivery import Rejected, RetryLater, Unreachable
from handlers.wx.wecom_api import WeComClient
from tests.fakes.wecom_api import FakeWeComAPI
from tests.fakes.wx_platform import ManualClock

ZHANG = "zhang.lawyer"


def card(task_id: str = "case-12-1", *keys: str) -> dict[str, Any]:
    buttons = [{"text": k.split(":")[1], "style": 1, "key": k} for k in keys or ("case:claim:12",)]
    return {
        "card_type": "button_interaction",
        "main_title": {"title": "#12 路灯坏了", "desc": "法律"},
        "sub_title_text": "稻地镇 · 2 小时前",
        "task_id": task_id,
        "button_list": buttons,
    }


async def test_text_markdown_and_token_reuse(wecom_api: FakeWeComAPI, wecom: WeComClient) -> None:
    wecom_api.member(ZHANG)
    await wecom.send_text(ZHANG, "您好")
    await wecom.send_markdown(ZHANG, "**#12** 已认领")
    assert [(d.kind, d.text) for d in wecom_api.received(ZHANG)] == [
        ("text", "您好"),
        ("markdown", "**#12** 已认领"),
    ]
    assert len(wecom_api.calls_to("/cgi-bin/gettoken")) == 1
    wecom_api.expire_tokens()
    await wecom.send_text(ZHANG, "再来")
    sends = wecom_api.calls_to("/cgi-bin/message/send")
    assert [c.errcode for c in sends] == [0, 0, 42001, 0]
    wecom_api.revoke_tokens()
    await wecom.send_text(ZHANG, "又来")
    assert [c.errcode for c in wecom_api.calls_to("/cgi-bin/message/send")][-2:] == [40014, 0]


async def test_card_press_and_update_once(
    wecom_api: FakeWeComAPI, wecom: WeComClient, wx_clock: ManualClock
) -> None:
    wecom_api.member(ZHANG)
    sent = await wecom.send_card(ZHANG, card("case-12-1", "case:claim:12", "case:show:12"))
    assert sent.msgid and sent.response_code
    assert wecom_api.cards(ZHANG)[0].buttons == [
        ("case:claim:12", "claim"),
        ("case:show:12", "show"),
    ]
    pressed = wecom_api.press_code("case-12-1")
    await wecom.update_card([ZHANG], pressed, replace_name="已认领")
    assert wecom_api.cards(ZHANG)[0].replaced_button == "已认领"
    with pytest.raises(Rejected, match="response_code"):  # a code works once
        await wecom.update_card([ZHANG], pressed, replace_name="again")
    await wecom.update_card([ZHANG], sent.response_code, card=card("case-12-1", "case:reply:12"))
    assert wecom_api.cards(ZHANG)[0].buttons == [("case:reply:12", "reply")]
    late = wecom_api.press_code("case-12-1")
    wx_clock.advance(72 * 3600)
    with pytest.raises(Rejected, match="72"):
        await wecom.update_card([ZHANG], late, replace_name="too late")


async def test_card_rules(wecom_api: FakeWeComAPI, wecom: WeComClient) -> None:
    wecom_api.member(ZHANG)
    await wecom.send_card(ZHANG, card("case-12-1"))
    for bad in (
        card("case-12-1"),  # task ids never repeat
        card("case:12"),  # ':' is not allowed in a task id
        card("t" * 129),
        card("case-12-2", *(f"a:{i}" for i in range(7))),
        card("case-12-3", "a:x", "a:x"),
        card("case-12-4", "a:" + "k" * 1024),
    ):
        with pytest.raises(Rejected):
            await wecom.send_card(ZHANG, bad)
    assert len(wecom_api.cards(ZHANG)) == 1


async def test_members_outside_the_app_and_rate_limits(
    wecom_api: FakeWeComAPI, wecom: WeComClient
) -> None:
    with pytest.raises(Unreachable):
        await wecom.send_text("left.the.corp", "hi")
    wecom_api.member("moved.away")
    wecom_api.outside.add("moved.away")
    with pytest.raises(Unreachable, match=r"moved\.away"):
        await wecom.send_text("moved.away", "hi")
    assert wecom_api.received("moved.away") == []
    wecom_api.member(ZHANG)
    wecom_api.per_member_per_minute = 2
    await wecom.send_text(ZHANG, "1")
    await wecom.send_text(ZHANG, "2")
    with pytest.raises(RetryLater):
        await wecom.send_text(ZHANG, "3")
    for kind in ("busy", "5xx"):
        wecom_api.faults.fail_next("/cgi-bin/message/send", kind)
        with pytest.raises(RetryLater):
            await wecom.send_text(ZHANG, kind)


async def test_escaped_bodies_show_escapes(wecom_api: FakeWeComAPI, wecom: WeComClient) -> None:
    wecom_api.member(ZHANG)
    await wecom.send_text(ZHANG, "你好")
    answer = await wecom.http.post(
        wecom_api.url + "/cgi-bin/message/send",
        params={"access_token": next(iter(wecom_api.tokens))},
        content=b'{"touser":"zhang.lawyer","agentid":1000002,"msgtype":"text",'
        b'"text":{"content":"\\u4f60\\u597d"}}',
    )
    assert answer.json()["errcode"] == 0
    assert [d.text for d in wecom_api.received(ZHANG)] == ["你好", "\\u4f60\\u597d"]


async def test_media_download_and_wrong_secret(wecom_api: FakeWeComAPI, wecom: WeComClient) -> None:
    media_id = wecom_api.add_media(b"\x89PNG", "image/png")
    media = await wecom.download_media(media_id)
    assert (media.content, media.content_type) == (b"\x89PNG", "image/png")
    with pytest.raises(Rejected):
        await wecom.download_media("nope")
    wrong = WeComClient(wecom_api.corp_id, wecom_api.agent_id, "wrong", wecom_api.url)
    with pytest.raises(RetryLater):
        await wrong.send_text(ZHANG, "x")
    await wrong.aclose()


async def test_file_upload_send_and_token_refresh(
    wecom_api: FakeWeComAPI, wecom: WeComClient
) -> None:
    wecom_api.member(ZHANG)
    await wecom.send_text(ZHANG, "您好")
    wecom_api.expire_tokens()  # the upload refreshes the token and is made once more
    media_id = await wecom.upload_file(
        "台账.xlsx", "application/vnd.ms-excel", b"PK\x03\x04 ledger"
    )
    uploads = wecom_api.calls_to("/cgi-bin/media/upload")
    assert [c.errcode for c in uploads] == [42001, 0]
    await wecom.send_file(ZHANG, media_id)
    sent = wecom_api.received(ZHANG)[-1]
    assert sent.kind == "file" and sent.upload is not None
    assert (sent.upload.filename, sent.upload.content) == ("台账.xlsx", b"PK\x03\x04 ledger")
    with pytest.raises(Rejected):  # the platform takes no file of 5 bytes or less
        await wecom.upload_file("empty.txt", "text/plain", b"")
    with pytest.raises(Rejected):
        await wecom.send_file(ZHANG, "never-uploaded")
