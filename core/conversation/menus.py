"""Each role's commands: what its menu shows and what /help lists."""

from __future__ import annotations

from datetime import datetime

from core.context import message_to, queue
from core.messages import Kind
from core.models import Person, Role
from core.ports import UnitOfWork
from core.texts import esc, t

R, M, C = Role.RESIDENT, Role.MEMBER, Role.COORDINATOR
EVERYONE = frozenset({R, M, C})
STAFF = frozenset({M, C})
COORDINATORS = frozenset({C})

# (command, who may use it); the description is the catalogue text "cmd_<command>".
MEMBERS = frozenset({M})
COMMANDS: tuple[tuple[str, frozenset[Role]], ...] = (
    ("start", EVERYONE),
    ("pending", MEMBERS),
    ("mine", MEMBERS),
    ("stats", COORDINATORS),
    ("overdue", COORDINATORS),
    ("triage", COORDINATORS),
    ("new", EVERYONE),
    ("my", EVERYONE),
    ("case", EVERYONE),
    ("reply", EVERYONE),
    ("note", STAFF),
    ("resolve", MEMBERS),
    ("transfer", STAFF),
    ("extend", MEMBERS),
    ("deadlines", COORDINATORS),
    ("assign", COORDINATORS),
    ("refer", COORDINATORS),
    ("find", COORDINATORS),
    ("members", COORDINATORS),
    ("invite", COORDINATORS),
    ("invites", COORDINATORS),
    ("revoke", COORDINATORS),
    ("removemember", COORDINATORS),
    ("cancel", EVERYONE),
    ("forgetme", frozenset({R})),
    ("help", EVERYONE),
)

HIDDEN_FROM_MENU = frozenset({"start"})


def allowed(command: str, role: Role) -> bool:
    """True if the role may use the command."""
    return any(name == command and role in roles for name, roles in COMMANDS)


def menu(role: Role, locale: str) -> tuple[tuple[str, str], ...]:
    """The (command, description) pairs of a role's menu."""
    return tuple(
        (name, t(locale, f"cmd_{name}"))
        for name, roles in COMMANDS
        if role in roles and name not in HIDDEN_FROM_MENU
    )


def help_text(role: Role, locale: str) -> str:
    """The /help answer for a role."""
    lines = [f"/{name} — {esc(desc)}" for name, desc in menu(role, locale)]
    return t(locale, f"help_{role.value}") + "\n\n" + "\n".join(lines)


async def set_menu(uow: UnitOfWork, person: Person, now: datetime) -> None:
    """Queue the person's role menu for their chat."""
    commands = menu(person.role, person.locale)
    message = message_to(person, "", kind=Kind.COMMANDS, commands=commands)
    await queue(uow, message, now, person.locale)
