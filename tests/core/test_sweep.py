"""Deadlines, reminders and escalation: the sweep with an injected clock, never sleeping."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, time

import pytest

from core.cases import sweep
from core.context import District
from core.messages import Kind, Outbound
from core.models import CaseStatus
from core.service import Service
from tests.core.memory import MemoryState, MemoryUnitOfWork
from tests.core.test_casework import staff
from tests.core.test_intake import file_concern
from tests.support import Chat, Clock, Fetch, RuleClassifier


@pytest.fixture
def district(district: District) -> District:
    """No quiet hours unless a test sets them."""
    return dataclasses.replace(district, quiet_start=time(0, 0), quiet_end=time(0, 0))


async def run_sweep(service: Service, fetch: Fetch) -> list[Outbound]:
    return await fetch(await service.sweep())


async def test_full_ladder_of_an_unclaimed_case(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch, clock: Clock
) -> None:
    await staff(service, fetch)
    await file_concern(resident, "老板拖欠工资三个月了")  # claim due in 24 h
    assert await run_sweep(service, fetch) == []
    clock.advance(hours=18)  # 75 %
    out = await run_sweep(service, fetch)
    assert {m.chat_id for m in out} == {"11", "12"} and all("催办 #1" in m.text for m in out)
    assert out[0].buttons[0][0].data == "case:claim:1"
    clock.advance(hours=6)  # the claim deadline: given to the least-loaded member
    out = await run_sweep(service, fetch)
    case = state.cases[1]
    assert case.status == CaseStatus.CLAIMED and case.due_kind == "reply"
    assert any("已按工作量分派给您" in m.text for m in out)
    assert any(m.chat_id == "501" and "接手办理" in m.text for m in out)
    clock.advance(hours=72 - 24)  # the reply deadline (72 h from receipt)
    out = await run_sweep(service, fetch)
    holder = state.people[case.assignee_id or 0].external_id
    assert [m.chat_id for m in out] == [holder] and "已超过首次答复期限" in out[0].text
    clock.advance(hours=18)  # a quarter of 72 h past it: escalation
    out = await run_sweep(service, fetch)
    assert [m.chat_id for m in out] == ["99"] and "超期升级 #1" in out[0].text
    assert "办理委员" in out[0].text
    clock.advance(days=30)  # no answer by the time promised (Monday 17:30): the resident is told
    out = await run_sweep(service, fetch)
    assert [m.chat_id for m in out] == ["501"] and "原定 11月30日（周一）17:30 前" in out[0].text
    kinds = [e.kind for e in state.events]
    assert kinds.count("reminder") == 2 and kinds.count("escalated") == 1


async def test_least_loaded_member_at_the_station_gets_it(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch, clock: Clock
) -> None:
    zhang, _, _, _ = await staff(service, fetch)
    for number in (1, 2):
        await file_concern(Chat(service, fetch, f"70{number}"), "工资被拖欠了")
        await zhang.send(callback_id="q", callback_data=f"case:claim:{number}")
    await file_concern(resident, "老板拖欠工资三个月了")
    clock.advance(hours=24)
    await run_sweep(service, fetch)
    assert state.people[state.cases[3].assignee_id or 0].external_id == "12"


async def test_running_the_sweep_twice_sends_nothing_twice(
    service: Service, resident: Chat, fetch: Fetch, clock: Clock
) -> None:
    await staff(service, fetch)
    await file_concern(resident, "老板拖欠工资三个月了")
    clock.advance(hours=19)
    assert len(await run_sweep(service, fetch)) == 2
    assert await run_sweep(service, fetch) == []


async def test_three_days_down_costs_one_message_per_case(
    service: Service, state: MemoryState, fetch: Fetch, clock: Clock
) -> None:
    await staff(service, fetch)
    async with service.open_unit() as uow:  # the law tank loses its members: nobody to assign
        for person in await uow.people.members("law"):
            person.active = False
            await uow.people.update(person)
        await uow.commit()
    for number in range(3):
        await file_concern(Chat(service, fetch, f"80{number}"), "老板拖欠工资三个月了")
    clock.advance(days=3)
    out = await run_sweep(service, fetch)
    assert len(out) == 3 and all(m.chat_id == "99" and "超期升级" in m.text for m in out)
    assert await run_sweep(service, fetch) == []


async def test_a_question_pauses_reminders_until_answered(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch, clock: Clock
) -> None:
    zhang, _, _, _ = await staff(service, fetch)
    await file_concern(resident, "老板拖欠工资三个月了")
    await zhang.send(callback_id="q", callback_data="case:claim:1")
    await zhang.command("reply", "1 收到")  # first reply: resolve due in 15 days
    await zhang.press("询问居民")
    await zhang.text("合同还在吗？")
    clock.advance(days=20)
    assert await run_sweep(service, fetch) == []
    await resident.command("reply", "1 在的")
    case = state.cases[1]
    assert case.due_at is not None and case.due_at > clock.now
    clock.advance(days=11.25 - 0.001)
    assert await run_sweep(service, fetch) == []
    clock.advance(hours=1)
    assert [m.chat_id for m in await run_sweep(service, fetch)] == ["11"]


async def test_quiet_hours_hold_reminders_until_morning(
    state: MemoryState, district: District, classifier: RuleClassifier, fetch: Fetch
) -> None:
    quiet = dataclasses.replace(district, quiet_start=time(22, 0), quiet_end=time(8, 0))
    clock = Clock(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai
    service = Service(lambda: MemoryUnitOfWork(state), quiet, classifier, clock, None)  # type: ignore[arg-type]
    await staff(service, fetch)
    await file_concern(Chat(service, fetch, "501"), "老板拖欠工资三个月了")
    clock.advance(hours=18)  # 04:00 in Shanghai: quiet
    assert await run_sweep(service, fetch) == []
    assert state.cases[1].next_check_at == datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    clock.advance(hours=3, minutes=59)
    assert await run_sweep(service, fetch) == []
    clock.advance(minutes=1)  # 08:00 in Shanghai
    assert len(await run_sweep(service, fetch)) == 2


async def test_unrated_resolution_closes_after_seven_days(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch, clock: Clock
) -> None:
    zhang, _, _, _ = await staff(service, fetch)
    await file_concern(resident, "老板拖欠工资三个月了")
    await zhang.send(callback_id="q", callback_data="case:claim:1")
    await zhang.command("resolve", "1 已追回")
    clock.advance(days=7)
    out = await run_sweep(service, fetch)
    assert state.cases[1].status == CaseStatus.CLOSED and state.cases[1].rating is None
    assert [m.chat_id for m in out if m.kind == Kind.SEND] == ["501"]
    # The claim card's and the rating's buttons are taken off: the case is closed.
    removals = [m for m in out if m.kind == Kind.EDIT and not m.text and not m.buttons]
    # (the resident's two: the receipt's progress button and the rating's)
    assert sorted(m.chat_id for m in removals) == ["11", "501", "501"]


async def test_station_members_first_then_the_rest(
    service: Service, state: MemoryState, fetch: Fetch, clock: Clock
) -> None:
    await staff(service, fetch)
    async with service.open_unit() as uow:
        zhang = await uow.people.by_external("telegram", "11")
        assert zhang is not None
        zhang.station = "daodi"
        await uow.people.update(zhang)
        await uow.commit()
    resident = Chat(service, fetch, "501")
    await file_concern(resident, "老板拖欠工资三个月了")  # filed at 稻地镇
    assert [m.chat_id for m in resident.everyone if m.kind == Kind.SEND and m.chat_id != "501"] == [
        "11"
    ]
    clock.advance(hours=2)
    out = await run_sweep(service, fetch)
    assert [m.chat_id for m in out] == ["12"] and "#1" in out[0].text
    assert await run_sweep(service, fetch) == []


async def test_extension_once_and_everyone_told(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang, _, _, _ = await staff(service, fetch)
    await file_concern(resident, "老板拖欠工资三个月了")
    await zhang.send(callback_id="q", callback_data="case:claim:1")
    due = state.cases[1].due_at
    out = await zhang.command("extend", "1 5 需要等劳动仲裁结果")
    assert state.cases[1].due_at is not None and due is not None
    assert (state.cases[1].due_at - due).days == 5
    assert {"99", "501"} <= {m.chat_id for m in zhang.everyone}
    assert "延至" in out[-1].text
    assert "已延期" in (await zhang.command("extend", "1 2 再延"))[0].text


def test_sweep_reached_counts_rungs(clock: Clock) -> None:
    from core.cases.lifecycle import set_due
    from core.models import Case

    case = Case(1, 1, "x", clock.now, clock.now, status=CaseStatus.OPEN)
    set_due(case, "claim", clock.now, 24)
    assert sweep.reached(case, clock.advance(hours=17)) == 0
    assert sweep.reached(case, clock.advance(hours=1)) == 1
    assert sweep.reached(case, clock.advance(hours=6)) == 2
    assert sweep.reached(case, clock.advance(hours=6)) == 3


async def test_a_large_sweep_goes_in_short_transactions_and_misses_nothing(
    service: Service,
    state: MemoryState,
    fetch: Fetch,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await staff(service, fetch)
    for i in range(5):
        await file_concern(Chat(service, fetch, f"80{i}"), "老板拖欠工资三个月了")
    monkeypatch.setattr(sweep, "BATCH", 2)
    opened = []
    open_unit = service.open_unit

    def counted() -> MemoryUnitOfWork:
        opened.append(1)
        return open_unit()  # type: ignore[return-value]

    service.open_unit = counted
    clock.advance(hours=19)
    await run_sweep(service, fetch)
    # 2 + 2 + 1 cases, each batch its own transaction; then the desk's proposals and meetings
    assert len(opened) == 3 + 1
    assert [case.remind_level for case in state.cases.values()] == [1] * 5


async def test_an_auto_assigned_case_says_whom_it_went_to_not_that_they_claimed_it(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch, clock: Clock
) -> None:
    await staff(service, fetch)
    await file_concern(resident, "老板拖欠工资三个月了")
    clock.advance(hours=24)
    out = await run_sweep(service, fetch)
    holder = state.people[state.cases[1].assignee_id or 0]
    kinds = [e.kind for e in state.events if e.case_id == 1]
    assert "claimed" not in kinds and kinds.count("auto_assigned") == 1
    card = next(m for m in out if m.chat_id == holder.external_id and m.kind == Kind.SEND)
    assert f"超时无人接手，安排{holder.name}委员办理" in card.text
    assert "委员认领" not in card.text and "接手办理" not in card.text
    timeline = (await Chat(service, fetch, "99").command("case", "1"))[0].text
    assert "安排" in timeline and "委员认领" not in timeline
