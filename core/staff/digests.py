"""Digests: each morning a member's pending work in one message; each Monday the coordinators'
week. Each is sent at most once per person and period, however often it is asked for, so the
scheduler's cron job and the catch-up at start-up cannot send one twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.context import District, notify
from core.engines import NoSimilarCases, SimilarCases
from core.models import CaseStatus, Person
from core.ports import UnitOfWorkFactory
from core.staff import hot, lists
from core.texts import t
from core.views import CaseBrief, CaseViews

DAILY, WEEKLY = "daily", "weekly"
WEEK = timedelta(days=7)


def due_period(district: District, now: datetime, kind: str) -> str | None:
    """The period whose digest is due at now (e.g. 2026-11-25, 2026-W48), or None: before the
    digest time, in quiet hours, or (weekly) not a Monday."""
    local = district.local(now)
    if local.time() < district.digest_time or district.in_quiet_hours(now):
        return None
    if kind == WEEKLY:
        if local.weekday() != 0:
            return None
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.date().isoformat()


async def daily(
    open_unit: UnitOfWorkFactory, views: CaseViews, district: District, now: datetime
) -> list[int]:
    """Send today's digest to every member with pending work who has not had it."""
    period = due_period(district, now, DAILY)
    if period is None:
        return []
    work: dict[int, tuple[list[CaseBrief], list[CaseBrief]]] = {}
    for load in await views.member_loads():
        unclaimed = await views.by_status(CaseStatus.OPEN, load.tank, lists.LIST_LIMIT)
        held = await views.held_by(load.person_id, lists.LIST_LIMIT)
        if unclaimed or held:
            work[load.person_id] = (unclaimed, held)
    async with open_unit() as uow:
        for person_id, (unclaimed, held) in work.items():
            person = await uow.people.get(person_id)
            if person is not None and await uow.digests.first_time(DAILY, period, person_id, now):
                await notify(uow, person, _daily_text(person, district, unclaimed, held, now), now)
        await uow.commit()
        return list(uow.queued)


async def weekly(
    open_unit: UnitOfWorkFactory,
    views: CaseViews,
    district: District,
    now: datetime,
    similar: SimilarCases | None = None,
) -> list[int]:
    """Send the week's figures to every coordinator who has not had them."""
    period = due_period(district, now, WEEKLY)
    if period is None:
        return []
    figures = await views.stats(now - WEEK, now, lists.reply_hours_of(district))
    behind = await views.behind(now - WEEK)
    undelivered = await views.undelivered(now - WEEK, now)
    found, clusters = await hot.topics(views, similar or NoSimilarCases(), now, WEEK)
    async with open_unit() as uow:
        await uow.supporters.keep_clusters(clusters)
        for person in await uow.people.coordinators():
            if await uow.digests.first_time(WEEKLY, period, person.id, now):
                loc = person.locale
                text = t(loc, "digest_weekly") + "\n\n"
                text += lists.render_stats(loc, district, figures, "7d")
                text += lists.render_behind(loc, figures, behind)
                if undelivered:
                    text += "\n\n" + t(loc, "digest_undelivered", count=undelivered)
                if found:
                    section = [t(loc, "digest_hot"), *hot.render(loc, district, found)]
                    text += "\n\n" + "\n".join(section)
                await notify(uow, person, text, now)
        await uow.commit()
        return list(uow.queued)


def _daily_text(
    person: Person,
    district: District,
    unclaimed: list[CaseBrief],
    held: list[CaseBrief],
    now: datetime,
) -> str:
    loc = person.locale
    parts = [t(loc, "digest_daily", name=person.name or "")]
    if unclaimed:
        parts.append(t(loc, "pending_unclaimed"))
        parts.extend(lists.brief_line(loc, district, b, now) for b in unclaimed)
    if held:
        parts.append(t(loc, "mine_header"))
        parts.extend(lists.brief_line(loc, district, b, now) for b in held)
    return "\n".join(parts)
