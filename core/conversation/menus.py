"""Each role's commands as the command table gives them: the menu Telegram shows (sent again
when a role or a language changes), /help, and the command a name stands for.

This module is the one implementation of core.context.Menus: a turn carries it, so that the
parts below the command table (which names their handlers) can send a menu or show /help.
"""

from __future__ import annotations

from datetime import datetime

from core.cases import access
from core.context import Menu, message_to, queue
from core.conversation.commands import COMMANDS, Command
from core.messages import Kind
from core.models import Person, Role
from core.ports import UnitOfWork
from core.texts import CATALOGUES, esc, t


def command(name: str) -> Command | None:
    """The command of this name, if there is one."""
    return next((c for c in COMMANDS if c.name == name), None)


def menu(role: Role, locale: str) -> Menu:
    """The (command, description) pairs of a role's menu, in the table's order."""
    return tuple(
        (c.name, t(locale, _text_key(c, role))) for c in COMMANDS if role in c.roles and c.in_menu
    )


def _text_key(command: Command, role: Role) -> str:
    """The command's menu text for a role: its own for the role where it does less, e.g.
    cmd_reply_coordinator (a coordinator answers only concerns awaiting triage)."""
    own = f"{command.text_key}_{role.value}"
    return own if own in CATALOGUES["zh"] else command.text_key


def help_text(role: Role, locale: str) -> str:
    """The /help answer for a role: for a resident, what they can do in three lines (the
    menu has their commands); for members and coordinators, their commands."""
    if not access.help_lists_commands(role):
        return t(locale, f"help_{role.value}")
    lines = [f"/{name} — {esc(desc)}" for name, desc in menu(role, locale)]
    return t(locale, f"help_{role.value}") + "\n\n" + "\n".join(lines)


async def set_menu(uow: UnitOfWork, person: Person, now: datetime) -> None:
    """Queue the person's role menu for their chat."""
    commands = menu(person.role, person.locale)
    message = message_to(person, "", kind=Kind.COMMANDS, commands=commands)
    await queue(uow, message, now, person.locale)
