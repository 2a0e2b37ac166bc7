"""The read side: small records for lists and statistics, and the port that answers them.

Views read committed data only and run outside any write transaction, so a coordinator's heavy
query never holds up residents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from core.models import Case, CaseEvent, CaseStatus, Concern, Deadlines


@dataclass(frozen=True, slots=True)
class CaseBrief:
    """One case as lists show it."""

    id: int
    status: CaseStatus
    tank: str | None
    station: str | None
    text: str
    created_at: datetime
    due_kind: str | None = None
    due_at: datetime | None = None
    assignee: str | None = None
    waiting: bool = False
    last_from_resident: bool = False
    referred_to: str | None = None

    @property
    def ref(self) -> str:
        """The reference residents see, e.g. #12."""
        return f"#{self.id}"


@dataclass(frozen=True, slots=True)
class Rate:
    """A share: how many of how many."""

    hits: int
    total: int

    @property
    def value(self) -> float | None:
        """The share, or None when there is nothing to count."""
        return self.hits / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class Stats:
    """The figures coordinators steer by, for cases created since a moment."""

    total: int
    by_status: dict[str, int]
    by_tank: dict[str | None, dict[str, int]]
    overdue: int
    response: Rate
    resolution: Rate
    satisfaction: Rate
    median_claim: float | None = None  # seconds
    median_reply: float | None = None
    median_resolve: float | None = None
    ratings: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Behind:
    """Who stands behind the cases of a window besides their authors: supporters (voices
    added, merged duplicates' residents) once per case, how many of the cases are merged
    duplicates, and the cases most residents raise."""

    supporters: int
    merged: int
    most: tuple[tuple[int, int], ...] = ()  # (case id, residents), the most first


@dataclass(frozen=True, slots=True)
class HotInputs:
    """What hot topics are made of: a window's concerns (merged duplicates left out), the
    clusters as last remembered, the dismissed ones, and each case's established supporters."""

    concerns: list[Concern]
    previous: dict[int, list[int]]
    dismissed: set[int]
    backers: dict[int, set[int]]


@dataclass(frozen=True, slots=True)
class MemberLoad:
    """A member and how many open cases they hold."""

    person_id: int
    name: str
    tank: str | None
    station: str | None
    open_cases: int
    reachable: bool


class CaseViews(Protocol):
    """Read-only queries over committed data."""

    async def stats(
        self, since: datetime | None, now: datetime, reply_hours: dict[str | None, float]
    ) -> Stats:
        """Statistics of the cases created since a moment (all when None)."""
        ...

    async def overdue(self, now: datetime, limit: int) -> list[CaseBrief]:
        """Open cases past their current deadline, oldest deadline first."""
        ...

    async def by_status(
        self, status: CaseStatus, tank: str | None = None, limit: int = 30
    ) -> list[CaseBrief]:
        """Cases in a status (of one tank when given), oldest first."""
        ...

    async def held_by(self, member_id: int, limit: int = 30) -> list[CaseBrief]:
        """A member's open and resolved cases, oldest first."""
        ...

    async def find(self, words: list[str], limit: int = 20, names: bool = False) -> list[CaseBrief]:
        """Cases where every word occurs in the concern, in a message of its conversation or
        (when names) in the resident's name, never an anonymous one's; newest first."""
        ...

    async def member_loads(self) -> list[MemberLoad]:
        """Every active member with their open load."""
        ...

    async def undelivered(self, since: datetime, until: datetime) -> int:
        """Messages decided in a period that could not be delivered (kept as failed)."""
        ...

    async def timeline(self, case_id: int) -> tuple[Case, list[CaseEvent]] | None:
        """A case and every event of its timeline, oldest first; None if there is none."""
        ...

    async def hot_inputs(
        self, since: datetime, until: datetime, established_after: timedelta
    ) -> HotInputs:
        """The inputs of the hot topics of a window (see HotInputs)."""
        ...

    async def behind(self, since: datetime | None, limit: int = 3) -> Behind:
        """The residents behind the cases created since a moment (all when None), merged
        duplicates counted in their main case."""
        ...


def reply_hours(tanks: dict[str | None, Deadlines]) -> dict[str | None, float]:
    """The first-reply deadline per tank, as hours."""
    return {code: d.first_reply for code, d in tanks.items()}
