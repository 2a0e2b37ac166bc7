"""Lists and figures from the read side, rendered for members and coordinators.

Each function here runs after the turn's transaction has committed (see Turn.defer), on the
views port, and returns the messages to send.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from core.cases import access, measures
from core.cases.notices import open_buttons, triage_buttons
from core.context import District, Reply, Turn
from core.models import CaseStatus, Person
from core.texts import Markup, esc, shorten, t
from core.views import Behind, CaseBrief, CaseViews, Rate, Stats, reply_hours

Render = Callable[..., Awaitable[list[Reply]]]
LIST_LIMIT = 30
WINDOWS = {"7d": timedelta(days=7), "30d": timedelta(days=30), "all": None}


def defer(turn: Turn, render: Render, *extra: object) -> None:
    """Answer the turn with a list rendered once it has committed, on the read side."""
    person, district, now = turn.person, turn.district, turn.now

    async def work(views: CaseViews) -> list[Reply]:
        return await render(views, person, district, now, *extra)

    turn.defer(work)


def duration(locale: str, seconds: float | None) -> str:
    """A duration as people read it: 3 天 4 小时, 2 h 13 min."""
    if seconds is None:
        return "-"
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return t(locale, "dur_days", d=days, h=hours)
    if hours:
        return t(locale, "dur_hours", h=hours, m=mins)
    return t(locale, "dur_minutes", m=mins)


def hours(locale: str, value: float) -> str:
    """A deadline in hours as people read it: 24 小时, 15 天."""
    if value >= 48 and value % 24 == 0:
        return t(locale, "n_days", n=int(value // 24))
    return t(locale, "n_hours", n=f"{value:g}")


def percent(rate: Rate) -> str:
    """A rate as 83% (5/6), or - when there is nothing to count."""
    value = rate.value
    return "-" if value is None else f"{value:.0%} ({rate.hits}/{rate.total})"


def brief_line(locale: str, district: District, brief: CaseBrief, now: datetime) -> str:
    """One case in a list, with what is owed and by when."""
    due = ""
    if brief.due_at is not None and brief.due_kind:
        late = measures.overdue(brief.status, brief.due_at, brief.waiting, now)
        key = "due_overdue" if late else "due_by"
        due = t(
            locale,
            key,
            what=t(locale, f"owed_{brief.due_kind}"),
            when=district.show_time(brief.due_at),
        )
    return t(
        locale,
        "brief_line",
        ref=brief.ref,
        tank=district.place_name(brief.tank, brief.referred_to, locale),
        status=t(locale, f"staff_status_{brief.status.value}"),
        who=brief.assignee or "",
        text=shorten(brief.text, 40),
        due=due,
    )


def _listing(
    locale: str, district: District, header: str, briefs: list[CaseBrief], now: datetime
) -> str:
    lines = [brief_line(locale, district, b, now) for b in briefs]
    return header + "\n" + ("\n".join(lines) if lines else t(locale, "list_empty"))


async def pending(
    views: CaseViews, person: Person, district: District, now: datetime
) -> list[Reply]:
    """A member's waiting work: the tank's unclaimed cases and theirs awaiting a reply."""
    loc = person.locale
    unclaimed = await views.by_status(CaseStatus.OPEN, person.tank, LIST_LIMIT)
    mine = [b for b in await views.held_by(person.id, LIST_LIMIT) if b.last_from_resident]
    return [
        (_listing(loc, district, t(loc, "pending_unclaimed"), unclaimed, now), ()),
        (_listing(loc, district, t(loc, "pending_mine"), mine, now), ()),
    ]


async def mine(views: CaseViews, person: Person, district: District, now: datetime) -> list[Reply]:
    """A member's open cases."""
    briefs = await views.held_by(person.id, LIST_LIMIT)
    text = _listing(person.locale, district, t(person.locale, "mine_header"), briefs, now)
    return [(text, open_buttons([(b.id, b.ref) for b in briefs]))]


async def overdue(
    views: CaseViews, person: Person, district: District, now: datetime
) -> list[Reply]:
    """Open cases past a deadline, oldest first."""
    briefs = await views.overdue(now, LIST_LIMIT)
    return [
        (_listing(person.locale, district, t(person.locale, "overdue_header"), briefs, now), ())
    ]


