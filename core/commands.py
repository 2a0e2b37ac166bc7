"""The command table: which function answers which command."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from core import resident
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
}
