"""The coordinators' office files: the ledger of cases (/export, .xlsx) and a month's or a
year's summary (/summary: the message, the chart and the .docx), each from one row source read
once, so that the message and the files cannot disagree.

Contact details go into the ledger only for a case whose contact the reader may see
(access.sees_contact): never for an anonymous case.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta

from core.cases import access, measures
from core.context import District, FileJob, Turn
from core.desk.common import desk
from core.desk.records import ProposalStatus
from core.models import Case, CaseStatus, Person
from core.office import ChartData, LedgerLine, OfficeFiles, Share, SummaryFigures
from core.states import Conversation
from core.texts import Markup, t
from core.views import Rate, reply_hours

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
MOST_ROWS = 50_000
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$", re.ASCII)
WEEKS = 8


def period_of(word: str, district: District) -> tuple[datetime, datetime, str] | None:
    """A year (2026) or a month (2026-11) as its start and end (UTC) and its name."""
    match = _PERIOD.match(word)
    if match is None:
        return None
    year, month = int(match.group(1)), match.group(2)
    if not 2000 <= year <= 2100 or (month is not None and not 1 <= int(month) <= 12):
        return None
    zone = district.timezone
    if month is None:
        start, end = datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
        return start, end, str(year)
    m = int(month)
    start = datetime(year, m, 1, tzinfo=zone)
    end = datetime(year + (m == 12), m % 12 + 1, 1, tzinfo=zone)
    return start, end, f"{year}-{m:02d}"


def this_month(district: District, now: datetime) -> tuple[datetime, datetime, str]:
    """The current month in the district's zone."""
    local = district.local(now)
    found = period_of(f"{local.year}-{local.month}", district)
    assert found is not None
    return found


def _status(word: str) -> CaseStatus | None:
    for status in CaseStatus:
        names = {status.value, t("zh", f"status_{status.value}"), t("en", f"status_{status.value}")}
        if word.lower() in {n.lower() for n in names}:
            return status
    return None


async def export(turn: Turn, state: Conversation) -> None:
    """/export [period] [tank] [station] [state]: the ledger of the cases as .xlsx."""
    district = turn.district
    period = this_month(district, turn.now)
    tank = station = None
    status: CaseStatus | None = None
    for word in turn.inbound.args.split():
        found_period = period_of(word, district)
        found_tank = next(
            (x for x in district.tanks if word in (x.code, x.name_zh, x.name_en)), None
        )
        found_station = next(
            (s for s in district.stations if word in (s.code, s.name_zh, s.name_en)), None
        )
        if found_period is not None:
            period = found_period
        elif found_tank is not None:
            tank = found_tank.code
        elif found_station is not None:
            station = found_station.code
        elif (found_status := _status(word)) is not None:
            status = found_status
        else:
            await turn.reply(turn.t("export_usage"))
            return
    start, end, name = period
    cases = [
        c
        for c in await desk(turn).cases_between(start, end, MOST_ROWS)
        if (tank is None or c.tank == tank)
        and (station is None or c.station == station)
        and (status is None or c.status == status)
    ]
    lines = await ledger_lines(turn, cases)
    contact = any(access.sees_contact(turn.person, c) for c in cases)
    locale = turn.locale

    async def build(files: OfficeFiles) -> bytes:
        return await files.ledger_xlsx(lines, contact, locale)

    caption = turn.t("export_caption", period=name, count=len(lines))
    filename = turn.t("export_filename", period=name) + ".xlsx"
    turn.send_file(FileJob(turn.person, caption, filename, XLSX, build))


