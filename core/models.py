"""The domain's plain records: people, think tanks, stations, cases and their timeline."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.office import WorkingDays

log = logging.getLogger(__name__)
DEADLINE_KINDS = ("claim", "reply", "resolve")


class Role(StrEnum):
    """What a person may do."""

    RESIDENT = "resident"
    MEMBER = "member"
    COORDINATOR = "coordinator"


class CaseStatus(StrEnum):
    """Where a case stands: 受理 → 派单 → 办理 → 办结 → 评价."""

    TRIAGE = "triage"  # no tank fits; waiting for a coordinator
    OPEN = "open"  # routed to a tank, nobody has claimed it
    CLAIMED = "claimed"  # a member holds it
    RESOLVED = "resolved"  # the member resolved it; waiting for the resident's rating
    CLOSED = "closed"  # rated, or closed unrated
    REFERRED = "referred"  # 转办: no think tank's; the resident was told which body to turn to


OPEN_STATUSES = frozenset({CaseStatus.TRIAGE, CaseStatus.OPEN, CaseStatus.CLAIMED})


@dataclass(frozen=True, slots=True)
class Deadlines:
    """A tank's service levels, in hours; a kind the district counts in working days (claim,
    reply, resolve) in those, by its calendar (District.deadlines gives it)."""

    claim: float = 24.0
    first_reply: float = 72.0
    resolve: float = 360.0
    working_days: tuple[tuple[str, int], ...] = ()
    calendar: WorkingDays | None = field(default=None, compare=False, repr=False)

    def hours(self, kind: str, start: datetime) -> float:
        """The hours a deadline of this kind allows from start: its working days counted by
        the calendar, else its hours (also, logged as an error, for a day beyond the
        calendar's data: a resident's concern is never refused for it)."""
        fixed = {"claim": self.claim, "reply": self.first_reply}.get(kind, self.resolve)
        days = dict(self.working_days).get(kind)
        if days is None or self.calendar is None:
            return fixed
        try:
            return (self.calendar.add(start, days) - start).total_seconds() / 3600
        except ValueError as e:
            log.error(
                "%s due in %d working days from %s: %s; %s hours used", kind, days, start, e, fixed
            )
            return fixed


@dataclass(frozen=True, slots=True)
class ThinkTank:
    """A field of expertise that members serve in (法律, 经济, 农业 ...)."""

    code: str
    name_zh: str
    name_en: str
    keywords: dict[str, float] = field(default_factory=dict)
    domain_words: tuple[str, ...] = ()
    threshold: float = 0.0
    bias: float = 0.0
    deadlines: Deadlines = field(default_factory=Deadlines)
    # When one of this tank's co-occurrence rules matched, every other tank's score is
    # multiplied by this (law: 0.5: a dispute told among a field's words is still a dispute).
    rules_outweigh: float = 1.0

    def name(self, locale: str) -> str:
        """The display name in the given locale."""
        return self.name_en if locale == "en" else self.name_zh


@dataclass(frozen=True, slots=True)
class Station:
    """A grassroots workstation or town a resident can pick."""

    code: str
    name_zh: str
    name_en: str

    def name(self, locale: str) -> str:
        """The display name in the given locale."""
        return self.name_en if locale == "en" else self.name_zh


@dataclass(frozen=True, slots=True)
class ReferralBody:
    """A body outside the think tanks a concern can be referred to (转办): a department of the
    district, the 12345 hotline; with how residents reach it."""

    code: str
    name_zh: str
    name_en: str
    contact_zh: str = ""
    contact_en: str = ""

    def name(self, locale: str) -> str:
        """The display name in the given locale."""
        return self.name_en if locale == "en" else self.name_zh

    def contact(self, locale: str) -> str:
        """How to reach it, in the given locale ('' when not configured)."""
        return self.contact_en if locale == "en" else self.contact_zh


@dataclass(frozen=True, slots=True)
class KeywordHit:
    """One keyword that counted towards a tank, with its weight and how often it occurred.

    `written` is the word as the resident wrote it when that differs from the keyword of the
    list (a typo such as 代款 for 贷款, or wages for wage); empty when it is the same.
    `other` marks a word of the tanks file's other fields (路灯, 物业): it counted against
    every tank, and the concern waits in triage because of it.
    """

    keyword: str
    weight: float
    count: int = 1
    written: str = ""
    other: bool = False

    @property
    def shown(self) -> str:
        """The word as the resident wrote it."""
        return self.written or self.keyword

    @property
    def combined(self) -> bool:
        """True for a co-occurrence rule's hit ("没给|不给 + 钱"), shown as the words found."""
        return "+" in self.keyword and bool(self.written)


