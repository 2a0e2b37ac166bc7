"""The command table: every command's name, who may use it, the function that answers it and its
place in the menu, in one place. Dispatch, each role's menu (Telegram's setMyCommands) and /help
all come from it (core.conversation.menus); a command's menu text is the catalogue text
cmd_<name>, in the residents' catalogue when residents have the command, else in the staff's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from core.cases import privacy
from core.context import Turn
from core.conversation import everyone
from core.desk import consultations, office, proposals, reports
from core.models import Role
from core.staff import (
    coordinator_commands,
    hot,
    invitations,
    member_commands,
    merge_commands,
    referral,
)
from core.states import Conversation

CommandFn = Callable[[Turn, Conversation], Awaitable[None]]

R, M, C = Role.RESIDENT, Role.MEMBER, Role.COORDINATOR
EVERYONE = frozenset({R, M, C})
STAFF = frozenset({M, C})
MEMBERS = frozenset({M})
COORDINATORS = frozenset({C})
RESIDENTS = frozenset({R})


@dataclass(frozen=True, slots=True)
class Command:
    """One command: its name (without the slash), the roles that may use it, its handler, and
    whether menus and /help show it."""

    name: str
    roles: frozenset[Role]
    handler: CommandFn
    in_menu: bool = True

    @property
    def text_key(self) -> str:
        """The catalogue key of its text in menus and /help."""
        return f"cmd_{self.name}"


# In menu order: each role's menu lists its commands in this order.
COMMANDS: tuple[Command, ...] = (
    Command("start", EVERYONE, everyone.start, in_menu=False),
    Command("pending", MEMBERS, member_commands.pending),
    Command("mine", MEMBERS, member_commands.mine),
    Command("stats", COORDINATORS, coordinator_commands.stats),
    Command("overdue", COORDINATORS, coordinator_commands.overdue),
    Command("triage", COORDINATORS, coordinator_commands.triage),
    Command("new", EVERYONE, everyone.new_concern),
    Command("my", EVERYONE, everyone.my_cases),
    Command("case", EVERYONE, everyone.show_case),
    Command("reply", EVERYONE, everyone.reply),
    Command("note", STAFF, member_commands.note),
    Command("resolve", MEMBERS, member_commands.resolve),
    Command("transfer", STAFF, member_commands.transfer),
    Command("extend", MEMBERS, member_commands.extend),
    Command("deadlines", COORDINATORS, coordinator_commands.deadlines),
    Command("assign", COORDINATORS, coordinator_commands.assign),
    Command("refer", COORDINATORS, referral.refer_command),
    Command("find", COORDINATORS, coordinator_commands.find),
    Command("similar", STAFF, merge_commands.similar),
    Command("merge", STAFF, merge_commands.merge),
    Command("unmerge", STAFF, merge_commands.unmerge),
    Command("hot", COORDINATORS, hot.hot),
    Command("members", COORDINATORS, coordinator_commands.members),
    Command("invite", COORDINATORS, invitations.invite),
    Command("invites", COORDINATORS, invitations.list_invites),
    Command("revoke", COORDINATORS, invitations.revoke),
    Command("removemember", COORDINATORS, coordinator_commands.remove_member),
    Command("report", STAFF, reports.command),
    Command("proposal", STAFF, proposals.command),
    Command("meet", COORDINATORS, consultations.command),
    Command("export", COORDINATORS, office.export),
    Command("summary", COORDINATORS, office.summary),
    Command("cancel", EVERYONE, everyone.cancel),
    Command("forgetme", RESIDENTS, privacy.forget_me),
    Command("help", EVERYONE, everyone.show_help),
)
