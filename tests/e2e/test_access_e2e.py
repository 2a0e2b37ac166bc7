"""Access over the wire: staff commands, forged buttons and other people's cases are refused, and
nothing changes."""

from __future__ import annotations

from tests.e2e.conftest import RunningBot, answer_of
from tests.e2e.test_intake_e2e import CONCERN, file_concern
from tests.fakes import FakeUser

NOT_ALLOWED = "不是您能用的命令。"
HELP = "发送 /help 看看您能做什么。"
NOT_FOUND = "没有找到编号为 #1 的事项，或您无权查看。"
STALE = "该按钮已失效。"
JUNK = "case:claim:1:" + "💣" * 40 + "x" * 27  # 200 bytes, far over Telegram's 64


async def resolved_case(bot: RunningBot) -> tuple[FakeUser, FakeUser]:
    """Resident 1201's case #1, claimed and resolved by member 801; returns (owner, member)."""
    lawyer = await bot.add_member(801, "law", "张律师")
    owner = bot.server.user(1201, "王小明")
    await file_concern(owner)
    await lawyer.wait_text("新案件 #1")
    await lawyer.press("✋ 认领")
    await lawyer.wait_text("案件 #1")
    await lawyer.send_command("/resolve", "1 已协助申请劳动仲裁")
    await lawyer.wait_text("#1 已办结")
    await owner.wait_text("请评价办理结果")
    return owner, lawyer


async def test_a_resident_cannot_use_staff_commands_or_forge_buttons(bot: RunningBot) -> None:
    owner, _ = await resolved_case(bot)
    mallory = bot.server.user(1202, "Mallory")
    await mallory.send_command("/start")
    await mallory.wait_text("民情直通车")
    before = await bot.snapshot()

    for command, args in (
        ("/pending", ""),
        ("/stats", "all"),
        ("/overdue", ""),
        ("/assign", "1 law"),
        ("/removemember", "1"),
        ("/invite", "law"),
        ("/resolve", "1 我来办结"),
        ("/note", "1 内部备注"),
        ("/transfer", "1 economy 不对"),
    ):
        await mallory.send_command(command, args)
        refusal = await mallory.next_message()
        assert refusal.text == f"{command} {NOT_ALLOWED}{HELP}", (command, refusal.text)

    for data, expected in (
        ("case:claim:1", NOT_FOUND),
        ("case:resolve:1", NOT_FOUND),
        ("case:reply:1", NOT_FOUND),
        ("case:detail:1", NOT_FOUND),
        ("case:rate:1:good", NOT_FOUND),
        ("case:route:1:economy", NOT_FOUND),
        ("case:claim:999", "没有找到编号为 #999 的事项，或您无权查看。"),
        ("in:ok:deadbeef", STALE),
        ("in:st:deadbeef:qianying", STALE),
        ("case:claim:-1", "没有找到编号为 #? 的事项，或您无权查看。"),
        (JUNK, STALE),
        ("nonsense", STALE),
    ):
        answer = await answer_of(mallory, await mallory.forge_callback(data))
        assert (answer.text, answer.show_alert) == (expected, True), data

    await mallory.send_command("/case", "1")
    assert (await mallory.next_message()).text == NOT_FOUND
    await mallory.send_text("1", reply_to_message_id=mallory.messages[0].message_id)
    await mallory.next_message()  # an answer about words, not the case

    assert await bot.snapshot() == before
    assert all(m.chat_id == mallory.id for m in mallory.messages)
    # The owner still sees the case as it was, and may still rate it.
    await owner.send_command("/case", "1")
    shown = await owner.wait_text("事项 #1")
    assert "已办结" in (shown.text or "") and CONCERN in (shown.text or "")
    assert "评价" not in (shown.text or "").split("办理记录")[1]
    rating = await owner.press("😊 满意")
    assert (await answer_of(owner, rating)).text == "感谢评价"
    assert await bot.rows("SELECT status, rating FROM cases") == [("closed", "good")]
    await bot.drain()
    assert not bot.server.state.open_queries  # every forged press was answered too


async def test_a_member_of_another_tank_cannot_touch_the_case(bot: RunningBot) -> None:
    farmer = await bot.add_member(802, "agriculture", "李农技")
    lawyer = await bot.add_member(803, "law", "张律师")
    owner = bot.server.user(1203, "王小明")
    await file_concern(owner)
    await lawyer.wait_text("新案件 #1")
    await farmer.send_command("/start")
    await farmer.wait_text("委员")
    before = await bot.snapshot()

    for data in ("case:claim:1", "case:transfer:1", "case:xfer:1:triage", "case:resolve:1"):
        answer = await answer_of(farmer, await farmer.forge_callback(data))
        assert (answer.text, answer.show_alert) == (NOT_FOUND, True), data
    for command, args in (("/case", "1"), ("/note", "1 看看"), ("/transfer", "1 triage 不归我")):
        await farmer.send_command(command, args)
        assert (await farmer.next_message()).text == NOT_FOUND, command
    await farmer.send_command("/stats")
    assert (await farmer.next_message()).text == f"/stats {NOT_ALLOWED}{HELP}"

    assert await bot.snapshot() == before
    assert not any("新案件 #1" in (m.text or "") for m in farmer.messages)


async def test_a_member_cannot_claim_for_the_resident_or_rate_for_them(bot: RunningBot) -> None:
    owner, lawyer = await resolved_case(bot)
    before = await bot.snapshot()
    for data in ("case:rate:1:good", "case:rate:1:poor"):
        answer = await answer_of(lawyer, await lawyer.forge_callback(data))
        assert answer.show_alert and "无权查看" in (answer.text or ""), data
    # The resident forging a claim on their own case is not a member of any tank.
    answer = await answer_of(owner, await owner.forge_callback("case:claim:1"))
    assert (answer.text, answer.show_alert) == ("该案件不属于您所在的智库。", True)
    assert await bot.snapshot() == before


async def test_a_refused_rating_names_the_case(bot: RunningBot) -> None:
    _, lawyer = await resolved_case(bot)
    answer = await answer_of(lawyer, await lawyer.forge_callback("case:rate:1:good"))
    assert answer.text == NOT_FOUND
