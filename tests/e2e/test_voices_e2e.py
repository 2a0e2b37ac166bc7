"""Adding your voice over the wire: a second resident with the same problem is offered the open
case, adds their voice to it with a button, and hears of its outcome; /hot and merging work the
same way through the Telegram adapter."""

from __future__ import annotations

from tests.e2e.conftest import RunningBot, answer_of
from tests.e2e.test_intake_e2e import CONCERN, PHONE, file_concern, file_until_station

AGAIN = "工地老板拖欠我们三个月工资了，怎么办"


async def test_a_second_resident_adds_their_voice_and_hears_the_outcome(bot: RunningBot) -> None:
    lawyer = await bot.add_member(2001, "law", "张律师")
    first = bot.server.user(2002, "王小明")
    await file_concern(first, CONCERN)
    second = bot.server.user(2003, "李四")
    await file_until_station(second, AGAIN)
    await second.press("钱营镇")
    await second.wait_text("联系电话")
    await second.send_text("不留电话")
    offered = await second.wait_text("您的邻居也反映过")
    assert "#1" in (offered.text or "") and "王小明" not in (offered.text or "")
    assert PHONE not in (offered.text or "")
    assert offered.button_texts()[:2] == ["➕ 附议 #1", "继续提交新的反映"]
    await second.press("➕ 附议 #1")
    await second.wait_text("您已为 #1 添了一份声音")
    assert await bot.rows("SELECT count(*) FROM cases") == [(1,)]
    assert await bot.rows("SELECT case_id, via FROM supporters") == [(1, "voice")]
    await lawyer.wait_text("新案件 #1")
    await lawyer.press("✋ 认领")
    await lawyer.wait_text("案件 #1")
    await lawyer.send_command("/resolve", "1 已约谈老板，工资本周发放")
    told = await second.wait_text("您附议的反映 #1 已办结")
    assert "本周发放" in (told.text or "") and not told.button_texts()


async def test_forged_voice_merge_and_hot_buttons_get_a_clear_answer_and_change_nothing(
    bot: RunningBot,
) -> None:
    await bot.add_member(2001, "law", "张律师")
    stranger = await bot.add_member(2009, "law", "李律师")
    await file_concern(bot.server.user(2002, "王小明"), CONCERN)
    await file_concern(bot.server.user(2003, "李四"), AGAIN)
    await stranger.send_command("/start")
    await stranger.next_message()
    before = await bot.rows("SELECT id, status FROM cases ORDER BY id")
    # A member holding neither case merges them with a made-up button: told why, nothing moves.
    answer = await answer_of(stranger, await stranger.forge_callback("case:merge:2:1"))
    assert answer.show_alert and "只有协调员或承办委员可以并单" in (answer.text or "")
    # A resident's voice for a case never offered them, with a made-up draft.
    resident = bot.server.user(2002, "王小明")
    answer = await answer_of(resident, await resident.forge_callback("in:voice:deadbeef:2"))
    assert answer.show_alert and "失效" in (answer.text or "")
    # A member is no coordinator: a hot topic is theirs neither to dismiss nor to report on.
    for data in ("hot:dismiss:1", "hot:report:1-2"):
        answer = await answer_of(stranger, await stranger.forge_callback(data))
        assert answer.show_alert and answer.text, data
    assert await bot.rows("SELECT id, status FROM cases ORDER BY id") == before
    assert await bot.rows("SELECT count(*) FROM supporters") == [(0,)]
    assert await bot.rows("SELECT count(*) FROM hot_dismissed") == [(0,)]
