"""Routing over the wire: triage by a coordinator's button, transfer by a member's, and members
who blocked the bot."""

from __future__ import annotations

from tests.e2e.conftest import RunningBot, answer_of, barrier
from tests.e2e.test_intake_e2e import file_concern

UNCLEAR = "小区门口的路灯坏了好几天了，晚上很黑"


async def test_a_coordinator_routes_an_unclear_concern_from_triage(bot: RunningBot) -> None:
    economist = await bot.add_member(1801, "economy", "王经理")
    (coordinator,) = await bot.make_coordinators((1802, "赵协调"))
    resident = bot.server.user(1803, "王小明")
    ack = await file_concern(resident, UNCLEAR)
    assert "协调员会在" in (ack.text or "") and "前为它找好合适的委员" in (ack.text or "")
    notice = await coordinator.wait_text("待分派 #1")
    assert notice.button_texts() == ["法律", "经济", "农业", "💬 答复居民", "↪️ 转办"]
    assert "13800138000" not in (notice.text or "")

    press = await coordinator.press("经济")
    assert (await answer_of(coordinator, press)).text == "#1 已分派"
    edited = await coordinator.wait_for(
        lambda m: m.message_id == notice.message_id and "已转交至 经济" in (m.text or ""),
        include_consumed=True,
    )
    assert edited.buttons() == []
    assert "新案件 #1" in ((await economist.wait_text("#1")).text or "")
    assert "已转交" in ((await resident.wait_text("#1")).text or "")
    assert await bot.rows("SELECT status, tank FROM cases") == [("open", "economy")]
    assert await bot.rows("SELECT old_tank, new_tank FROM corrections") == [(None, "economy")]

    # The same button again, now stale: refused, nothing changes.
    before = await bot.snapshot()
    again = await coordinator.forge_callback("case:route:1:economy")
    assert (await answer_of(coordinator, again)).text == "案件已在该智库。"
    assert await bot.snapshot() == before


async def test_a_coordinator_answers_and_refers_a_concern_no_tank_can_take(
    bot: RunningBot,
) -> None:
    (coordinator,) = await bot.make_coordinators((1832, "赵协调"))
    resident = bot.server.user(1833, "王小明")
    await file_concern(resident, UNCLEAR)
    notice = await coordinator.wait_text("待分派 #1")

    await coordinator.press("💬 答复居民")
    await coordinator.wait_text("给居民的答复（#1）")
    await coordinator.send_text("请问是哪个小区的哪个门？")
    await coordinator.wait_text("已发送（#1）")
    asked = await resident.wait_text("哪个小区")
    assert "协调员" in (asked.text or "") and asked.button_texts() == ["💬 回复"]
    await resident.press("💬 回复")
    await resident.wait_text("回复内容")
    await resident.send_text("幸福里小区东门")
    words = await coordinator.wait_text("幸福里小区东门")
    assert "↪️ 转办" in words.button_texts()

    await coordinator.press("↪️ 转办", message=notice)
    choose = await coordinator.wait_text("把 #1 转办至")
    assert choose.button_texts()[:2] == ["12345 政务服务便民热线", "丰南区城市管理综合行政执法局"]
    await coordinator.press("丰南区城市管理综合行政执法局")
    await coordinator.wait_text("为什么由丰南区城市管理综合行政执法局办理")
    await coordinator.send_text("路灯由城管局负责维修，已帮您登记，也可拨打 12345。")
    await coordinator.wait_text("#1 已转办至")
    edited = await coordinator.wait_for(
        lambda m: m.message_id == notice.message_id and "已转办至" in (m.text or ""),
        include_consumed=True,
    )
    assert edited.buttons() == []
    referred = await resident.wait_text("已转办至")
    assert "可拨打 12345 热线转接" in (referred.text or "")
    assert referred.button_texts() == ["😊 满意", "🙂 基本满意", "😞 不满意"]
    await resident.press("😊 满意")
    await resident.wait_text("感谢您的评价")
    assert await bot.rows("SELECT status, referred_to, rating FROM cases") == [
        ("referred", "chengguan", "good")
    ]
    before = await bot.snapshot()
    again = await coordinator.forge_callback("refer:to:1:rexian")
    assert (await answer_of(coordinator, again)).show_alert
    assert await bot.snapshot() == before


async def test_a_member_transfers_a_misrouted_case_with_a_reason(bot: RunningBot) -> None:
    lawyer = await bot.add_member(1811, "law", "张律师")
    farmer = await bot.add_member(1812, "agriculture", "李农技")
    resident = bot.server.user(1813, "王小明")
    await file_concern(resident, "我在大棚干活，老板拖欠工资不给")  # 工资 before 大棚: law
    notice = await lawyer.wait_text("新案件 #1 · 法律")

    await lawyer.press("🔀 转交")
    choose = await lawyer.wait_text("把 #1 转交到")
    assert choose.button_texts() == ["经济", "农业", "协调员"]
    await lawyer.press("农业")
    await lawyer.wait_text("转交至 农业 的理由")
    await lawyer.send_text("是大棚补偿，归农业")
    await lawyer.wait_text("#1 已转交")
    edited = await lawyer.wait_for(
        lambda m: m.message_id == notice.message_id and "已转交至 农业" in (m.text or ""),
        include_consumed=True,
    )
    assert edited.buttons() == []
    assert "新案件 #1 · 农业" in ((await farmer.wait_text("#1")).text or "")
    assert "农业" in ((await resident.wait_text("已转交")).text or "")
    assert await bot.rows("SELECT status, tank FROM cases") == [("open", "agriculture")]
    assert await bot.rows("SELECT old_tank, new_tank, reason FROM corrections") == [
        ("law", "agriculture", "是大棚补偿，归农业")
    ]
    # The lawyer's old buttons are stale now.
    claim = await lawyer.forge_callback("case:claim:1")
    assert (await answer_of(lawyer, claim)).show_alert


async def test_a_member_who_blocked_the_bot_is_skipped(bot: RunningBot) -> None:
    lawyer = await bot.add_member(1821, "law", "张律师")
    (coordinator,) = await bot.make_coordinators((1822, "赵协调"))
    await bot.drain()
    bot.server.faults.block_chat(lawyer.id)
    await file_concern(bot.server.user(1823, "王小明"))
    await bot.drain()
    assert await bot.rows("SELECT reachable FROM people WHERE external_id = '1821'") == [(0,)]
    warning = await coordinator.wait_text("无法再联系委员")
    assert "张律师" in (warning.text or "") and "（法律，" in (warning.text or "")  # not "law"
    # With nobody reachable in the tank, the next case goes to the coordinators.
    await file_concern(bot.server.user(1824, "李四"))
    assert "新案件 #2" in ((await coordinator.wait_text("#2")).text or "")


async def test_a_member_who_unblocks_the_bot_hears_of_new_cases_again(bot: RunningBot) -> None:
    lawyer = await bot.add_member(1831, "law", "张律师")
    await bot.make_coordinators((1834, "赵协调"))  # who hears of it if the member does not
    await bot.drain()
    bot.server.faults.block_chat(lawyer.id)
    await file_concern(bot.server.user(1832, "王小明"))
    await bot.drain()
    bot.server.faults.unblock_chat(lawyer.id)
    await barrier(lawyer)  # the member writes to the bot again

    await file_concern(bot.server.user(1833, "李四"))
    notice = await bot.server.wait_for_call(
        "sendMessage", lambda c: "新案件 #2" in str(c.params.get("text"))
    )
    assert notice.params["chat_id"] == lawyer.id
