"""Many residents at once: each chat in order, chats concurrently, every case numbered once."""

from __future__ import annotations

import asyncio
import re

from handlers.telegram_app import SendLimits
from tests.e2e.conftest import RunningBot, answer_of, barrier
from tests.e2e.test_faults_e2e import CONVERSATION, assert_conversation
from tests.e2e.test_intake_e2e import file_concern

RESIDENTS = 30


def not_found(number: int) -> str:
    """The answer to /case for a case that does not exist."""
    return f"没有找到编号为 #{number} 的事项，或您无权查看。"


async def test_thirty_residents_file_at_once(bot: RunningBot) -> None:
    lawyer = await bot.add_member(2001, "law", "张律师")
    residents = [bot.server.user(2100 + i, f"居民{i}") for i in range(RESIDENTS)]
    acks = await asyncio.gather(
        *(file_concern(r, f"老板拖欠工资三个月了，我是第{i}号") for i, r in enumerate(residents))
    )
    numbers = sorted(int(re.search(r"#(\d+)", a.text or "")[1]) for a in acks)  # type: ignore[index]
    assert numbers == list(range(1, RESIDENTS + 1))
    for resident in residents:
        assert_conversation(resident)
    await barrier(lawyer)
    notices = [m for m in lawyer.messages if "新案件" in (m.text or "")]
    assert len(notices) == RESIDENTS
    assert len({m.text for m in notices}) == RESIDENTS


async def test_a_flood_in_one_chat_is_handled_in_order_without_holding_up_others(
    bot: RunningBot,
) -> None:
    flooder = bot.server.user(2201, "刷屏的人")
    for i in range(40):
        await flooder.send_command("/case", str(1000 + i))
    other = bot.server.user(2202, "王小明")
    await other.send_command("/start")
    greeting = await other.next_message()
    assert CONVERSATION[0] in (greeting.text or "")
    flood = [await flooder.next_message() for _ in range(40)]
    assert [m.text for m in flood] == [
        f"没有找到编号为 #{1000 + i} 的事项，或您无权查看。" for i in range(40)
    ]
    # The other chat did not wait for the flood: its answer went out before the flood's middle.
    assert greeting.seq < flood[20].seq


async def test_restarts_during_a_flood_lose_and_repeat_nothing(bot: RunningBot) -> None:
    # A pace at which the restarts find deliveries queued and in flight.
    bot.limits = SendLimits(rate=1000.0, chat_rate=200.0, chat_burst=1.0, backoff=0.05)
    await bot.restart()
    flooder = bot.server.user(2301, "刷屏的人")
    for i in range(40):
        await flooder.send_command("/case", str(1000 + i))
    for received in (1, 10, 20, 30):
        while len(flooder.messages) < received:
            await flooder.next_message()
        await bot.restart()
    await barrier(flooder)
    texts = [m.text for m in flooder.messages[:-1]]
    assert texts == [not_found(1000 + i) for i in range(40)]


async def test_a_press_is_answered_without_waiting_for_the_chats_backlog(bot: RunningBot) -> None:
    bot.limits = SendLimits(rate=1000.0, chat_rate=5.0, chat_burst=1.0, backoff=0.05)
    await bot.restart()
    lawyer = await bot.add_member(2401, "law", "张律师")
    residents = [bot.server.user(2500 + i, f"居民{i}") for i in range(10)]
    await asyncio.gather(*(file_concern(r) for r in residents))
    first = await lawyer.wait_text("新案件")
    answer = await answer_of(lawyer, await lawyer.press("✋ 认领", first))
    assert answer.text == "您已认领 #1"
    last_notice = await lawyer.wait_text("新案件 #10", include_consumed=True)
    assert answer.seq < last_notice.seq
