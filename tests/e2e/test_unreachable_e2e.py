"""People who blocked the bot: once a chat is known unreachable nothing is tried there at every
event (residents, members and coordinators alike), the coordinators hear of it once (of a
coordinator too), and writing to the bot again makes one reachable again."""

from __future__ import annotations

from core.messages import Outbound
from tests.e2e.conftest import RunningBot, barrier
from tests.e2e.test_intake_e2e import file_concern
from tests.e2e.test_routing_e2e import UNCLEAR
from tests.fakes import FakeBotAPI, FakeUser


def attempts(server: FakeBotAPI, user: FakeUser, after_seq: int) -> int:
    """Calls the bot made into the user's chat (sends and edits) since a moment."""
    return sum(
        1
        for c in server.calls()
        if c.seq > after_seq
        and c.method in ("sendMessage", "editMessageText")
        and c.params.get("chat_id") == user.id
    )


async def test_a_resident_who_blocked_the_bot_is_tried_once_not_at_every_event(
    bot: RunningBot,
) -> None:
    lawyer = await bot.add_member(1901, "law", "张律师")
    resident = bot.server.user(1902, "王小明")
    await file_concern(resident)
    await lawyer.wait_text("新案件 #1")
    await lawyer.press("✋ 认领")
    await lawyer.wait_text("案件 #1")
    await bot.drain()
    bot.server.faults.block_chat(resident.id)
    blocked_at = bot.server.last_seq
    for text in ("请问签劳动合同了吗？", "还在吗？", "请尽快回复"):
        await lawyer.press("case:reply:1")
        await lawyer.wait_text("请输入关于 #1 的回复内容")
        await lawyer.send_text(text)
        await lawyer.wait_text("已发送（#1）")
        await bot.drain()
    assert attempts(bot.server, resident, blocked_at) == 1
    assert await bot.rows("SELECT reachable FROM people WHERE external_id = '1902'") == [(0,)]
    # The replies stay on the case's timeline for when they come back.
    assert await bot.rows("SELECT count(*) FROM case_events WHERE kind = 'message'") == [(3,)]

    bot.server.faults.unblock_chat(resident.id)
    await barrier(resident)  # writing again makes them reachable
    assert await bot.rows("SELECT reachable FROM people WHERE external_id = '1902'") == [(1,)]


async def test_the_coordinators_hear_once_of_a_coordinator_who_blocked_the_bot(
    bot: RunningBot,
) -> None:
    zhao, qian = await bot.make_coordinators((1911, "赵协调"), (1912, "钱协调"))
    await barrier(qian)  # the bot learns the name they go by
    bot.server.faults.block_chat(qian.id)
    blocked_at = bot.server.last_seq
    await file_concern(bot.server.user(1913, "王小明"), UNCLEAR)
    await zhao.wait_text("待分派 #1")
    warning = await zhao.wait_text("无法再联系协调员")
    assert "钱协调" in (warning.text or "")
    await file_concern(bot.server.user(1914, "李四"), UNCLEAR)
    await zhao.wait_text("待分派 #2")
    await bot.drain()
    assert attempts(bot.server, qian, blocked_at) == 1
    assert sum("无法再联系" in (m.text or "") for m in zhao.messages) == 1
    assert not [m for m in qian.messages if "无法再联系" in (m.text or "")]


async def test_a_member_found_unreachable_again_is_not_announced_again(bot: RunningBot) -> None:
    lawyer = await bot.add_member(1921, "law", "张律师")
    (coordinator,) = await bot.make_coordinators((1922, "赵协调"))
    await bot.drain()
    bot.server.faults.block_chat(lawyer.id)
    sender = bot.channel.sender
    assert sender is not None
    # Two messages decided before anyone knew (as the edits of a case's notices are).
    for text in ("一", "二"):
        async with bot.service.open_unit() as uow:
            row = await uow.outbox.add(Outbound(chat_id=str(lawyer.id), text=text), bot.clock())
            await uow.commit()
        sender.submit([row])
        await bot.drain()
    await coordinator.wait_text("无法再联系委员")
    await barrier(coordinator)
    assert sum("无法再联系委员" in (m.text or "") for m in coordinator.messages) == 1
