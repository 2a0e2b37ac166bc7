"""A case's whole life over the wire (issue #3): filed, raced for, answered both ways,
resolved, rated 不满意 and reopened, seen by the coordinator in /stats and, late, /overdue."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.conftest import RunningBot, answer_of
from tests.e2e.test_intake_e2e import CONCERN, file_concern
from tests.fakes import FakeUser


async def claim_race(a: FakeUser, b: FakeUser) -> tuple[FakeUser, FakeUser]:
    """Both press 认领 on their notice at once; returns (winner, loser) by their answers."""
    press_a, press_b = await asyncio.gather(a.press("✋ 认领"), b.press("✋ 认领"))
    answer_a, answer_b = await asyncio.gather(answer_of(a, press_a), answer_of(b, press_b))
    won = [u for u, ans in ((a, answer_a), (b, answer_b)) if ans.text == "您已认领 #1"]
    lost = [
        u
        for u, ans in ((a, answer_a), (b, answer_b))
        if ans.text == "该案件已被其他委员认领。" and ans.show_alert
    ]
    assert len(won) == 1 and len(lost) == 1, (answer_a, answer_b)
    return won[0], lost[0]


@pytest.fixture
def bot(any_bot: RunningBot) -> RunningBot:
    """The bot on SQLite and on PostgreSQL: the case loop holds on both."""
    return any_bot


class Loop:
    """The people of a case's life, once it has been rated 不满意 and reopened."""

    def __init__(
        self, winner: FakeUser, loser: FakeUser, resident: FakeUser, coordinator: FakeUser
    ):
        self.winner, self.loser, self.resident, self.coordinator = (
            winner,
            loser,
            resident,
            coordinator,
        )


async def reopened_case(bot: RunningBot) -> Loop:
    """Issue #3's case loop, checked step by step, up to the reopening."""
    zhang = await bot.add_member(601, "law", "张律师")
    wang = await bot.add_member(602, "law", "王律师")
    (coordinator,) = await bot.make_coordinators((700, "赵协调"))
    resident = bot.server.user(1101, "王小明")

    await file_concern(resident)
    await zhang.wait_text("新案件 #1")
    await wang.wait_text("新案件 #1")

    # Two members race to claim: exactly one wins; every notice says who took it.
    winner, loser = await claim_race(zhang, wang)
    name = winner.user["first_name"]
    edited = await loser.wait_for(
        lambda m: m.edited and f"已由{name}委员认领" in (m.text or ""),
        include_consumed=True,
        what="the loser's notice, edited",
    )
    assert edited.buttons() == []
    winner_person = await bot.person(winner.id)
    assert winner_person is not None
    assert await bot.rows("SELECT status, assignee_id FROM cases") == [
        ("claimed", winner_person.id)
    ]
    detail = await winner.wait_text("案件 #1")
    assert "13800138000" in (detail.text or "")  # the assignee sees the contact
    told = await resident.wait_text("已由")
    assert name in (told.text or "")

    # The member writes; the resident answers by replying to that message.
    await winner.press("case:reply:1")
    await winner.wait_text("请输入关于 #1 的回复内容")
    await winner.send_text("您好，请问您和老板签了劳动合同吗？")
    await winner.wait_text("已发送（#1）")
    letter = await resident.wait_text("劳动合同")
    assert "#1" in (letter.text or "") and name in (letter.text or "")
    await resident.send_text("签了，合同在我手里", reply_to_message_id=letter.message_id)
    await resident.wait_text("已发送（#1）")
    answer = await winner.wait_text("合同在我手里")
    assert "#1" in (answer.text or "")

    # The member resolves with a summary; the resident rates 不满意 and the case reopens.
    await winner.press("case:resolve:1")
    await winner.wait_text("请写下 #1 的办理结果")
    await winner.send_text("已协助您申请劳动仲裁")
    await winner.wait_text("#1 已办结")
    resolved = await resident.wait_text("已办结")
    assert "已协助您申请劳动仲裁" in (resolved.text or "")
    assert resolved.button_texts() == ["😊 满意", "🙂 基本满意", "😞 不满意"]
    rating = await resident.press("😞 不满意")
    assert (await answer_of(resident, rating)).text == "感谢评价"
    await resident.wait_text("已重新交由委员继续办理")
    reopened = await winner.wait_text("已重新打开")
    assert "不满意" in (reopened.text or "")
    await coordinator.wait_text("#1 居民评价不满意，已重开")
    assert await bot.rows("SELECT status, rating, resolved_at FROM cases") == [
        ("claimed", "poor", None)
    ]
    assert [r[0] for r in await bot.rows("SELECT kind FROM case_events ORDER BY id")] == [
        "created",
        "claimed",
        "message",
        "message",
        "resolved",
        "rated",
    ]
    return Loop(winner, loser, resident, coordinator)


