"""The command table: which function answers which command."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from core.cases import privacy
from core.context import Turn
from core.conversation import everyone
from core.models import DialogState
from core.staff import coordination, invitations, referral

CommandFn = Callable[[Turn, DialogState], Awaitable[None]]

HANDLERS: dict[str, CommandFn] = {
    "start": everyone.start,
    "help": everyone.show_help,
    "new": everyone.new_concern,
    "cancel": everyone.cancel,
    "my": everyone.my_cases,
    "case": everyone.show_case,
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
