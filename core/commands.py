"""The command table: which function answers which command."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from core import coordination, invitations, privacy, referral, resident
from core.context import Turn
from core.models import DialogState

CommandFn = Callable[[Turn, DialogState], Awaitable[None]]

HANDLERS: dict[str, CommandFn] = {
    "start": resident.start,
    "help": resident.show_help,
    "new": resident.new_concern,
    "cancel": resident.cancel,
    "my": resident.my_cases,
    "case": resident.show_case,
    "reply": coordination.reply,
    "pending": coordination.pending,
    "mine": coordination.mine,
    "note": coordination.note,
    "resolve": coordination.resolve,
    "transfer": coordination.transfer,
    "stats": coordination.stats,
    "overdue": coordination.overdue,
    "triage": coordination.triage,
    "assign": coordination.assign,
    "find": coordination.find,
    "invite": coordination.invite,
    "invites": invitations.list_invites,
    "revoke": invitations.revoke,
    "members": coordination.members,
    "removemember": coordination.remove_member,
    "extend": coordination.extend,
    "deadlines": coordination.deadlines,
    "refer": referral.command,
    "forgetme": privacy.forget_me,
}
