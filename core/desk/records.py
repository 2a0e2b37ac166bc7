"""The desk's records: a report, a proposal and a consultation, as core reads and writes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class ReportStatus(StrEnum):
    """Where a report stands: written, handed in, then adopted (采用) or not."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ADOPTED = "adopted"
    REJECTED = "rejected"


class ProposalStatus(StrEnum):
    """Where a proposal stands, from submitted to its proposers' rating."""

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"  # 立案
    ASSIGNED = "assigned"  # to the bodies that answer it (承办单位)
    REPLIED = "replied"
    RATED = "rated"


class ConsultationStatus(StrEnum):
    """Where a consultation stands."""

    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


GRADES = ("A", "B", "C")  # 已解决 / 正在解决 / 列入计划
RATINGS = ("satisfied", "basic", "unsatisfied")


@dataclass
class Report:
    """A 社情民意信息: one matter, written from cases by a member or a coordinator."""

    id: int
    author_id: int
    created_at: datetime
    updated_at: datetime
    cases: tuple[int, ...] = ()
    title: str = ""
    situation: str = ""
    problems: str = ""
    suggestions: str = ""
    status: ReportStatus = ReportStatus.DRAFT
    special: bool = False
    number: int | None = None
    submitted_at: datetime | None = None
    decided_at: datetime | None = None


@dataclass
class Proposal:
    """A 提案: its proposers, the bodies that answer it, the reply and the proposers' rating."""

    id: int
    title: str
    created_by: int
    submitted_at: datetime
    proposers: tuple[int, ...] = ()
    cases: tuple[int, ...] = ()
    report_id: int | None = None
    status: ProposalStatus = ProposalStatus.SUBMITTED
    bodies: tuple[str, ...] = ()
    accepted_at: datetime | None = None
    assigned_at: datetime | None = None
    due_at: datetime | None = None
    remind_level: int = 0
    round: int = 1
    grade: str | None = None
    reply: str | None = None
    replied_at: datetime | None = None
    rating: str | None = None
    rated_at: datetime | None = None


@dataclass
class Consultation:
    """A 议事会: topic, time, place, the cases it concerns, who is invited and who comes."""

    id: int
    topic: str
    at: datetime
    organiser_id: int
    created_at: datetime
    station: str | None = None
    cases: tuple[int, ...] = ()
    status: ConsultationStatus = ConsultationStatus.SCHEDULED
    reminded: bool = False
    minutes: str = ""
    report_id: int | None = None
    proposal_id: int | None = None
    answers: dict[int, str | None] = field(default_factory=dict)  # person id -> yes | no | None
    guests: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeskCounts:
    """The desk's figures of a period."""

    reports_written: int
    reports_adopted: int
    special_reports: int
    proposals: dict[str, int]  # by status
    consultations_held: int
    people_reached: int
