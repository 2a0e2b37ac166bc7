"""The fake database's contents, and what a round trip through SQLite does to a record."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from core.messages import Outbound
from core.models import Case, CaseEvent, Correction, DialogState, Invite, Person, Supporter

T = TypeVar("T")
TOMBSTONE = ("erased", "erased")


def stored_moment(moment: datetime) -> datetime:
    """A moment as the database keeps it: whole milliseconds."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def stored(record: T) -> T:
    """A copy of a dataclass record with its moments as the database keeps them."""
    moments = {
        f.name: stored_moment(value)
        for f in dataclasses.fields(record)  # type: ignore[arg-type]
        if isinstance(value := getattr(record, f.name), datetime)
    }
    return dataclasses.replace(record, **moments)  # type: ignore[type-var]


def as_json(data: dict[str, Any]) -> dict[str, Any]:
    """Data as it comes back from a JSON column."""
    loaded: dict[str, Any] = json.loads(json.dumps(data, ensure_ascii=False))
    return loaded


@dataclass
class MemoryState:
    """Everything the fake database holds."""

    people: dict[int, Person] = field(default_factory=dict)
    people_created: dict[int, datetime] = field(default_factory=dict)
    cases: dict[int, Case] = field(default_factory=dict)
    case_seq: int = 0
    events: list[CaseEvent] = field(default_factory=list)
    dialogs: dict[tuple[str, str], DialogState] = field(default_factory=dict)
    dialogs_updated: dict[tuple[str, str], datetime] = field(default_factory=dict)
    outbox: dict[int, Outbound] = field(default_factory=dict)
    outbox_created: dict[int, datetime] = field(default_factory=dict)
    outbox_seq: int = 0
    invites: dict[str, Invite] = field(default_factory=dict)
    corrections: list[Correction] = field(default_factory=list)
    updates: dict[tuple[str, int], datetime] = field(default_factory=dict)
    delivered: dict[int, int] = field(default_factory=dict)  # outbox id -> message id
    digests: set[tuple[str, str, int]] = field(default_factory=set)
    supporters: list[Supporter] = field(default_factory=list)
    hot_clusters: dict[int, list[int]] = field(default_factory=dict)
    hot_dismissed: set[int] = field(default_factory=set)

    def deliver(self, row_id: int, message_id: int) -> None:
        """What the sender records when a message was delivered."""
        self.delivered[row_id] = message_id
