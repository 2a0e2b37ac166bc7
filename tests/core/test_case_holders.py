"""What the members holding a case see and may do, and what never reaches the wrong person: the
resident's location, a removed member, a refused /assign, transfer reasons, a closed case's buttons
and the holder's /case."""

from __future__ import annotations

from core.messages import Kind, Outbound
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
