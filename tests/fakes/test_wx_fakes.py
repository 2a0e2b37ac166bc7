"""The fake WeChat and WeCom servers themselves: windows, tokens, records and faults."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.fakes.wechat_api import TEMPLATE_ID, FakeWeChatAPI, field_problem
from tests.fakes.wecom_api import FakeWeComAPI
from tests.fakes.wx_platform import ManualClock


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=2) as client:
        yield client


async def call(
    http: httpx.AsyncClient, server: FakeWeChatAPI | FakeWeComAPI, path: str, body: dict[str, Any]
) -> int:
    token = server.issue_token()
    answer = await http.post(server.url + path, params={"access_token": token}, json=body)
    return int(answer.json()["errcode"])


def text(to: str, content: str) -> dict[str, Any]:
    return {"touser": to, "msgtype": "text", "text": {"content": content}}


async def test_click_grants_expire_after_a_minute_and_messages_renew_the_window(
    http: httpx.AsyncClient,
) -> None:
    clock = ManualClock()
    async with FakeWeChatAPI(clock=clock) as server:
        send = "/cgi-bin/message/custom/send"
        server.acted("oAnn", "click")
        assert [await call(http, server, send, text("oAnn", str(i))) for i in range(4)] == [
            0,
            0,
            0,
            45047,
        ]
        clock.advance(61)
        assert await call(http, server, send, text("oAnn", "late")) == 45015
        server.acted("oAnn", "message")
        server.acted("oAnn", "message")  # a second message resets the grant to 5, not 10
        codes = [await call(http, server, send, text("oAnn", str(i))) for i in range(6)]
        assert codes == [0, 0, 0, 0, 0, 45047]
        clock.advance(47 * 3600)
        server.acted("oAnn", "message")
        assert await call(http, server, send, text("oAnn", "renewed")) == 0
        assert [r.text for r in server.received("oAnn")][-1] == "renewed"
        assert len(server.received("oAnn")) == 3 + 5 + 1


async def test_reissued_tokens_overlap_for_five_minutes(http: httpx.AsyncClient) -> None:
    clock = ManualClock()
    async with FakeWeChatAPI(clock=clock) as server:
        old = server.issue_token()
        server.issue_token()
        path = server.url + "/cgi-bin/template/get_all_private_template"
        assert (await http.get(path, params={"access_token": old})).json()["errcode"] == 0
        clock.advance(301)
        assert (await http.get(path, params={"access_token": old})).json()["errcode"] == 42001
        assert (await http.get(path)).json()["errcode"] == 41001
        assert (await http.get(path, params={"access_token": "made-up"})).json()["errcode"] == 40001
        assert (await http.get(server.url + "/cgi-bin/nothing")).status_code == 404


async def test_templates_are_recorded_as_shown(http: httpx.AsyncClient) -> None:
    async with FakeWeChatAPI() as server:
        server.resident("oAnn")
        data = {
            "character_string1": "#7",
            "thing2": "井盖丢失",
            "phrase3": "已办结",
            "time4": "09:30",
        }
        body = {
            "touser": "oAnn",
            "template_id": TEMPLATE_ID,
            "data": {k: {"value": v} for k, v in data.items()},
        }
        assert await call(http, server, "/cgi-bin/message/template/send", body) == 0
        shown = server.received("oAnn")[0]
        assert shown.kind == "template"
        assert shown.text == "事项编号：#7\n事项：井盖丢失\n办理进度：已办结\n更新时间：09:30"
    assert field_problem("time4", "明天") is not None
    assert field_problem("character_string1", "＃7") is not None
    assert field_problem("thing2", "a\nb") is not None


async def test_wecom_cards_record_updates_and_faults_count(http: httpx.AsyncClient) -> None:
    async with FakeWeComAPI() as server:
        server.member("li")
        card = {
            "card_type": "button_interaction",
            "main_title": {"title": "#3"},
            "task_id": "t-1",
            "button_list": [{"text": "认领", "key": "case:claim:3"}],
        }
        body = {
            "touser": "li",
            "agentid": server.agent_id,
            "msgtype": "template_card",
            "template_card": card,
        }
        assert await call(http, server, "/cgi-bin/message/send", body) == 0
        code = server.press_code("t-1")
        update = {
            "userids": ["li"],
            "agentid": server.agent_id,
            "response_code": code,
            "button": {"replace_name": "已认领"},
        }
        assert await call(http, server, "/cgi-bin/message/update_template_card", update) == 0
        assert await call(http, server, "/cgi-bin/message/update_template_card", update) == 40058
        assert server.cards("li")[0].replaced_button == "已认领"
        server.faults.fail_next("/cgi-bin/message/send", "busy")
        assert (
            await call(
                http,
                server,
                "/cgi-bin/message/send",
                {**body, "msgtype": "text", "text": {"content": "x"}},
            )
            == -1
        )
        assert server.faults.injected["busy"] == 1
        assert len(server.received("li")) == 1
