"""The plain records the files are built from, filled by the desk from one row source.

Each record carries what its file shows and nothing more: names of members as they may be named,
case numbers and counts, and a resident's name or contact only in a `NamedResident` that says the
resident consented. Texts are the caller's (labels of states, tanks, ratings in the reader's
language); what the files add themselves comes from `documents.labels`. Moments are aware
datetimes (stored UTC); the builders show them in the district's zone they are given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class NamedResident:
    """A resident behind a report; printed only when consented is True."""

    name: str
    contact: str = ""
    consented: bool = False


@dataclass(frozen=True, slots=True)
class Report:
    """A 社情民意信息: one matter (一事一报), at most 1,500 characters of title and sections."""

    title: str
    situation: str  # 基本情况
    problems: str  # 存在问题
    suggestions: str  # 意见建议
    authors: tuple[str, ...]  # the members, as they may be named
    issuer: str  # the office that issues it, e.g. 丰南区政协办公室
    issued: date
    number: int  # 期号
    cases: tuple[int, ...] = ()  # the linked case numbers
    concerns: int = 0  # residents' concerns behind it (at least len(cases))
    residents: tuple[NamedResident, ...] = ()
    special: bool = False  # raised to a special report (专报)


class LedgerField(StrEnum):
    """A column a ledger (台账) can have."""

    CASE = "case"
    RECEIVED = "received"
    TANK = "tank"
    STATION = "station"
    STATUS = "status"
    HOLDER = "holder"
    FIRST_REPLY = "first_reply"
    RESOLVED = "resolved"
    RATING = "rating"
    OVERDUE = "overdue"
    REFERRED_TO = "referred_to"
    CONCERN = "concern"
    CONTACT_NAME = "contact_name"
    CONTACT_PHONE = "contact_phone"


CONTACT_FIELDS = frozenset({LedgerField.CONTACT_NAME, LedgerField.CONTACT_PHONE})
LEDGER_COLUMNS: tuple[LedgerField, ...] = tuple(f for f in LedgerField if f not in CONTACT_FIELDS)
LEDGER_COLUMNS_WITH_CONTACT: tuple[LedgerField, ...] = tuple(LedgerField)


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One case as a ledger line; contact is written only in contact columns the caller asked
    for, and never for an anonymous case."""

    case: int
    received: datetime
    tank: str = ""
    station: str = ""
    status: str = ""
    holder: str = ""
    first_reply: datetime | None = None
    resolved: datetime | None = None
    rating: str = ""
    overdue: bool = False
    referred_to: str = ""
    concern: str = ""
    anonymous: bool = False
    contact_name: str = ""
    contact_phone: str = ""


@dataclass(frozen=True, slots=True)
class Ledger:
    """The columns to write, in order, and the rows (any iterable: a list, or a generator)."""

    columns: tuple[LedgerField, ...]
    rows: Iterable[LedgerRow]


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
class Summary:
    """A month's (month given) or a year's figures, as the message and the .docx show them."""

    issuer: str  # e.g. 丰南区政协
    year: int
    month: int | None
    issued: date
    concerns_received: int
    concerns_solved: int
    reports_written: int
    reports_adopted: int
    special_reports: int
    proposals: tuple[tuple[str, int], ...]  # (state as the reader calls it, count), in order
    consultations_held: int
    people_reached: int
    response: Rate
    resolution: Rate
    satisfaction: Rate


@dataclass(frozen=True, slots=True)
class CasesByTank:
    """Cases by tank and state: counts[i][j] is tank i's cases in state j."""

    tanks: tuple[str, ...]
    states: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]


@dataclass(frozen=True, slots=True)
class WeeklyRates:
    """The three rates (shares 0-1, None for no data) of each week, oldest first."""

    weeks: tuple[date, ...]  # each week's first day
    response: tuple[float | None, ...]
    resolution: tuple[float | None, ...]
    satisfaction: tuple[float | None, ...]