async def find(
    views: CaseViews, person: Person, district: District, now: datetime, words: list[str]
) -> list[Reply]:
    """Cases with every word in their concern or conversation, or in the resident's name for
    those who may see names (coordinators; an anonymous resident's name never matches)."""
    briefs = await views.find(words, 20, names=access.sees_names(person))
    header = t(person.locale, "find_header", words=" ".join(words))
    return [(_listing(person.locale, district, header, briefs, now), ())]


async def triage(
    views: CaseViews, person: Person, district: District, now: datetime
) -> list[Reply]:
    """Cases no tank fits, each with a button per tank."""
    loc = person.locale
    briefs = await views.by_status(CaseStatus.TRIAGE, None, LIST_LIMIT)
    if not briefs:
        return [(t(loc, "triage_empty"), ())]
    return [(t(loc, "triage_header", count=len(briefs)), ())] + [
        (brief_line(loc, district, b, now), triage_buttons(loc, district, b.id)) for b in briefs
    ]


async def members(
    views: CaseViews, person: Person, district: District, now: datetime
) -> list[Reply]:
    """Members per tank with their open load."""
    loc = person.locale
    loads = await views.member_loads()
    lines = [t(loc, "members_header")]
    for tank in district.tanks:
        lines.append(f"\n<b>{esc(tank.name(loc))}</b>")
        rows = [m for m in loads if m.tank == tank.code]
        lines.extend(
            t(
                loc,
                "member_line",
                id=m.person_id,
                name=m.name or "-",
                station=district.station_name(m.station, loc),
                load=m.open_cases,
                unreachable=t(loc, "unreachable") if not m.reachable else "",
            )
            for m in rows
        )
        if not rows:
            lines.append(t(loc, "list_empty"))
    return [("\n".join(lines), ())]


async def stats(
    views: CaseViews, person: Person, district: District, now: datetime, window: str
) -> list[Reply]:
    """The coordinators' figures for a window: 7d, 30d or all."""
    span = WINDOWS[window]
    hours = reply_hours(
        {tank.code: tank.deadlines for tank in district.tanks} | {None: district.triage_deadlines}
    )
    figures = await views.stats(now - span if span else None, now, hours)
    text = render_stats(person.locale, district, figures, window)
    behind = await views.behind(now - span if span else None)
    return [(text + render_behind(person.locale, figures, behind), ())]


def render_behind(loc: str, figures: Stats, behind: Behind) -> str:
    """The residents behind the cases, when any stand behind a case besides its author; the
    same lines in /stats and the weekly digest."""
    if not behind.supporters:
        return ""
    cases = figures.total
    residents = cases + behind.supporters
    text = "\n" + t(loc, "stats_residents", residents=residents, cases=cases)
    left, right = ("（", "）") if loc == "zh" else (" (", ")")
    most = " ".join(f"#{case_id}{left}{count}{right}" for case_id, count in behind.most)
    return text + "\n" + t(loc, "stats_most_voiced", cases=most)


def reply_hours_of(district: District) -> dict[str | None, float]:
    """Each tank's first-reply deadline in hours; None for triage."""
    deadlines = {tank.code: tank.deadlines for tank in district.tanks}
    return reply_hours(deadlines | {None: district.triage_deadlines})


def render_stats(locale: str, district: District, s: Stats, window: str) -> str:
    """The /stats answer."""
    statuses = [st.value for st in CaseStatus]
    by_status = " · ".join(
        f"{t(locale, f'staff_status_{st}')} {s.by_status.get(st, 0)}" for st in statuses
    )
    tank_lines = []
    for code in [tank.code for tank in district.tanks] + [None]:
        counts = s.by_tank.get(code)
        if counts:
            parts = " · ".join(
                f"{t(locale, f'staff_status_{st}')} {counts[st]}" for st in statuses if st in counts
            )
            name = district.tank_name(code, locale) if code else t(locale, "stats_no_tank")
            tank_lines.append(t(locale, "stats_tank_line", tank=name, counts=Markup(parts)))
    return t(
        locale,
        "stats",
        window=t(locale, f"window_{window}"),
        total=s.total,
        by_status=by_status,
        by_tank="\n".join(tank_lines) or t(locale, "list_empty"),
        overdue=s.overdue,
        response=percent(s.response),
        resolution=percent(s.resolution),
        satisfaction=percent(s.satisfaction),
        claim=duration(locale, s.median_claim),
        reply=duration(locale, s.median_reply),
        resolve=duration(locale, s.median_resolve),
    )
