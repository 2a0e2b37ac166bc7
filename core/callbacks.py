"""Button data: one prefixed scheme, `<scope>:<action>[:<arg>...]`, parsed and validated here.

Button data comes back from the client and is untrusted: anything that does not parse is None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Scope(StrEnum):
    """Whose buttons these are: the first part of button data, and the handler dispatch sends a
    press to (core.conversation.dispatch matches on every scope; mypy checks none is missed)."""

    INTAKE = "in"  # a draft's buttons (core.conversation.intake)
    CASE = "case"  # a case's buttons (core.cases.casework)
    FOLLOWUP = "fu"  # a comment or an answer (core.conversation.followups)
    REFER = "refer"  # the way out for a concern no tank can take (core.staff.referral)
    INVITE = "inv"  # an invitation's revoke button (core.staff.invitations)
    PRIVACY = "me"  # /forgetme's confirmation (core.cases.privacy)
    HOT = "hot"  # a hot topic's dismiss button (core.staff.hot)
    DESK = "desk"  # reports, proposals and consultations (core.desk)


MAX_BYTES = 64  # Telegram's limit for callback data
_PART = re.compile(r"^[\w.\-]{1,40}$")
_ID = re.compile(r"[0-9]{1,12}", re.ASCII)


def parse_id(text: str) -> int | None:
    """A positive whole number written in ASCII digits (at most 12), as button data and command
    arguments carry ids; None for anything else (other scripts' digits, signs, spaces)."""
    if not _ID.fullmatch(text):
        return None
    number = int(text)
    return number if number > 0 else None


@dataclass(frozen=True, slots=True)
class Callback:
    """Parsed button data."""

    scope: str
    action: str
    args: tuple[str, ...] = ()

    def arg(self, index: int) -> str | None:
        """The argument at index, if present."""
        return self.args[index] if index < len(self.args) else None

    def int_arg(self, index: int) -> int | None:
        """The argument at index as a positive integer, if it is one."""
        value = self.arg(index)
        return None if value is None else parse_id(value)


def pack(scope: str, action: str, *args: object) -> str:
    """Build button data; raises ValueError if it would not survive the round trip."""
    parts = [scope, action, *(str(a) for a in args)]
    if not all(_PART.match(p) for p in parts):
        raise ValueError(f"bad callback part in {parts!r}")
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def parse(data: str | None) -> Callback | None:
    """Parse button data; None when it is malformed."""
    if not data or len(data.encode(errors="replace")) > MAX_BYTES:
        return None
    parts = data.split(":")
    if len(parts) < 2 or not all(_PART.match(p) for p in parts):
        return None
    return Callback(parts[0], parts[1], tuple(parts[2:]))
