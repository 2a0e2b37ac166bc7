"""A concern no think tank can take: coordinators answer the resident and refer it (转办)."""

from __future__ import annotations

import dataclasses
from datetime import time

import pytest

from core.context import District
from core.messages import Kind, Outbound
from core.models import CaseStatus
from core.service import Service
from tests.core.memory import MemoryState
from tests.core.test_casework import staff, to
from tests.core.test_intake import file_concern
from tests.support import Chat, Clock, Fetch

STREET_LIGHT = "小区门口的路灯坏了一个月了，晚上很黑"
URBAN = "丰南区城市管理综合行政执法局"


@pytest.fixture
def district(district: District) -> District:
    """No quiet hours: the sweep acts whenever the clock says."""
    return dataclasses.replace(district, quiet_start=time(0, 0), quiet_end=time(0, 0))


def sends(out: list[Outbound]) -> list[Outbound]:
    return [m for m in out if m.kind == Kind.SEND]


async def test_the_triage_notice_offers_a_way_out(
    service: Service, resident: Chat, fetch: Fetch
) -> None:
    await staff(service, fetch)
    await file_concern(resident, STREET_LIGHT)
    notice = to("99", resident.everyone)[0]
    assert [[b.text for b in row] for row in notice.buttons] == [
        ["法律", "经济", "农业"],
        ["💬 答复居民", "↪️ 转办"],
    ]
    assert [b.data for b in notice.buttons[1]] == ["refer:answer:1", "refer:pick:1"]