async def test_the_whole_case_loop(bot: RunningBot) -> None:
    loop = await reopened_case(bot)
    coordinator = loop.coordinator
    await coordinator.send_command("/stats", "all")
    stats = await coordinator.wait_text("统计")
    text = stats.text or ""
    assert "案件总数：1" in text and "办理中 1" in text and "法律：办理中 1" in text
    assert "满意率（满意+基本满意）：0% (0/1)" in text
    await bot.drain()
    assert not bot.server.state.open_queries  # every press was answered
    assert await bot.rows("SELECT count(*) FROM outbox WHERE status != 'sent'") == [(0,)]


async def test_the_reopened_case_is_overdue_once_its_deadline_passed(bot: RunningBot) -> None:
    loop = await reopened_case(bot)
    coordinator = loop.coordinator
    await coordinator.send_command("/overdue")
    empty = await coordinator.next_message()
    assert "超期案件" in (empty.text or ""), empty.text
    assert "#1" not in (empty.text or "") and "（无）" in (empty.text or "")

    bot.clock.advance(hours=361)  # the reopened case's resolve deadline is 360 hours away
    await coordinator.send_command("/overdue")
    overdue = await coordinator.next_message()
    assert "#1" in (overdue.text or "") and "办结已超期" in (overdue.text or "")
    assert CONCERN[:8] in (overdue.text or "")


async def test_the_loser_of_a_claim_race_cannot_act_on_the_case(bot: RunningBot) -> None:
    zhang = await bot.add_member(611, "law", "张律师")
    wang = await bot.add_member(612, "law", "王律师")
    resident = bot.server.user(1111, "王小明")
    await file_concern(resident)
    await zhang.wait_text("新案件 #1")
    await wang.wait_text("新案件 #1")
    winner, loser = await claim_race(zhang, wang)
    await winner.wait_text("案件 #1")

    before = await bot.snapshot()
    for data in ("case:reply:1", "case:resolve:1", "case:claim:1"):
        refusal = await answer_of(loser, await loser.forge_callback(data))
        assert refusal.show_alert and refusal.text, data
    await loser.send_command("/resolve", "1 我办好了")
    assert "只有办理该案件的委员" in ((await loser.wait_text("委员")).text or "")
    assert await bot.snapshot() == before


async def test_a_reply_to_the_member_reaches_them_while_a_new_concern_is_drafted(
    bot: RunningBot,
) -> None:
    lawyer = await bot.add_member(621, "law", "张律师")
    resident = bot.server.user(1121, "王小明")
    await file_concern(resident)
    await lawyer.wait_text("新案件 #1")
    await lawyer.press("✋ 认领")
    await lawyer.wait_text("案件 #1")
    await lawyer.send_command("/reply", "1 请问您有劳动合同吗？")
    letter = await resident.wait_text("劳动合同")
    await resident.send_text("另外，村里的路灯坏了好几天了")
    await resident.wait_text("哪个镇")
    await resident.send_text("有的，合同在我手里", reply_to_message_id=letter.message_id)
    assert "已发送（#1）" in ((await resident.next_message()).text or "")
    # The forwarded reply itself, named by its case: looked for by its words, so that a notice
    # sent again after a timed-out call (at least once) is not taken for it.
    forwarded = await lawyer.wait_text("合同在我手里")
    assert (forwarded.text or "").startswith("💬 #1 · 王小明")
