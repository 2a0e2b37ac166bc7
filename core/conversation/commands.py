"""The command table: which function answers which command."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from core.cases import privacy
from core.context import Turn
from core.conversation import everyone
from core.staff import coordinator_commands, invitations, member_commands, referral
from core.states import Conversation

CommandFn = Callable[[Turn, Conversation], Awaitable[None]]

HANDLERS: dict[str, CommandFn] = {
    "start": everyone.start,
    "help": everyone.show_help,
    "new": everyone.new_concern,
    "cancel": everyone.cancel,
    "my": everyone.my_cases,
    "case": everyone.show_case,
    "reply": everyone.reply,
    "pending": member_commands.pending,
    "mine": member_commands.mine,
    "note": member_commands.note,
    "resolve": member_commands.resolve,
    "transfer": member_commands.transfer,
    "stats": coordinator_commands.stats,
    "overdue": coordinator_commands.overdue,
    "triage": coordinator_commands.triage,
    "assign": coordinator_commands.assign,
    "find": coordinator_commands.find,
    "invite": invitations.invite,
    "invites": invitations.list_invites,
    "revoke": invitations.revoke,
    "members": coordinator_commands.members,
    "removemember": coordinator_commands.remove_member,
    "extend": member_commands.extend,
    "deadlines": coordinator_commands.deadlines,
    "refer": referral.refer_command,
    "forgetme": privacy.forget_me,
}
