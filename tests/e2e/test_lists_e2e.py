"""Members' and coordinators' lists over the wire."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import RunningBot
from tests.e2e.test_intake_e2e import file_concern
from tests.e2e.test_routing_e2e import UNCLEAR


@pytest.mark.parametrize(
    ("who", "command", "args", "expected", "count"),
    [
        ("member", "/pending", "", "待我回复", 2),
        ("member", "/mine", "", "我办理的案件", 1),
        ("coordinator", "/triage", "", "待分派案件", 2),
        ("coordinator", "/find", "路灯", "搜索：路灯", 1),
    ],
)
async def test_staff_lists_answer(
    bot: RunningBot, who: str, command: str, args: str, expected: str, count: int
) -> None:
    member = await bot.add_member(1901, "law", "张律师")
    (coordinator,) = await bot.make_coordinators((1902, "赵协调"))
    await file_concern(bot.server.user(1903, "王小明"))
    await file_concern(bot.server.user(1904, "李四"), UNCLEAR)
    await member.wait_text("新案件 #1")
    await coordinator.wait_text("待分派 #2")
    await member.press("✋ 认领")
    await member.wait_text("案件 #1")
    user = member if who == "member" else coordinator
    await user.send_command(command, args)
    texts = [(await user.next_message()).text or ""]
    assert "抱歉" not in texts[0], texts[0]
    texts += [(await user.next_message()).text or "" for _ in range(count - 1)]
    listing = "\n".join(texts)
    assert expected in listing, listing
    assert ("#1" if who == "member" else "#2") in listing, listing


async def test_members_lists_each_tank_with_its_load(bot: RunningBot) -> None:
    member = await bot.add_member(1911, "law", "<b>张律师</b>")
    (coordinator,) = await bot.make_coordinators((1912, "赵协调"))
    await file_concern(bot.server.user(1913, "王小明"))
    await member.wait_text("新案件 #1")
    await member.press("✋ 认领")
    await member.wait_text("案件 #1")
    await coordinator.send_command("/members")
    listing = await coordinator.next_message()
    person = await bot.person(member.id)
    assert person is not None
    assert f"{person.id} · <b>张律师</b> · 未填写 · 1 件" in (listing.text or "")
