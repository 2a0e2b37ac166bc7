"""Invitations expire after the configured days, die with their creator's role, and coordinators
list and revoke them."""

from __future__ import annotations

import dataclasses

import pytest

from core import roster
from core.context import District
from core.conversation import menus
from core.models import Role
from core.service import Service
from tests.core.memory import MemoryState
from tests.core.test_casework import staff
from tests.support import Chat, Clock, Fetch


@pytest.fixture
def district(district: District) -> District:
    """Invitations last three days here."""
    return dataclasses.replace(district, invite_days=3)


def code_of(text: str) -> str:
    return text.rsplit("/start ", 1)[1].strip()


def role_of(state: MemoryState, external_id: str) -> Role | None:
    return next((p.role for p in state.people.values() if p.external_id == external_id), None)


async def test_an_invitation_lasts_the_configured_days(
    service: Service, state: MemoryState, fetch: Fetch, clock: Clock
) -> None:
    _, _, _, zhao = await staff(service, fetch)
    first = (await zhao.command("invite", "农业"))[0].text
    second = (await zhao.command("invite", "农业"))[0].text
    assert "3 天" in first
    clock.advance(days=3, minutes=-1)
    await Chat(service, fetch, "31").command("start", code_of(first))
    assert role_of(state, "31") == Role.MEMBER
    clock.advance(minutes=2)
    late = await Chat(service, fetch, "32").command("start", code_of(second))
    assert "过期" in late[0].text and role_of(state, "32") == Role.RESIDENT


async def test_an_invitation_dies_with_its_creators_role(
    service: Service, state: MemoryState, fetch: Fetch
) -> None:
    _, _, _, zhao = await staff(service, fetch)
    code = code_of((await zhao.command("invite", "法律"))[0].text)
    async with service.open_unit() as uow:
        await roster.sync_coordinators(uow, "telegram", ["98"], service.clock())
        await uow.commit()
    out = await Chat(service, fetch, "31").command("start", code)
    assert "无效" in out[0].text and role_of(state, "31") == Role.RESIDENT


async def test_coordinators_list_and_revoke_invitations(
    service: Service, state: MemoryState, fetch: Fetch
) -> None:
    _, _, _, zhao = await staff(service, fetch)
    by_button = code_of((await zhao.command("invite", "法律 daodi"))[0].text)
    by_command = code_of((await zhao.command("invite", "经济"))[0].text)
    used = code_of((await zhao.command("invite", "农业"))[0].text)
    await Chat(service, fetch, "33").command("start", used)
    listing = await zhao.command("invites")
    text = "\n".join(m.text for m in listing)
    assert by_button in text and by_command in text and used not in text
    assert "法律" in text and "经济" in text and "赵协调" in text
    await zhao.press(f"撤销 {by_button[:6]}")
    out = await zhao.command("revoke", by_command)
    assert "已撤销" in out[0].text
    assert "无效" in (await zhao.command("revoke", by_command))[0].text
    for user, code in (("31", by_button), ("32", by_command)):
        assert "无效" in (await Chat(service, fetch, user).command("start", code))[0].text
        assert role_of(state, user) == Role.RESIDENT
    assert "没有" in (await zhao.command("invites"))[0].text


async def test_only_coordinators_may_list_or_revoke(
    service: Service, state: MemoryState, fetch: Fetch
) -> None:
    zhang, _, _, zhao = await staff(service, fetch)
    code = code_of((await zhao.command("invite", "法律"))[0].text)
    assert "不是您能用的命令" in (await zhang.command("invites"))[0].text
    assert "不是您能用的命令" in (await zhang.command("revoke", code))[0].text
    forged = await zhang.send(callback_id="q", callback_data=f"inv:revoke:{code}")
    assert forged[0].alert
    await Chat(service, fetch, "31").command("start", code)
    assert role_of(state, "31") == Role.MEMBER


def test_the_coordinators_menu_and_help_have_them_in_both_locales() -> None:
    for locale, word in (("zh", "邀请"), ("en", "invitation")):
        menu = dict(menus.menu(Role.COORDINATOR, locale))
        assert word in menu["invites"].lower() and word in menu["revoke"].lower()
        help_text = menus.help_text(Role.COORDINATOR, locale)
        assert "/invites" in help_text and "/revoke" in help_text
    assert "invites" not in dict(menus.menu(Role.MEMBER, "zh"))
