"""A case's life over the fake store: claim races, messages both ways, transfer, resolve, rating."""

from __future__ import annotations

from core import roster
from core.messages import Kind, Outbound
from core.models import CaseStatus
from core.service import Service
from tests.core.memory import MemoryState
from tests.core.test_intake import file_concern
from tests.support import Chat, Clock, Fetch


async def staff(service: Service, fetch: Fetch) -> tuple[Chat, Chat, Chat, Chat]:
    """Two law members, an economy member and a coordinator."""
    async with service.open_unit() as uow:
        now, district = service.clock(), service.district
        await roster.add_member(uow, district, "telegram", "11", "law", now, name="张律师")
        await roster.add_member(uow, district, "telegram", "12", "law", now, name="李律师")
        await roster.add_member(uow, district, "telegram", "21", "economy", now, name="王经理")
        await roster.sync_coordinators(uow, "telegram", ["99"], now)
        await uow.commit()
    return (
        Chat(service, fetch, "11", name="张律师"),
        Chat(service, fetch, "12", name="李律师"),
        Chat(service, fetch, "21", name="王经理"),
        Chat(service, fetch, "99", name="赵协调"),
    )


def to(chat: str, out: list[Outbound]) -> list[Outbound]:
    return [m for m in out if m.chat_id == chat]


