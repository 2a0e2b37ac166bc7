"""Bot API faults during a conversation: every message still arrives exactly once, in order."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import RunningBot, barrier
from tests.e2e.test_intake_e2e import file_concern
from tests.fakes import FakeUser

# What a resident sees from /start to the acknowledgement, in order.
CONVERSATION = ["民情直通车", "哪个镇", "联系电话", "好的。", "请确认您的反映", "已受理"]


def assert_conversation(resident: FakeUser) -> None:
    """Each expected message exactly once, in order, and nothing else."""
    texts = [m.text or "" for m in resident.messages]
    assert len(texts) == len(CONVERSATION), texts
    for text, expected in zip(texts, CONVERSATION, strict=True):
        assert expected in text, texts


@pytest.mark.parametrize("kind", ["429", "502", "drop"])
async def test_a_fault_on_every_kind_of_step_loses_and_repeats_nothing(
    bot: RunningBot, kind: str
) -> None:
    resident = bot.server.user(1601, "王小明")
    faults = bot.server.faults
    # The first two messages of the chat fail once each, and so do the card and an answer.
    faults.fail_next("sendMessage", kind, count=2, chat_id=resident.id, retry_after=1)
    faults.fail_next("answerCallbackQuery", kind, retry_after=1)
    ack = await file_concern(resident)
    assert "#1" in (ack.text or "")
    await bot.drain()
    assert_conversation(resident)
    assert faults.injected[kind] == 3
    assert await bot.rows("SELECT count(*) FROM outbox WHERE status != 'sent'") == [(0,)]
    assert len(resident.answers) == 2  # the station press and the confirm press


async def test_a_429_is_retried_after_retry_after_and_not_before(bot: RunningBot) -> None:
    lawyer = await bot.add_member(1602, "law", "张律师")
    resident = bot.server.user(1603, "王小明")
    faults = bot.server.faults
    faults.fail_next("sendMessage", "429", chat_id=resident.id, retry_after=1)
    await file_concern(resident)
    await lawyer.wait_text("新案件 #1")
    calls = [c for c in bot.server.calls("sendMessage") if c.params["chat_id"] == resident.id]
    limited, retried = calls[0], calls[1]
    assert limited.status == 429 and retried.status == 200
    assert retried.time - limited.time >= 0.95
    assert retried.params["text"] == limited.params["text"]
    assert_conversation(resident)


async def test_faults_in_one_chat_do_not_hold_up_another(bot: RunningBot) -> None:
    slow = bot.server.user(1604, "王小明")
    fast = bot.server.user(1605, "李四")
    bot.server.faults.fail_next("sendMessage", "429", chat_id=slow.id, retry_after=1)
    await slow.send_command("/start")
    await fast.send_command("/start")
    greeting = await fast.next_message()
    assert "民情直通车" in (greeting.text or "")
    assert not slow.messages  # still waiting out its retry_after
    assert "民情直通车" in ((await slow.next_message()).text or "")


async def test_random_faults_through_a_whole_conversation(bot: RunningBot) -> None:
    lawyer = await bot.add_member(1606, "law", "张律师")
    resident = bot.server.user(1607, "王小明")
    bot.server.faults.set_random(
        0.3, kinds=["502", "drop"], methods={"sendMessage", "editMessageText"}, seed=7
    )
    await file_concern(resident)
    await lawyer.wait_text("新案件 #1")
    await bot.drain()
    bot.server.faults.clear()
    assert bot.server.faults.total > 0
    assert_conversation(resident)
    assert sum("新案件 #1" in (m.text or "") for m in lawyer.messages) == 1


async def test_undelivered_messages_are_sent_by_the_next_process(bot: RunningBot) -> None:
    resident = bot.server.user(1608, "王小明")
    bot.server.faults.fail_next("sendMessage", "429", chat_id=resident.id, retry_after=1)
    await resident.send_command("/start")
    limited = await bot.server.wait_for_call("sendMessage", lambda c: c.status == 429)

    # The greeting waits out its retry_after in the database, not in memory.
    await bot.restart(abrupt=True)

    greeting = await resident.next_message()
    assert "民情直通车" in (greeting.text or "")
    retried = await bot.server.wait_for_call("sendMessage", lambda c: c.status == 200)
    assert retried.time - limited.time >= 0.95
    await barrier(resident)
    assert sum("民情直通车" in (m.text or "") for m in resident.messages) == 1


async def test_delivery_follows_the_services_clock_not_the_wall_clock(bot: RunningBot) -> None:
    # Core stamps each outbox row due "now" by the service's clock; a sender reading the wall
    # clock would wait out the difference (here 30 days) before sending anything.
    bot.clock.advance(days=30)
    resident = bot.server.user(1609, "王小明")
    ack = await file_concern(resident)
    assert "#1" in (ack.text or "")
    bot.server.faults.fail_next("sendMessage", "429", chat_id=resident.id, retry_after=1)
    await resident.send_command("/my")
    assert "您的反映" in ((await resident.next_message()).text or "")
