"""Core's office ports on the documents package: the desk's records turned into the files'
records, each file built in a worker thread (documents.workers), and China's working days with
the district's own schedule for years the calendar package does not cover yet."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo

from core.office import ChartData, FileRefused, LedgerLine, ReportSheet, Share, SummaryFigures
from documents import charts, records
from documents.errors import BeyondCalendarData, DocumentInputError
from documents.ledger_xlsx import build_ledger_xlsx
from documents.report_docx import build_report_docx
from documents.summary import build_summary_docx
from documents.workdays import NO_SCHEDULE, Schedule, add_working_days
from documents.workers import FileWorkers


class DocumentFiles:
    """The office files, built by the documents package in worker threads."""

    def __init__(self, workers: FileWorkers, zone: tzinfo, issuer: str) -> None:
        self.workers, self.zone, self.issuer = workers, zone, issuer

    async def _build(self, builder: Callable[[], bytes]) -> bytes:
        try:
            return await self.workers.build(builder)
        except DocumentInputError as e:
            raise FileRefused("files_refused") from e

    async def report_docx(self, sheet: ReportSheet, locale: str) -> bytes:
        """The report as a GB/T 9704 .docx."""
        report = records.Report(
            title=sheet.title,
            situation=sheet.situation,
            problems=sheet.problems,
            suggestions=sheet.suggestions,
            authors=sheet.authors,
            issuer=self.issuer,
            issued=sheet.issued,
            number=sheet.number,
            cases=sheet.cases,
            concerns=sheet.concerns,
            special=sheet.special,
        )
        return await self._build(lambda: build_report_docx(report, locale))

    async def ledger_xlsx(self, lines: list[LedgerLine], contact: bool, locale: str) -> bytes:
        """The ledger as .xlsx; contact columns only when contact is True."""
        rows = [
            records.LedgerRow(
                case=line.case,
                received=line.received,
                tank=line.tank,
                station=line.station,
                status=line.status,
                holder=line.holder,
                first_reply=line.first_reply,
                resolved=line.resolved,
                rating=line.rating,
                overdue=line.overdue,
                referred_to=line.referred_to,
                concern=line.concern,
                anonymous=line.anonymous,
                contact_name="" if line.anonymous else line.contact_name,
                contact_phone="" if line.anonymous else line.contact_phone,
            )
            for line in lines
        ]
        columns = records.LEDGER_COLUMNS_WITH_CONTACT if contact else records.LEDGER_COLUMNS
        ledger = records.Ledger(columns, rows)
        zone = self.zone
        return await self._build(lambda: build_ledger_xlsx(ledger, zone, locale))

    async def summary_docx(self, figures: SummaryFigures, locale: str) -> bytes:
        """The summary as a GB/T 9704 .docx."""
        f = figures
        summary = records.Summary(
            issuer=self.issuer,
            year=f.year,
            month=f.month,
            issued=f.issued,
            concerns_received=f.concerns_received,
            concerns_solved=f.concerns_solved,
            reports_written=f.reports_written,
            reports_adopted=f.reports_adopted,
            special_reports=f.special_reports,
            proposals=f.proposals,
            consultations_held=f.consultations_held,
            people_reached=f.people_reached,
            response=_rate(f.response),
            resolution=_rate(f.resolution),
            satisfaction=_rate(f.satisfaction),
        )
        return await self._build(lambda: build_summary_docx(summary, locale))

    async def cases_png(self, data: ChartData, locale: str) -> bytes:
        """Cases by tank and state as PNG."""
        bars = records.CasesByTank(data.tanks, data.states, data.counts)
        return await self._build(lambda: charts.cases_by_tank_png(bars, locale))

    async def rates_png(self, data: ChartData, locale: str) -> bytes:
        """The three rates of the last weeks as PNG."""
        rates = records.WeeklyRates(data.weeks, data.response, data.resolution, data.satisfaction)
        return await self._build(lambda: charts.rates_png(rates, locale))


def _rate(share: Share) -> records.Rate:
    return records.Rate(share.hits, share.total)


class ChinaWorkingDays:
    """China's working days in the district's zone: the chinese-calendar package's data, then
    the district's schedule for later years."""

    def __init__(self, zone: tzinfo, schedule: Schedule = NO_SCHEDULE) -> None:
        self.zone, self.schedule = zone, schedule

    def add(self, moment: datetime, days: int) -> datetime:
        """The moment days working days later (UTC); FileRefused beyond the calendar."""
        try:
            return add_working_days(moment, days, self.zone, self.schedule)
        except BeyondCalendarData as e:
            raise FileRefused("beyond_calendar", day=_iso(e.day), last=_iso(e.last)) from e


def _iso(day: date) -> str:
    return day.isoformat()