async def test_first_claim_wins_and_other_notices_say_who(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang, li, _, _ = await staff(service, fetch)
    await file_concern(resident, "老板拖欠工资三个月了")
    notice = to("11", resident.everyone)[0]
    assert [b.text for b in notice.buttons[0]] == ["✋ 认领", "🔀 转交", "📄 详情"]
    zhang.inbox.append(notice)
    li.inbox.append(to("12", resident.everyone)[0])
    won = await zhang.press("认领")
    assert won[0].kind == Kind.ANSWER and "#1" in won[0].text
    edits = [m for m in zhang.everyone if m.kind == Kind.EDIT]
    assert {m.chat_id for m in edits} == {"11", "12"} and all("张律师" in m.text for m in edits)
    assert any("张律师" in m.text for m in to("501", zhang.everyone))
    lost = await li.press("认领")
    assert lost[0].alert and "已被" in lost[0].text
    case = state.cases[1]
    assert (
        case.status == CaseStatus.CLAIMED
        and state.people[case.assignee_id or 0].external_id == "11"
    )


async def test_messages_flow_both_ways_and_sit_on_the_timeline(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang, _, _, _ = await staff(service, fetch)
    await file_concern(resident, "老板拖欠工资三个月了")
    zhang.inbox.append(to("11", resident.everyone)[0])
    await zhang.press("认领")
    await zhang.press("回复")
    out = await zhang.text("您好，请提供劳动合同。")
    to_resident = to("501", zhang.everyone)
    assert "#1" in to_resident[0].text and "劳动合同" in to_resident[0].text
    assert out[-1].text.startswith("已发送")
    assert state.cases[1].first_reply_at is not None
    resident.inbox.extend(to_resident)
    await resident.press("回复")
    await resident.text("合同在这里，老板不给钱")
    assert any("老板不给钱" in m.text for m in to("11", resident.everyone))
    await zhang.command("note", "1 已联系劳动监察大队")
    sides = [e.data.get("side") for e in state.events if e.kind == "message"]
    assert sides == ["member", "resident"]
    resident_view = (await resident.command("case", "1"))[0].text
    assert "劳动合同" in resident_view and "劳动监察" not in resident_view
    member_view = (await zhang.command("case", "1"))[0].text
    assert "劳动监察" in member_view


async def test_question_pauses_the_deadline_until_the_resident_answers(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch, clock: Clock
) -> None:
    zhang, _, _, _ = await staff(service, fetch)
    await file_concern(resident, "老板拖欠工资三个月了")
    zhang.inbox.append(to("11", resident.everyone)[0])
    await zhang.press("认领")
    await zhang.press("询问居民")
    await zhang.text("是哪家公司？")
    due = state.cases[1].due_at
    assert state.cases[1].waiting_since is not None and state.cases[1].next_check_at is None
    clock.advance(hours=5)
    await resident.command("reply", "1 是丰南某建筑公司")
    case = state.cases[1]
    assert case.waiting_since is None and case.due_at is not None and due is not None
    assert (case.due_at - due).total_seconds() == 5 * 3600


async def test_transfer_reroutes_and_keeps_a_correction(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang, _, _, _ = await staff(service, fetch)
    await file_concern(resident, "老板拖欠工资三个月了")
    zhang.inbox.append(to("11", resident.everyone)[0])
    await zhang.press("转交")
    await zhang.press("经济")
    await zhang.text("其实是企业经营纠纷")
    case = state.cases[1]
    assert case.tank == "economy" and case.status == CaseStatus.OPEN
    assert [(c.old_tank, c.new_tank) for c in state.corrections] == [("law", "economy")]
    assert any("#1" in m.text for m in to("21", zhang.everyone))
    assert any(m.kind == Kind.EDIT and "经济" in m.text for m in to("11", zhang.everyone))
    assert any("经济" in m.text for m in to("501", zhang.everyone))


async def test_resolve_rate_poor_reopens_and_tells_coordinators(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang, _, _, _ = await staff(service, fetch)
    await file_concern(resident, "老板拖欠工资三个月了")
    zhang.inbox.append(to("11", resident.everyone)[0])
    await zhang.press("认领")
    await zhang.press("办结")
    await zhang.text("已协调劳动监察部门，工资已追回。")
    rating_card = to("501", zhang.everyone)[0]
    assert [b.text for b in rating_card.buttons[0]] == ["😊 满意", "🙂 基本满意", "😞 不满意"]
    resident.inbox.append(rating_card)
    await resident.press("不满意")
    case = state.cases[1]
    assert case.status == CaseStatus.CLAIMED and case.rating == "poor"
    assert any("重新打开" in m.text for m in to("11", resident.everyone))
    assert any("不满意" in m.text for m in to("99", resident.everyone))
    await resident.text("钱只追回一半")
    assert any(e.kind == "comment" for e in state.events)


async def test_satisfied_rating_closes(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang, _, _, _ = await staff(service, fetch)
    await file_concern(resident, "老板拖欠工资三个月了")
    zhang.inbox.append(to("11", resident.everyone)[0])
    await zhang.press("认领")
    await zhang.command("resolve", "1 已追回")
    resident.inbox.extend(to("501", zhang.everyone))
    await resident.press("满意")
    assert state.cases[1].status == CaseStatus.CLOSED and state.cases[1].rating == "good"
    again = await resident.press("满意")
    assert again[0].alert


async def test_triage_route_by_coordinator(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    _, _, _, zhao = await staff(service, fetch)
    await file_concern(resident, "小区路灯坏了一个月了")
    notice = to("99", resident.everyone)[0]
    zhao.inbox.append(notice)
    await zhao.press("法律")
    assert state.cases[1].tank == "law" and state.cases[1].status == CaseStatus.OPEN
    assert [(c.old_tank, c.new_tank) for c in state.corrections] == [(None, "law")]
    assert any(m.chat_id == "11" for m in zhao.everyone)


async def test_invite_link_makes_a_member_once(
    service: Service, state: MemoryState, fetch: Fetch
) -> None:
    _, _, _, zhao = await staff(service, fetch)
    out = await zhao.command("invite", "农业 daodi")
    code = out[0].text.rsplit("/start ", 1)[1].strip()
    assert "t.me/minqing_bot?start=" in out[0].text
    newbie = Chat(service, fetch, "31", name="新委员")
    welcome = await newbie.command("start", code)
    assert "农业" in welcome[0].text
    person = next(p for p in state.people.values() if p.external_id == "31")
    assert person.tank == "agriculture" and person.station == "daodi"
    other = Chat(service, fetch, "32")
    assert "无效" in (await other.command("start", code))[0].text


async def test_every_role_is_checked_for_every_command(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang, _, wang, _ = await staff(service, fetch)
    await file_concern(resident, "老板拖欠工资三个月了")
    before = (dict(state.cases), len(state.events))
    for command in (
        "pending",
        "mine",
        "stats",
        "overdue",
        "triage",
        "assign",
        "find",
        "members",
        "invite",
        "removemember",
        "resolve",
        "transfer",
        "note",
    ):
        answer = await resident.command(command, "1 law x")
        assert "不是您能用的命令" in answer[0].text, command
    for command in ("stats", "assign", "invite", "removemember", "members"):
        assert "不是您能用的命令" in (await zhang.command(command, "1 law"))[0].text, command
    for data in (
        "case:claim:1",
        "case:resolve:1",
        "case:rate:1:good",
        "case:route:1:law",
        "case:xfer:1:law",
    ):
        assert (await wang.send(callback_id="q", callback_data=data))[0].alert, data
    assert (dict(state.cases), len(state.events)) == before
