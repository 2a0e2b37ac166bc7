"""What "overdue", "answered in time" and the three rates mean is defined once (core/cases/
measures.py); the same cases fed to every place that uses them get the same answer: the sweep,
/overdue, /stats over a window, /stats over all time (the tallies), the weekly digest and the
members' daily digest, each agreeing with the definitions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core.cases import lifecycle, measures
from core.context import District
from core.models import Case, CaseEvent, CaseStatus, Person
from core.service import Service
from core.staff import lists
from core.views import Rate
from storage.db import Database
from tests.core.test_casework import staff
from tests.support import Clock, RuleClassifier, sqlite_fetch, sqlite_service

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Shanghai
H = timedelta(hours=1)


@dataclass(frozen=True)
class Given:
    """One case as the test sets it up."""

    name: str
    status: CaseStatus
    age: timedelta  # since it was filed
    due: timedelta | None = None  # its current deadline, from now (negative: past)
    due_kind: str = "claim"
    holder: str | None = None  # the member holding it
    replied: timedelta | None = None  # its first reply, after filing
    paused: bool = False  # a question to the resident waits
    rating: str | None = None
    tank: str | None = "law"


CASES = (
    Given("unclaimed, past its claim deadline", CaseStatus.OPEN, 30 * H, -6 * H),
    Given("unclaimed, at its claim deadline this very moment", CaseStatus.OPEN, 24 * H, 0 * H),
    Given("unclaimed, deadline to come", CaseStatus.OPEN, 20 * H, 4 * H),
    Given(
        *("paused by a question, past its deadline", CaseStatus.CLAIMED, 80 * H, -8 * H),
        due_kind="resolve",
        holder="11",
        replied=1 * H,
        paused=True,
    ),
    Given(
        *("answered late, past its deadline", CaseStatus.CLAIMED, 150 * H, -3 * H),
        due_kind="resolve",
        holder="11",
        replied=80 * H,
    ),
    Given("in triage, past its deadline", CaseStatus.TRIAGE, 25 * H, -1 * H, tank=None),
    Given(
        *("resolved, its rating window over", CaseStatus.RESOLVED, 100 * H, -1 * H),
        due_kind="rating",
        holder="11",
        replied=10 * H,
    ),
    Given("closed, satisfied", CaseStatus.CLOSED, 140 * H, replied=2 * H, rating="good"),
    Given(
        *("referred, not satisfied", CaseStatus.REFERRED, 50 * H),
        replied=H / 2,
        rating="poor",
        tank=None,
    ),
    Given(
        *("closed, answered 30 s past 72 h", CaseStatus.CLOSED, 130 * H),
        replied=72 * H + timedelta(seconds=30),
        rating="fair",
    ),
    Given(
        *("claimed, never answered, past its reply deadline", CaseStatus.CLAIMED, 73 * H, -1 * H),
        due_kind="reply",
        holder="12",
    ),
)


async def given(service: Service) -> list[Case]:
    """The staff, a resident and the cases, stored as the bot would have left them."""
    async with service.open_unit() as uow:
        resident = await uow.people.add(Person(0, "telegram", "501", "501", name="王"), NOW)
        members = {p.external_id: p for p in await uow.people.members()}
        cases = []
        for g in CASES:
            created = NOW - g.age
            case = Case(0, resident.id, g.name, created, created, status=g.status, tank=g.tank)
            case.assignee_id = members[g.holder].id if g.holder else None
            case.claimed_at = created + H / 4 if g.holder else None
            case.first_reply_at = created + g.replied if g.replied is not None else None
            case.rating = g.rating
            if g.status in (CaseStatus.CLOSED, CaseStatus.REFERRED):
                case.closed_at = NOW - H
            if g.status == CaseStatus.RESOLVED:
                case.resolved_at = NOW - 2 * H
            if g.due is not None:
                case.due_kind, case.due_from, case.due_at = g.due_kind, created, NOW + g.due
                case.remind_level = 1  # its first reminder went: what is left is the deadline's
            case.waiting_since = NOW - 9 * H if g.paused else None
            lifecycle.plan_check(case)
            cases.append(await uow.cases.add(case))
        await uow.commit()
    return cases


def shown(rate: Rate) -> str:
    return lists.percent(rate)


async def test_every_place_that_counts_counts_the_same_cases(
    db: Database, district: District, classifier: RuleClassifier
) -> None:
    clock = Clock(NOW)
    service = sqlite_service(db, district, classifier, clock)
    fetch = sqlite_fetch(db)
    await staff(service, fetch)
    cases = await given(service)
    by_id = {c.id: c.text for c in cases}
    allowances = lists.reply_hours_of(service.district)

    overdue = {c.text for c in cases if measures.is_overdue(c, NOW)}
    assert overdue == {
        "unclaimed, past its claim deadline",
        "unclaimed, at its claim deadline this very moment",
        "answered late, past its deadline",
        "in triage, past its deadline",
        "claimed, never answered, past its reply deadline",
    }
    response = measures.response(cases, allowances, NOW)
    assert (response.hits, response.total) == (5, 7)
    resolution = measures.resolution({s: sum(c.status == s for c in cases) for s in CaseStatus})
    assert (resolution.hits, resolution.total) == (3, 10)
    ratings = {r: sum(c.rating == r for c in cases) for r in measures.RATINGS}
    satisfaction = measures.satisfaction(ratings)
    assert (satisfaction.hits, satisfaction.total) == (2, 3)

    listed = {by_id[b.id] for b in await service.views.overdue(NOW, 30)}
    assert listed == overdue
    for since in (NOW - timedelta(days=7), None):  # /stats 7d, and /stats all from the tallies
        figures = await service.views.stats(since, NOW, allowances)
        assert figures.overdue == len(overdue)
        assert (figures.response, figures.resolution, figures.satisfaction) == (
            response,
            resolution,
            satisfaction,
        )

    (weekly,) = await fetch(await service.weekly_digest())
    assert f"当前超期：{len(overdue)}" in weekly.text
    for rate in (response, resolution, satisfaction):
        assert shown(rate) in weekly.text

    daily = await fetch(await service.daily_digest())
    listed_daily, marked = set(), set()
    for digest in daily:
        for block in re.split(r"\n(?=<b>#)", digest.text):
            number = re.match(r"<b>#(\d+)</b>", block)
            if number:
                listed_daily.add(by_id[int(number.group(1))])
                if "超期" in block:
                    marked.add(by_id[int(number.group(1))])
    assert {"paused by a question, past its deadline", "resolved, its rating window over"} < (
        listed_daily
    )
    assert marked == overdue & listed_daily

    before = {c.id: len(await events(service, c.id)) for c in cases}
    await service.sweep()
    acted = set()
    for case in cases:
        new = (await events(service, case.id))[before[case.id] :]
        past = ("auto_assigned", "escalated")
        if any(e.kind in past or e.data.get("rung", 0) >= 2 for e in new):
            acted.add(case.text)
    assert acted == overdue


async def events(service: Service, case_id: int) -> list[CaseEvent]:
    async with service.open_unit() as uow:
        return await uow.events.for_case(case_id)
