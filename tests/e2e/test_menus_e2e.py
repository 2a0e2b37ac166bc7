"""Command menus: the residents' default for every private chat, and per-chat menus by role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.context import District
from core.conversation import menus
from core.models import Role
from tests.e2e.conftest import RunningBot
from tests.fakes import FakeBotAPI
from tests.support import Clock, RuleClassifier

RESIDENT = [name for name, _ in menus.menu(Role.RESIDENT, "zh")]
MEMBER = [name for name, _ in menus.menu(Role.MEMBER, "zh")]
COORDINATOR = [name for name, _ in menus.menu(Role.COORDINATOR, "zh")]


def names(menu: list[dict[str, Any]] | None) -> list[str]:
    """The command names of a menu."""
    return [c["command"] for c in menu or []]


async def chat_menu(server: FakeBotAPI, chat_id: int) -> list[dict[str, Any]]:
    """The menu set for one chat, once the outbox has delivered it."""
    call = await server.wait_for_call(
        "setMyCommands", lambda c: (c.params.get("scope") or {}).get("chat_id") == chat_id
    )
    assert call.status == 200, call
    return server.visible_commands(chat_id)


async def test_start_up_sets_the_residents_menu_in_chinese_and_english(bot: RunningBot) -> None:
    server = bot.server
    private = {"type": "all_private_chats"}
    zh, en = server.commands(private), server.commands(private, "en")
    assert names(zh) == RESIDENT and names(en) == RESIDENT
    assert {"new", "my", "case", "reply", "forgetme", "help"} <= set(RESIDENT)
    assert not {"stats", "pending", "assign"} & set(RESIDENT)
    assert zh == [{"command": n, "description": d} for n, d in menus.menu(Role.RESIDENT, "zh")]
    assert en == [{"command": n, "description": d} for n, d in menus.menu(Role.RESIDENT, "en")]
    assert zh is not None and zh[1]["description"] == "我的反映及进度"
    assert en is not None and en[1]["description"] == "My concerns"
    # What a resident's client shows, through Telegram's scope resolution.
    assert server.visible_commands(1401, "zh") == zh
    assert server.visible_commands(1401, "en") == en
    assert server.commands() is None  # groups get no menu


@pytest.mark.parametrize("kind", ["502", "429", "drop"])
async def test_a_passing_fault_at_start_up_does_not_leave_residents_without_a_menu(
    server: FakeBotAPI,
    tmp_path: Path,
    district: District,
    classifier: RuleClassifier,
    clock: Clock,
    kind: str,
) -> None:
    server.faults.fail_next("setMyCommands", kind, retry_after=1)
    bot = RunningBot(server, tmp_path / "minqing.db", district, classifier, clock)
    await bot.start()
    try:
        private = {"type": "all_private_chats"}
        assert names(server.commands(private)) == RESIDENT
        assert names(server.commands(private, "en")) == RESIDENT
        assert server.faults.injected[kind] == 1
    finally:
        await bot.stop()


async def test_members_and_coordinators_get_their_roles_menu_in_their_chat(
    bot: RunningBot,
) -> None:
    await bot.add_member(1501, "law", "张律师")
    (coordinator,) = await bot.make_coordinators((1502, "赵协调"))
    member_menu = await chat_menu(bot.server, 1501)
    assert names(member_menu)[:2] == ["pending", "mine"]
    assert set(MEMBER) <= set(names(member_menu)) and "stats" not in names(member_menu)
    assert member_menu[0]["description"] == "待办：本智库待认领、待我回复"
    coordinator_menu = await chat_menu(bot.server, coordinator.id)
    assert set(COORDINATOR) <= set(names(coordinator_menu))
    assert "pending" not in names(coordinator_menu) and "resolve" not in names(coordinator_menu)
    # A resident's chat still shows the default.
    assert names(bot.server.visible_commands(1503)) == RESIDENT
    await bot.drain()
    rows = await bot.rows("SELECT status FROM outbox WHERE kind = 'commands'")
    assert rows == [("sent",), ("sent",)]


async def test_a_retired_member_gets_the_residents_menu_back(bot: RunningBot) -> None:
    member = await bot.add_member(1511, "law", "张律师")
    (coordinator,) = await bot.make_coordinators((1512, "赵协调"))
    await chat_menu(bot.server, member.id)
    person = await bot.person(member.id)
    assert person is not None
    after = bot.server.last_seq
    await coordinator.send_command("/removemember", str(person.id))
    await coordinator.wait_text("已移除委员")
    await member.wait_text("您已不再担任智库委员")
    await bot.server.wait_for_call(
        "setMyCommands",
        lambda c: (c.params.get("scope") or {}).get("chat_id") == member.id,
        after_seq=after,
    )
    assert names(bot.server.visible_commands(member.id)) == RESIDENT


async def test_menus_survive_a_restart(bot: RunningBot) -> None:
    await bot.add_member(1521, "law", "张律师")
    await chat_menu(bot.server, 1521)
    await bot.restart()
    assert names(bot.server.visible_commands(1521))[:2] == ["pending", "mine"]
    assert names(bot.server.commands({"type": "all_private_chats"})) == RESIDENT


async def test_an_english_speaking_member_gets_the_english_menu(bot: RunningBot) -> None:
    member = await bot.add_member(1531, "law", "Lawyer Li", language_code="en")
    await chat_menu(bot.server, member.id)
    await member.send_command("/start")
    await member.wait_text("Hello")
    await member.send_command("/help")
    await member.wait_text("Member commands")
    menu = bot.server.visible_commands(member.id, "en")
    assert menu[0]["description"] == "Waiting: unclaimed in my tank, awaiting my reply"


async def test_an_invited_member_joins_by_deep_link_and_gets_the_members_menu(
    bot: RunningBot,
) -> None:
    (coordinator,) = await bot.make_coordinators((1541, "赵协调"))
    await coordinator.send_command("/invite", "法律 daodi")
    link = await coordinator.wait_text("邀请链接")
    code = (link.text or "").split("/start ")[1].strip()
    # The link names the bot that is running (the fake's getMe), not a configured default.
    assert f"https://t.me/minqing_test_bot?start={code}" in (link.text or "")
    newcomer = bot.server.user(1542, "新委员")
    after = bot.server.last_seq
    await newcomer.send_command("/start", code)
    welcome = (await newcomer.next_message()).text or ""  # one welcome: what comes, how to act
    assert "欢迎加入法律智库" in welcome and "点「认领」接手" in welcome
    await bot.server.wait_for_call(
        "setMyCommands",
        lambda c: (c.params.get("scope") or {}).get("chat_id") == newcomer.id,
        after_seq=after,
    )
    assert names(bot.server.visible_commands(newcomer.id))[:2] == ["pending", "mine"]
    assert await bot.rows("SELECT role, tank, station FROM people WHERE external_id = '1542'") == [
        ("member", "law", "daodi")
    ]
    # The link works once.
    latecomer = bot.server.user(1543, "迟到的人")
    await latecomer.send_command("/start", code)
    assert "无效或已过期" in ((await latecomer.next_message()).text or "")
    assert await bot.rows("SELECT role FROM people WHERE external_id = '1543'") == [("resident",)]
