"""Adding your voice over the wire: a second resident with the same problem is offered the open
case, adds their voice to it with a button, and hears of its outcome; /hot and merging work the
same way through the Telegram adapter."""

from __future__ import annotations

from tests.e2e.conftest import RunningBot
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