async def ledger_lines(turn: Turn, cases: list[Case]) -> list[LedgerLine]:
    """The cases as ledger lines, as this reader may see them."""
    locale, district, now = turn.locale, turn.district, turn.now
    holders: dict[int, str] = {}
    lines = []
    # A merged duplicate says which case it lives on in (its residents are counted there).
    merged: dict[int, str] = {}
    for duplicate in await turn.uow.supporters.merged_among([c.id for c in cases]):
        record = await turn.uow.supporters.merged_into(duplicate)
        if record is not None:
            merged[duplicate] = t(locale, "status_merged_into", ref=f"#{record.case_id}")
    for case in cases:
        holder = ""
        if case.assignee_id is not None:
            if case.assignee_id not in holders:
                member = await turn.uow.people.get(case.assignee_id)
                holders[case.assignee_id] = _name(member)
            holder = holders[case.assignee_id]
        sees = access.sees_contact(turn.person, case)
        lines.append(
            LedgerLine(
                case=case.id,
                received=case.created_at,
                tank=district.tank_name(case.tank, locale),
                station=district.station_name(case.station, locale) if case.station else "",
                status=merged.get(case.id) or t(locale, f"status_{case.status.value}"),
                holder=holder,
                first_reply=case.first_reply_at,
                resolved=case.resolved_at,
                rating=t(locale, f"rating_{case.rating}") if case.rating else "",
                overdue=measures.is_overdue(case, now),
                referred_to=district.place_name(None, case.referred_to, locale)
                if case.referred_to
                else "",
                concern=case.text,
                anonymous=case.anonymous,
                contact_name=(case.contact_name or "") if sees else "",
                contact_phone=(case.contact_phone or "") if sees else "",
            )
        )
    return lines


def _name(person: Person | None) -> str:
    if person is None:
        return ""
    return person.name or f"#{person.id}"


def _share(rate: Rate) -> Share:
    return Share(rate.hits, rate.total)


async def figures_of(
    turn: Turn, start: datetime, end: datetime, month: int | None
) -> tuple[SummaryFigures, ChartData]:
    """The period's figures and chart, from one read of its cases and the desk's counts."""
    district, now = turn.district, turn.now
    cases = await desk(turn).cases_between(start, end, MOST_ROWS)
    # A duplicate merged into a main case is counted in it, as /stats counts it, not solved.
    merged = await turn.uow.supporters.merged_among([c.id for c in cases])
    cases = [c for c in cases if c.id not in merged]
    counts = await desk(turn).counts(start, end)
    by_status = Counter(c.status.value for c in cases)
    ratings = Counter(c.rating for c in cases if c.rating)
    hours = reply_hours(
        {x.code: x.deadlines for x in district.tanks} | {None: district.triage_deadlines}
    )
    proposals = tuple(
        (t(turn.locale, f"proposal_status_{s.value}"), counts.proposals.get(s.value, 0))
        for s in ProposalStatus
        if counts.proposals.get(s.value)
    )
    local_start = district.local(start)
    figures = SummaryFigures(
        year=local_start.year,
        month=month,
        issued=district.local(now).date(),
        concerns_received=len(cases),
        concerns_solved=sum(by_status.get(s.value, 0) for s in measures.RESOLVED),
        reports_written=counts.reports_written,
        reports_adopted=counts.reports_adopted,
        special_reports=counts.special_reports,
        proposals=proposals,
        consultations_held=counts.consultations_held,
        people_reached=counts.people_reached,
        response=_share(measures.response(cases, hours, min(now, end))),
        resolution=_share(measures.resolution(by_status)),
        satisfaction=_share(measures.satisfaction(ratings)),
    )
    return figures, chart_of(turn, cases, hours, end)


def chart_of(
    turn: Turn, cases: list[Case], hours: dict[str | None, float], end: datetime
) -> ChartData:
    """Cases by tank and state, and the three rates of the period's last weeks."""
    locale, district = turn.locale, turn.district
    codes = [x.code for x in district.tanks] + [None]
    states = [s for s in CaseStatus if any(c.status == s for c in cases)]
    counts = tuple(
        tuple(sum(1 for c in cases if c.tank == code and c.status == s) for s in states)
        for code in codes
    )
    last = min(turn.now, end)
    local_day = district.local(last).date()
    monday = local_day - timedelta(days=local_day.weekday())
    weeks = tuple(monday - timedelta(weeks=k) for k in range(WEEKS - 1, -1, -1))
    response, resolution, satisfaction = [], [], []
    for first in weeks:
        week = [c for c in cases if first <= district.local(c.created_at).date() < _plus(first)]
        by_status = Counter(c.status.value for c in week)
        ratings = Counter(c.rating for c in week if c.rating)
        response.append(measures.response(week, hours, last).value)
        resolution.append(measures.resolution(by_status).value)
        satisfaction.append(measures.satisfaction(ratings).value)
    return ChartData(
        tanks=tuple(district.tank_name(code, locale) for code in codes),
        states=tuple(t(locale, f"status_{s.value}") for s in states),
        counts=counts,
        weeks=weeks,
        response=tuple(response),
        resolution=tuple(resolution),
        satisfaction=tuple(satisfaction),
    )


