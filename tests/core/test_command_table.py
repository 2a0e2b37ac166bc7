"""One command table (core/conversation/commands.py) gives dispatch, each role's menu and /help:
every command has a handler and its text in both languages, and reaches exactly its roles."""

from __future__ import annotations

import inspect

import pytest

from core import roster
from core.conversation import menus
from core.conversation.commands import COMMANDS, Command
from core.models import Role
from core.service import Service
from core.texts import residents_en, residents_zh, staff_en, staff_zh
from tests.support import Chat, Fetch

NOT_ALLOWED = ("不是您能用的命令", "is not a command you can use")


def test_every_command_has_a_handler_and_its_text_in_both_languages() -> None:
    assert len({c.name for c in COMMANDS}) == len(COMMANDS)
    for command in COMMANDS:
        assert inspect.iscoroutinefunction(command.handler), command.name
        assert list(inspect.signature(command.handler).parameters) == ["turn", "state"]
        assert command.roles, command.name
        # a command a resident has is read by residents; the others only by staff
        catalogues = (
            (residents_zh.ZH_RESIDENTS, residents_en.EN_RESIDENTS)
            if Role.RESIDENT in command.roles
            else (staff_zh.ZH_STAFF, staff_en.EN_STAFF)
        )
        assert all(command.text_key in catalogue for catalogue in catalogues), command.name


def expected(role: Role) -> list[Command]:
    return [c for c in COMMANDS if role in c.roles and c.in_menu]


@pytest.mark.parametrize("locale", ["zh", "en"])
@pytest.mark.parametrize("role", list(Role))
def test_menus_and_help_list_exactly_the_commands_of_a_role_in_table_order(
    role: Role, locale: str
) -> None:
    assert [name for name, _ in menus.menu(role, locale)] == [c.name for c in expected(role)]
    help_text = menus.help_text(role, locale)
    if role == Role.RESIDENT:  # what they can do, in three lines; the menu has the commands
        assert len(help_text.split("\n")) == 4 and "/" not in help_text
        return
    lines = help_text.split("\n\n", 1)[1].split("\n")
    assert [line.split(" ", 1)[0] for line in lines] == [f"/{c.name}" for c in expected(role)]


async def people(service: Service, fetch: Fetch) -> dict[Role, Chat]:
    async with service.open_unit() as uow:
        now = service.clock()
        await roster.add_member(uow, service.district, "telegram", "11", "law", now, name="张")
        await roster.sync_coordinators(uow, "telegram", ["99"], now)
        await uow.commit()
    return {
        Role.RESIDENT: Chat(service, fetch, "501"),
        Role.MEMBER: Chat(service, fetch, "11"),
        Role.COORDINATOR: Chat(service, fetch, "99"),
    }


async def test_dispatch_lets_each_role_use_exactly_its_commands(
    service: Service, fetch: Fetch
) -> None:
    chats = await people(service, fetch)
    for command in COMMANDS:
        for role, chat in chats.items():
            out = await chat.command(command.name)
            refused = any(text in m.text for m in out for text in NOT_ALLOWED)
            assert refused == (role not in command.roles), (command.name, role)
            await chat.command("cancel")
