"""The office files the desk hands on (report, ledger, summary, chart) as plain records, and the
ports that build them and count working days; the adapters implement them (handlers.office).

A record carries what its file shows and nothing more: a resident's name or contact only for a
resident who agreed, and never for an anonymous case. Moments are aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


class FileRefused(ValueError):
    """A file that cannot be built from what it was given; key names the catalogue text."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True, slots=True)
class ReportSheet:
    """A 社情民意信息 as its file prints it."""

    title: str
    situation: str
    problems: str
    suggestions: str
    authors: tuple[str, ...]
    issued: date
    number: int
    cases: tuple[int, ...] = ()
    concerns: int = 0
    special: bool = False


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One case as a ledger line; contact only when the reader may see it and the case is not
    anonymous."""

    case: int
    received: datetime
    tank: str
    station: str
    status: str
    holder: str
    first_reply: datetime | None
    resolved: datetime | None
    rating: str
    overdue: bool
    referred_to: str
    concern: str
    anonymous: bool
    contact_name: str = ""
    contact_phone: str = ""


@dataclass(frozen=True, slots=True)
class Share:
    """How many of how many."""

    hits: int
    total: int


@dataclass(frozen=True, slots=True)
class SummaryFigures:
    """A month's or a year's figures: the chat's message and the file come from this one
    record."""

    year: int
    month: int | None
    issued: date
    concerns_received: int
    concerns_solved: int
    reports_written: int
    reports_adopted: int
    special_reports: int
    proposals: tuple[tuple[str, int], ...]
    consultations_held: int
    people_reached: int
    response: Share
    resolution: Share
    satisfaction: Share


@dataclass(frozen=True, slots=True)
class ChartData:
    """Cases by tank and state, and the three rates of the last weeks (shares 0-1)."""

    tanks: tuple[str, ...]
    states: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    weeks: tuple[date, ...]
    response: tuple[float | None, ...]
    resolution: tuple[float | None, ...]
    satisfaction: tuple[float | None, ...]


class OfficeFiles(Protocol):
    """Builds the files, away from the event loop; raises FileRefused for a record it cannot
    build a file from."""

    async def report_docx(self, sheet: ReportSheet, locale: str) -> bytes:
        """The report as a GB/T 9704 .docx."""
        ...

    async def ledger_xlsx(self, lines: list[LedgerLine], contact: bool, locale: str) -> bytes:
        """The cases' ledger (台账) as .xlsx; contact columns only when contact is True."""
        ...

    async def summary_docx(self, figures: SummaryFigures, locale: str) -> bytes:
        """The summary as a GB/T 9704 .docx."""
        ...

    async def cases_png(self, data: ChartData, locale: str) -> bytes:
        """Cases by tank and state (stacked bars) as PNG."""
        ...

    async def rates_png(self, data: ChartData, locale: str) -> bytes:
        """The three rates of the last weeks (lines) as PNG."""
        ...


class WorkingDays(Protocol):
    """China's working days (public holidays, 调休): the calendar the district counts in."""

    def add(self, moment: datetime, days: int) -> datetime:
        """The moment days working days later (UTC); FileRefused("beyond_calendar") when a
        day lies beyond the calendar's data."""
        ...