async def charts(turn: Turn) -> None:
    """/stats chart: cases by tank and state, and the three rates, of the last weeks."""
    district, now = turn.district, turn.now
    local = district.local(now)
    monday = local.date() - timedelta(days=local.weekday(), weeks=WEEKS - 1)
    start = datetime.combine(monday, datetime.min.time(), tzinfo=district.timezone)
    cases = await desk(turn).cases_between(start, now + timedelta(seconds=1), MOST_ROWS)
    hours = reply_hours(
        {x.code: x.deadlines for x in district.tanks} | {None: district.triage_deadlines}
    )
    chart = chart_of(turn, cases, hours, now)
    send_charts(turn, chart, turn.t("chart_period_weeks", weeks=WEEKS))


def send_charts(turn: Turn, chart: ChartData, name: str) -> None:
    """The two charts as PNG files."""
    locale = turn.locale

    async def cases_png(files: OfficeFiles) -> bytes:
        return await files.cases_png(chart, locale)

    async def rates_png(files: OfficeFiles) -> bytes:
        return await files.rates_png(chart, locale)

    for key, build in (("chart_cases", cases_png), ("chart_rates", rates_png)):
        caption = turn.t(f"{key}_caption", period=name)
        filename = turn.t(f"{key}_filename", period=name) + ".png"
        turn.send_file(FileJob(turn.person, caption, filename, PNG, build))


def _plus(day: date) -> date:
    return day + timedelta(days=7)


def rate_words(locale: str, share: Share) -> str:
    """A share as 95.0%（114/120）, or the words for no data."""
    if not share.total:
        return t(locale, "rate_no_data")
    percent = f"{share.hits / share.total * 100:.1f}"
    return t(locale, "rate_line", percent=percent, hits=share.hits, total=share.total)


def summary_text(locale: str, period: str, f: SummaryFigures) -> str:
    """The summary as the chat shows it."""
    items = t(locale, "list_separator").join(
        t(locale, "summary_proposal_item", state=state, count=n) for state, n in f.proposals
    )
    return t(
        locale,
        "summary_text",
        period=period,
        received=f.concerns_received,
        solved=f.concerns_solved,
        written=f.reports_written,
        adopted=f.reports_adopted,
        special=f.special_reports,
        proposals=Markup(items) if items else t(locale, "summary_none"),
        held=f.consultations_held,
        people=f.people_reached,
        response=rate_words(locale, f.response),
        resolution=rate_words(locale, f.resolution),
        satisfaction=rate_words(locale, f.satisfaction),
    )


async def summary(turn: Turn, state: Conversation) -> None:
    """/summary 2026 | /summary 2026-11: the figures as a message, a chart and a .docx."""
    words = turn.inbound.args.split()
    period = period_of(words[0], turn.district) if len(words) == 1 else None
    if period is None:
        await turn.reply(turn.t("summary_usage"))
        return
    start, end, name = period
    month = int(name[5:]) if len(name) > 4 else None
    figures, chart = await figures_of(turn, start.astimezone(start.tzinfo), end, month)
    locale = turn.locale
    await turn.reply(summary_text(locale, name, figures))

    async def docx(files: OfficeFiles) -> bytes:
        return await files.summary_docx(figures, locale)

    send_charts(turn, chart, name)
    turn.send_file(
        FileJob(
            turn.person,
            turn.t("summary_caption", period=name),
            turn.t("summary_filename", period=name) + ".docx",
            DOCX,
            docx,
        )
    )
