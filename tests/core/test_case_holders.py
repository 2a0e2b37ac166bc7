"""What the members holding a case see and may do, and what never reaches the wrong person: the
resident's location, a removed member, a refused /assign, transfer reasons, a closed case's buttons
and the holder's /case."""

from __future__ import annotations

from core.messages import Kind, Outbound
from core.models import CaseStatus
from core.service import Service
from tests.core.memory import MemoryState
from tests.core.test_casework import staff, to
from tests.core.test_intake import file_concern
from tests.support import Chat, Fetch

CONCERN = "老板拖欠工资三个月了"


def labels(message: Outbound) -> list[str]:
    return [b.text for row in message.buttons for b in row]


async def claimed(service: Service, fetch: Fetch, resident: Chat) -> tuple[Chat, Chat, Chat]:
    """A law case claimed by 张律师; returns 张律师, 李律师 and the coordinator."""
    zhang, li, _, zhao = await staff(service, fetch)
    await file_concern(resident, CONCERN)
    zhang.inbox.append(to("11", resident.everyone)[0])
    await zhang.press("认领")
    return zhang, li, zhao


# 4. A shared location


async def test_a_shared_location_reaches_the_holder_and_coordinators(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang, li, _, zhao = await staff(service, fetch)
    await resident.text(CONCERN)
    await resident.send(location=(39.51234, 118.10987))
    await resident.press("稻地镇")
    await resident.text("不留电话")
    assert "位置" in resident.last_text()  # the card says a location goes with it
    await resident.press("确认提交")
    assert not any("39.51234" in m.text for m in to("11", resident.everyone))
    zhang.inbox.append(to("11", resident.everyone)[0])
    out = await zhang.press("认领")
    assert [m.location for m in out if m.location] == [(39.51234, 118.10987)]
    assert "39.51234" in out[-1].text and "118.10987" in out[-1].text
    assert "39.51234" in (await zhao.command("case", "1"))[0].text
    assert "39.51234" not in (await li.command("case", "1"))[0].text


# 5. A removed member


async def test_removal_returns_resolved_cases_and_nothing_reaches_the_member_again(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang, _, zhao = await claimed(service, fetch, resident)
    await zhang.command("resolve", "1 已追回")
    resident.inbox.extend(to("501", zhang.everyone))
    out = await zhao.command("removemember", "1")
    assert "1 件" in out[0].text
    case = state.cases[1]
    assert case.status == CaseStatus.RESOLVED and case.assignee_id is None
    sent: list[Outbound] = []
    await resident.command("reply", "1 钱还没有到账")
    sent += resident.everyone
    await resident.press("不满意")
    sent += resident.everyone
    await resident.text("只追回了一半")
    sent += resident.everyone
    assert not [m for m in sent if m.chat_id == "11"]
    case = state.cases[1]
    assert case.status == CaseStatus.OPEN and case.assignee_id is None and case.tank == "law"
    assert any(m.chat_id == "12" and "#1" in m.text for m in sent)  # the tank hears of it again


async def test_a_closed_case_of_a_removed_member_sends_them_nothing(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang, _, zhao = await claimed(service, fetch, resident)
    await zhang.command("resolve", "1 已追回")
    resident.inbox.extend(to("501", zhang.everyone))
    await resident.press("满意")
    await zhao.command("removemember", "1")
    await resident.text("谢谢委员")
    assert [e.kind for e in state.events].count("comment") == 1
    assert not [m for m in resident.everyone if m.chat_id == "11"]


async def test_a_removed_members_old_notices_are_left_alone(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang, _, _, zhao = await staff(service, fetch)
    await file_concern(resident, CONCERN)
    await zhao.command("removemember", "2")
    zhang.inbox.append(to("11", resident.everyone)[0])
    await zhang.press("认领")
    assert [m.chat_id for m in zhang.everyone if m.kind == Kind.EDIT] == ["11"]


# 6. A refused /assign


async def test_a_refused_assign_edits_no_notice(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang, _, zhao = await claimed(service, fetch, resident)
    await zhang.command("resolve", "1 已追回")
    before = (len(state.events), state.cases[1].assignee_id, state.cases[1].status)
    out = await zhao.command("assign", "1 2")
    assert "不能" in out[0].text
    assert [m for m in zhao.everyone if m.kind == Kind.EDIT] == []
    assert len(zhao.everyone) == 1
    assert (len(state.events), state.cases[1].assignee_id, state.cases[1].status) == before


# 7. Transfer reasons


async def test_a_transfer_reason_stays_with_colleagues(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang, _, wang, zhao = await staff(service, fetch)
    await file_concern(resident, CONCERN)
    zhang.inbox.append(to("11", resident.everyone)[0])
    await zhang.press("转交")
    await zhang.press("经济")
    await zhang.text("当事人情绪激动，其实是合伙经营纠纷")
    assert not any("情绪激动" in m.text for m in to("501", zhang.everyone))
    view = (await resident.command("case", "1"))[0].text
    assert "经济" in view and "情绪激动" not in view
    assert "情绪激动" in (await wang.command("case", "1"))[0].text
    assert "情绪激动" in (await zhao.command("case", "1"))[0].text


# 9. A closed case's buttons


async def test_a_closed_cases_buttons_are_removed_and_refused(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang, _, _ = await claimed(service, fetch, resident)
    await zhang.command("reply", "1 我们正在联系劳动监察")
    resident.inbox.extend(to("501", zhang.everyone))
    await zhang.command("resolve", "1 已追回")
    resident.inbox.extend(to("501", zhang.everyone))
    await resident.press("满意")
    removals = [m for m in resident.everyone if m.kind == Kind.EDIT and not m.text]
    keyed = {m.key: m for m in state.outbox.values() if m.key}
    assert {m.chat_id for m in removals} == {"11", "501"}
    assert all(keyed[m.edit_key].buttons and not m.buttons for m in removals if m.edit_key)
    carried = {m.key for m in state.outbox.values() if m.case_id == 1 and m.buttons and m.key}
    assert {m.edit_key for m in removals} >= {k for k in carried if not k.startswith("notice")}
    for label in ("回复", "办结", "转交", "询问居民"):
        refusal = await zhang.press(label)
        assert refusal[0].alert and "已办结" in refusal[0].text, label
    refusal = await resident.press("回复")
    assert refusal[0].alert and "已办结" in refusal[0].text
    assert ("telegram", "11") not in state.dialogs


# 10. The holder's /case


async def test_the_holders_case_view_carries_the_claim_cards_actions(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang, li, _ = await claimed(service, fetch, resident)
    claim_card = zhang.inbox[-1]
    view = (await zhang.command("case", "1"))[0]
    report = "📝 据此写社情民意"  # the desk's button: staff of the case may cite it
    assert labels(view) == [*labels(claim_card), report] and "💬 回复" in labels(view)
    assert labels((await li.command("case", "1"))[0]) == [report]
    assert labels((await resident.command("case", "1"))[0]) == []