async def test_a_coordinator_answers_a_triaged_case_and_the_resident_answers_back(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    _, _, _, zhao = await staff(service, fetch)
    await file_concern(resident, STREET_LIGHT)
    zhao.inbox.extend(to("99", resident.everyone))
    prompt = await zhao.press("答复居民")
    assert "给居民的答复（#1）" in prompt[-1].text
    out = await zhao.text("请问是哪个小区？我们帮您问问。")
    assert out[-1].text == "已发送（#1）。"
    (asked,) = to("501", zhao.everyone)
    assert "协调员" in asked.text and "哪个小区" in asked.text
    assert asked.buttons[0][0].data == "case:reply:1"
    resident.inbox.append(asked)
    await resident.press("回复")
    out = await resident.text("幸福里小区东门")
    assert out[-1].text == "已发送（#1）。有回复我会马上告诉您。"  # not "kept until claimed"
    (told,) = to("99", resident.everyone)
    assert "幸福里小区东门" in told.text and "#1" in told.text
    assert [b.text for b in told.buttons[1]] == ["💬 答复居民", "↪️ 转办"]
    assert [e.kind for e in state.events][-2:] == ["answered", "message"]
    assert state.cases[1].status == CaseStatus.TRIAGE
    timeline = (await resident.command("case", "1"))[0].text
    assert "协调员：请问是哪个小区" in timeline and "幸福里小区东门" in timeline


async def test_a_coordinator_refers_a_triaged_case_and_the_resident_sees_and_rates_it(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch, clock: Clock
) -> None:
    _, _, _, zhao = await staff(service, fetch)
    await file_concern(resident, STREET_LIGHT)
    zhao.inbox.extend(to("99", resident.everyone))
    choose = await zhao.press("转办")
    assert "把 #1 转办至" in choose[-1].text
    assert choose[-1].buttons[0][0].data == "refer:to:1:rexian"
    assert len(choose[-1].buttons) == len(service.district.referral_bodies)
    await zhao.press("城市管理")
    clock.advance(hours=2)
    out = await zhao.text("路灯由城管局负责维修，已帮您登记；也可拨打 12345 催办。")
    assert out[-1].text == f"#1 已转办至{URBAN}，居民已收到说明。"
    case = state.cases[1]
    assert case.status == CaseStatus.REFERRED and case.closed_at == clock.now
    assert case.first_reply_at == clock.now and case.next_check_at is None
    edited = next(m for m in to("99", zhao.everyone) if m.kind == Kind.EDIT)
    assert f"已转办至{URBAN}" in edited.text and edited.buttons == ()
    (told,) = sends(to("501", zhao.everyone))
    assert URBAN in told.text and "可拨打 12345 热线转接" in told.text
    assert "路灯由城管局负责维修" in told.text
    assert [b.data for b in told.buttons[0]] == [
        "refer:rate:1:good",
        "refer:rate:1:fair",
        "refer:rate:1:poor",
    ]
    my = (await resident.command("my"))[0].text
    assert f"#1</b> · 已转办 · {URBAN}" in my
    timeline = (await resident.command("case", "1"))[0].text
    assert f"已转办\n🏛 {URBAN}" in timeline and f"转办至{URBAN}：路灯由城管局负责维修" in timeline
    resident.inbox.append(told)
    thanks = await resident.press("基本满意")
    assert thanks[0].kind == Kind.ANSWER and not thanks[0].alert
    assert "感谢您的评价" in thanks[-1].text
    assert state.cases[1].rating == "fair" and state.cases[1].status == CaseStatus.REFERRED
    again = await resident.press("满意")
    assert again[0].alert and state.cases[1].rating == "fair"
    words = await resident.command("reply", "1 还是没人修")
    assert "已转给其他部门办理" in words[0].text
    assert [e.kind for e in state.events].count("message") == 0


async def test_a_poor_rating_of_a_referral_tells_the_coordinators(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    _, _, _, zhao = await staff(service, fetch)
    await file_concern(resident, STREET_LIGHT)
    await zhao.command("refer", "1 rexian 请拨打 12345 反映路灯问题")
    resident.inbox.extend(to("501", zhao.everyone))
    await resident.press("不满意")
    assert state.cases[1].rating == "poor"
    assert any("转办答复不满意" in m.text for m in to("99", resident.everyone))


async def test_a_referral_is_rated_within_the_rating_window_only(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch, clock: Clock
) -> None:
    _, _, _, zhao = await staff(service, fetch)
    await file_concern(resident, STREET_LIGHT)
    await zhao.command("refer", "1 城市管理 路灯归城管局维修")
    clock.advance(days=7, seconds=1)
    late = await resident.send(callback_id="q", callback_data="refer:rate:1:good")
    assert late[0].alert and state.cases[1].rating is None


async def test_the_refer_command_takes_a_code_or_a_part_of_the_name(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    _, _, _, zhao = await staff(service, fetch)
    for number in range(3):
        await file_concern(Chat(service, fetch, f"50{number}"), STREET_LIGHT)
    usage = (await zhao.command("refer", "1"))[0].text
    assert usage.startswith("用法：/refer") and "jiaoyu · 丰南区教育局" in usage
    assert "用法" in (await zhao.command("refer", "1 nosuch 说明"))[0].text
    assert "用法" in (await zhao.command("refer", "1 丰南区 说明"))[0].text  # fits several
    assert "用法" in (await zhao.command("refer", "١ jiaoyu 说明"))[0].text
    assert all(c.status == CaseStatus.TRIAGE for c in state.cases.values())
    prompt = await zhao.command("refer", "1 jiaoyu")
    assert "为什么由丰南区教育局办理" in prompt[-1].text
    await zhao.text("学位分配由区教育局负责，请拨打 12345 咨询。")
    await zhao.command("refer", "2 教育 学位分配由区教育局负责")
    await zhao.command("refer", "3 交通运输 公交线路由交通运输局规划")
    events = [e for e in state.events if e.kind == "referred"]
    assert [(e.case_id, e.data["body"]) for e in events] == [
        (1, "jiaoyu"),
        (2, "jiaoyu"),
        (3, "jiaotong"),
    ]
    assert all(c.status == CaseStatus.REFERRED for c in state.cases.values())


async def test_a_coordinators_reply_on_a_triaged_case_is_an_answer(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    _, _, _, zhao = await staff(service, fetch)
    await file_concern(resident, STREET_LIGHT)
    out = await zhao.command("reply", "1 请补充具体位置")
    assert out[-1].text == "已发送（#1）。"
    assert any("请补充具体位置" in m.text for m in to("501", zhao.everyone))
    prompt = await zhao.command("reply", "1")
    assert "给居民的答复（#1）" in prompt[-1].text
    await zhao.text("收到，谢谢")
    assert [e.kind for e in state.events].count("answered") == 2


async def test_only_coordinators_answer_and_refer_and_only_cases_nobody_holds(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang, _, _, zhao = await staff(service, fetch)
    await file_concern(resident, STREET_LIGHT)
    await file_concern(Chat(service, fetch, "502"), "老板拖欠工资三个月了")
    await zhang.send(callback_id="q", callback_data="case:claim:2")
    before = (dict(state.cases), len(state.events))
    for chat, data in (
        (resident, "refer:pick:1"),
        (resident, "refer:to:1:rexian"),
        (resident, "refer:answer:1"),
        (zhang, "refer:pick:1"),
        (zhang, "refer:to:2:rexian"),
        (zhang, "refer:answer:2"),
        (zhao, "refer:to:1:nosuch"),
        (zhao, "refer:to:2:rexian"),
        (zhao, "refer:answer:2"),
        (zhao, "refer:rate:1:good"),
        (zhao, "refer:nope:1"),
    ):
        answer = await chat.send(callback_id="q", callback_data=data)
        assert answer[0].kind == Kind.ANSWER and answer[0].alert, data
    assert "不是您能用的命令" in (await zhang.command("refer", "1 rexian 说明"))[0].text
    assert "已有委员办理" in (await zhao.command("refer", "2 rexian 说明"))[0].text
    assert (dict(state.cases), len(state.events)) == before


async def test_an_unclaimed_case_in_a_tank_can_be_referred_and_its_notices_close(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang, _, _, zhao = await staff(service, fetch)
    await file_concern(resident, "老板拖欠工资三个月了，住的小区路灯也坏了")
    assert state.cases[1].status == CaseStatus.OPEN
    await zhao.command("refer", "1 chengguan 路灯归城管局维修")
    edits = [m for m in zhao.everyone if m.kind == Kind.EDIT]
    assert {m.chat_id for m in edits} == {"11", "12"}
    assert all(f"已转办至{URBAN}" in m.text and m.buttons == () for m in edits)
    refused = await zhang.send(callback_id="q", callback_data="case:claim:1")
    assert refused[0].alert and state.cases[1].assignee_id is None


async def test_the_sweep_stops_chasing_a_referred_case(
    service: Service, state: MemoryState, fetch: Fetch, clock: Clock
) -> None:
    _, _, _, zhao = await staff(service, fetch)
    await file_concern(Chat(service, fetch, "501"), STREET_LIGHT)
    await file_concern(Chat(service, fetch, "502"), "公交车改线了，去医院不方便")
    await zhao.command("refer", "1 chengguan 路灯归城管局维修")
    clock.advance(days=30)
    out = await fetch(await service.sweep())
    # only the one in triage: its coordinators are reminded, its resident told the answer is late
    assert [m.chat_id for m in out] == ["502", "99"] and "#2" in out[1].text
    clock.advance(days=30)
    assert await fetch(await service.sweep()) == []
    assert [e.kind for e in state.events if e.case_id == 1][-1] == "referred"


async def test_an_english_resident_reads_the_referral_in_english(
    service: Service, state: MemoryState, fetch: Fetch
) -> None:
    _, _, _, zhao = await staff(service, fetch)
    resident = Chat(service, fetch, "601", language="en")
    await resident.text("The street light outside our gate has been broken for a month")
    await resident.press("Daodi")
    await resident.text("No phone")
    await resident.press("Confirm")
    await zhao.command("refer", "1 chengguan 路灯归城管局维修")
    (told,) = sends(to("601", zhao.everyone))
    assert "the Fengnan urban management bureau" in told.text
    assert "call the 12345 hotline to be put through" in told.text
    assert "How satisfied" in told.text and "您的反映" not in told.text
    assert told.buttons[0][0].text == "😊 Satisfied"
    my = (await resident.command("my"))[0].text
    assert "referred" in my