def stored_hit(hit: KeywordHit) -> list[str | float | int | bool]:
    """A hit as stored (JSON): keyword, weight, count, the word as written if it differs, and
    true in fifth place for a word of other fields (older rows have three or four)."""
    tail: list[str | bool] = (
        [hit.written, True] if hit.other else [hit.written] if hit.written else []
    )
    return [hit.keyword, hit.weight, hit.count, *tail]


@dataclass(frozen=True, slots=True)
class Classification:
    """The classifier's verdict: the tank (None for triage), how sure, and why."""

    tank: str | None
    confidence: float
    hits: tuple[KeywordHit, ...] = ()
    best: str | None = None
    scores: dict[str, float] = field(default_factory=dict)
    other: float = 0.0  # the other fields' score: its strongest word's weight (nlp.classifier)

    @property
    def keywords(self) -> tuple[str, ...]:
        """The deciding keywords, strongest first."""
        return tuple(h.keyword for h in self.hits)


@dataclass(slots=True)
class Person:
    """Anyone who talks to the bot, on one channel."""

    id: int
    channel: str
    external_id: str
    chat_id: str
    name: str = ""
    username: str | None = None
    locale: str = "zh"
    role: Role = Role.RESIDENT
    tank: str | None = None
    station: str | None = None
    active: bool = True
    reachable: bool = True
    phone: str | None = None

    @property
    def is_member(self) -> bool:
        """True for an active member of a tank."""
        return self.role == Role.MEMBER and self.active and self.tank is not None

    @property
    def is_coordinator(self) -> bool:
        """True for a coordinator."""
        return self.role == Role.COORDINATOR


@dataclass(slots=True)
class Case:
    """A resident's concern and where it stands."""

    id: int
    resident_id: int
    text: str
    created_at: datetime
    updated_at: datetime
    status: CaseStatus = CaseStatus.TRIAGE
    photos: tuple[str, ...] = ()
    station: str | None = None
    location: tuple[float, float] | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    anonymous: bool = False
    tank: str | None = None
    confidence: float = 0.0
    keywords: tuple[KeywordHit, ...] = ()
    assignee_id: int | None = None
    claimed_at: datetime | None = None
    first_reply_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    rating: str | None = None
    channel: str = "telegram"
    due_kind: str | None = None
    due_from: datetime | None = None
    due_at: datetime | None = None
    remind_level: int = 0
    next_check_at: datetime | None = None
    waiting_since: datetime | None = None
    extended: bool = False
    wider_notice_at: datetime | None = None
    awaiting_member: bool = False
    referred_to: str | None = None  # the body a referred case went to
    late_notice_at: datetime | None = None  # the answer promised to the resident; told once if late

    @property
    def ref(self) -> str:
        """The reference residents see, e.g. #12."""
        return f"#{self.id}"

    @property
    def is_open(self) -> bool:
        """True while someone still owes work on it."""
        return self.status in OPEN_STATUSES


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """One entry of a case's timeline."""

    case_id: int
    kind: str
    at: datetime
    actor_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass(slots=True)
class DialogState:
    """Where a chat's conversation stands, with its draft."""

    channel: str
    chat_id: str
    state: str = "idle"
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Invite:
    """A one-time link that makes whoever opens it a member of a tank."""

    code: str
    tank: str
    station: str | None
    created_by: int | None
    created_at: datetime
    expires_at: datetime
    used_by: int | None = None
    used_at: datetime | None = None
    revoked_at: datetime | None = None
    revoked_by: int | None = None

    def usable(self, now: datetime) -> bool:
        """True while nobody has used, revoked or outlived it."""
        return self.used_by is None and self.revoked_at is None and now < self.expires_at


@dataclass(frozen=True, slots=True)
class Correction:
    """A human's routing decision that differs from the classifier's: a labelled example."""

    case_id: int
    text: str
    old_tank: str | None
    new_tank: str | None
    actor_id: int | None
    reason: str
    at: datetime


class Via(StrEnum):
    """How a resident came to stand behind a case they did not write."""

    VOICE = "voice"  # they added their voice at intake
    MERGE = "merge"  # their own case was merged into it (并单)


@dataclass(frozen=True, slots=True)
class Supporter:
    """A resident behind a case besides its author: they follow it and hear of its outcome.
    A merge keeps the duplicate and the status it had, so that unmerging restores it."""

    case_id: int
    person_id: int
    via: Via
    at: datetime
    merged_from: int | None = None
    prior_status: CaseStatus | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An open case that reads like a new concern: its id, how alike (0..1) and why."""

    case_id: int
    score: float
    words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Concern:
    """A case as hot topics see it: when, where and by whom it was raised."""

    case_id: int
    text: str
    tank: str | None
    station: str | None
    created_at: datetime
    resident_id: int
    established: bool
    location: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class Topic:
    """A cluster of concerns sharing one problem; id is its first case's, kept week to week."""

    id: int
    title: str
    tank: str | None
    case_ids: tuple[int, ...]
    places: tuple[str, ...]
    first_at: datetime
    last_at: datetime
