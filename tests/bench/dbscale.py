"""The database at scale: the sweep, /stats, /overdue and /case on a million cases, real code.

Each figure is the median of several runs of the path the bot runs: Service.handle for the
commands (the turn's transaction, the read-side query, the reply's transaction) and Service.sweep
for the reminders. Between sweep runs the due set is put back as it was, so each run does the same
work.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from config.tanks import load_defaults, load_stations, load_tanks
from core.context import District
from core.messages import Inbound
from core.ports import UnitOfWork
from core.service import Service
from core.staff import lists
from storage.db import Database, to_ms
from storage.unit_of_work import SqliteUnitOfWork, unit_factory
from storage.views import SqlViews
from tests.bench.dbgen import Generated, Shape, generate
from tests.bench.report import Report, Row, below, median, ms
from tests.support import RULES, UNLIMITED, RuleClassifier

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, outside the quiet hours
# A minute's worth of due cases at 100,000 open: each case passes about three rungs over a life
# of days to weeks, some 15-30 a minute on average; 50 is a busy minute.
STEADY = 50
TARGETS = {"sweep": 0.200, "stats": 0.300, "overdue": 0.050, "case": 0.050}
_update_ids = itertools.count(1)


def district() -> District:
    """The district as configured in config/."""
    return District(tuple(load_tanks()), tuple(load_stations()), triage_deadlines=load_defaults())


def command(user: str, name: str, args: str = "") -> Inbound:
    """A coordinator's command as the Telegram adapter would hand it over."""
    return Inbound(
        update_id=next(_update_ids),
        user_id=user,
        chat_id=user,
        user_name=f"协调员{int(user) - 9_000_000}",
        language="zh-hans",
        command=name,
        args=args,
    )


async def timed(runs: int, work: Callable[[], Awaitable[Any]]) -> list[float]:
    """The wall time of each of `runs` runs of work."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        times.append(time.perf_counter() - started)
    return times


class TimedUnits:
    """A unit-of-work factory noting how long each unit held the writer (enter to exit)."""

    def __init__(self, factory: Callable[[], SqliteUnitOfWork]) -> None:
        self.factory = factory
        self.spans: list[float] = []

    def __call__(self) -> UnitOfWork:
        return cast(UnitOfWork, _Timed(self.factory(), self.spans))


class _Timed:
    def __init__(self, uow: SqliteUnitOfWork, spans: list[float]) -> None:
        self.uow, self.spans, self.started = uow, spans, 0.0

    async def __aenter__(self) -> SqliteUnitOfWork:
        entered = await self.uow.__aenter__()
        self.started = time.perf_counter()
        return entered

    async def __aexit__(self, *exc: Any) -> None:
        await self.uow.__aexit__(*exc)
        self.spans.append(time.perf_counter() - self.started)


class SweepReset:
    """Puts the due cases back as they were before a sweep, and drops what the sweep added."""

    def __init__(self, db: Database, now: datetime) -> None:
        self.db, self.now = db, now
        self.rows: list[tuple[Any, ...]] = []
        self.marks: tuple[int, int] = (0, 0)

    async def capture(self) -> int:
        """Remember the due set; returns its size."""
        found = await self.db.reader.execute_fetchall(
            "SELECT * FROM cases WHERE next_check_at <= ?", (to_ms(self.now),)
        )
        self.rows = [tuple(r) for r in found]
        self.marks = (await self._max("case_events"), await self._max("outbox"))
        return len(self.rows)

    async def _max(self, table: str) -> int:
        rows = await self.db.reader.execute_fetchall(f"SELECT max(id) FROM {table}")  # noqa: S608
        return int(next(iter(rows))[0] or 0)

    async def keep_due(self, keep: int) -> None:
        """Leave only the `keep` earliest of the due cases due (the rest a day later)."""
        later = to_ms(self.now + timedelta(days=1))
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE cases SET next_check_at = ? WHERE next_check_at <= ? AND id NOT IN"
                " (SELECT id FROM cases WHERE next_check_at <= ? ORDER BY next_check_at LIMIT ?)",
                (later, to_ms(self.now), to_ms(self.now), keep),
            )

    async def restore(self) -> None:
        """Undo the sweep's changes."""
        marks = " , ".join("?" * len(self.rows[0])) if self.rows else ""
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM case_events WHERE id > ?", (self.marks[0],))
            await conn.execute("DELETE FROM outbox WHERE id > ?", (self.marks[1],))
            if self.rows:
                await conn.executemany(f"REPLACE INTO cases VALUES ({marks})", self.rows)  # noqa: S608


async def measure(gen: Generated, report: Report, runs: int) -> None:
    """Time the sweep and the coordinators' commands on the generated file; add the rows."""
    dist = district()
    db = await Database.open(gen.path)
    try:
        views = SqlViews(db)
        units = TimedUnits(unit_factory(db))
        service = Service(units, dist, RuleClassifier(RULES), lambda: gen.now, views, UNLIMITED)
        coordinator = gen.coordinators[0]
        reset = SweepReset(db, gen.now)
        due = await reset.capture()
        sent: list[int] = []

        async def sweep() -> None:
            sent.append(len(await service.sweep()))

        sweeps, held = [], []
        for _ in range(runs):
            units.spans.clear()
            sweeps += await timed(1, sweep)
            held.append((len(units.spans), max(units.spans, default=0.0)))
            await reset.restore()

        steady = []
        for _ in range(runs):
            await reset.keep_due(STEADY)
            steady += await timed(1, service.sweep)
            await reset.restore()

        def ask(name: str, args: str = "") -> Callable[[], Awaitable[list[int]]]:
            return lambda: service.handle(command(coordinator, name, args))

        figures = {
            "sweep": sweeps,
            "steady": steady,
            "stats_all": await timed(runs, ask("stats", "all")),
            "stats_30d": await timed(runs, ask("stats", "30d")),
            "overdue": await timed(runs, ask("overdue")),
            # /find stops at its 20th match: a word in many conversations is quick; a word in
            # none walks every case and its conversation, the worst a coordinator can ask.
            "find_reply": await timed(runs, ask("find", "回访")),
            "find_none": await timed(runs, ask("find", "查无此词")),
        }
        samples = iter(itertools.cycle(gen.sample_cases))
        figures["case"] = await timed(
            max(runs, len(gen.sample_cases)),
            lambda: service.handle(command(coordinator, "case", str(next(samples)))),
        )
        hours = lists.reply_hours_of(dist)
        query = {
            "stats_all": await timed(runs, lambda: views.stats(None, gen.now, hours)),
            "overdue": await timed(runs, lambda: views.overdue(gen.now, lists.LIST_LIMIT)),
        }
    finally:
        await db.close()
    size = os.path.getsize(gen.path)  # noqa: ASYNC240 (closing checkpointed the WAL into it)
    _rows(report, gen, figures, query, due, sent, size, held)


def _rows(
    report: Report,
    gen: Generated,
    figures: dict[str, list[float]],
    query: dict[str, list[float]],
    due: int,
    sent: list[int],
    size: int,
    held: list[tuple[int, float]],
) -> None:
    section = "database"
    n = f"{gen.cases:,}"
    units = median([h[0] for h in held])
    longest = median([h[1] for h in held])
    specs = [
        (
            "steady",
            "sweep",
            f"reminder sweep, {min(STEADY, due)} cases due (a busy minute) of {n}, "
            f"{gen.open_cases:,} open",
        ),
        (
            "sweep",
            "sweep",
            f"catch-up sweep, {due} cases due of {n} ({median(sent):.0f} messages; "
            f"{units:.0f} transactions, the longest {ms(longest)})",
        ),
        ("stats_all", "stats", f"/stats all on {n} cases"),
        ("stats_30d", "stats", f"/stats 30d on {n} cases"),
        ("overdue", "overdue", f"/overdue on {n} cases"),
        ("case", "case", f"/case <n> on {n} cases"),
    ]
    for key, target, what in specs:
        value = median(figures[key])
        met, margin = below(value, TARGETS[target])
        report.add(
            Row(
                section,
                what,
                f"{ms(value)} (median of {len(figures[key])})",
                f"< {ms(TARGETS[target])}",
                met,
                margin,
                {"median_s": value, "runs_s": figures[key]},
            )
        )
    for key, what in (
        ("find_reply", f"/find of a word in many conversations on {n} cases"),
        ("find_none", f"/find of a word in none on {n} cases (every case read)"),
    ):
        value = median(figures[key])
        report.add(
            Row(
                section,
                what,
                f"{ms(value)} (median of {len(figures[key])})",
                values={"median_s": value, "runs_s": figures[key]},
            )
        )
    per_case = size / gen.cases
    report.add(
        Row(
            section,
            f"bytes per case on disk ({gen.events / gen.cases:.1f} events per case)",
            f"{per_case:,.0f} B ({size / 2**20:,.0f} MiB)",
            values={"bytes": size, "per_case": per_case, "events": gen.events},
        )
    )
    report.note(
        f"database: {gen.cases:,} cases ({gen.open_cases:,} open), {gen.events:,} events, "
        f"{gen.people:,} people, generated in {gen.seconds:.0f} s; "
        f"the query alone: /stats all {ms(median(query['stats_all']))}, "
        f"/overdue {ms(median(query['overdue']))}"
    )


async def run(report: Report, cases: int, runs: int, workdir: Path, due: int | None = None) -> None:
    """Generate a district of `cases` cases in workdir and time it; adds the rows to report."""
    shape = Shape.scaled(cases, due if due is not None else min(1000, max(20, cases // 1000)))
    gen = await generate(workdir / "scale.db", shape, district(), NOW)
    report.settings["database"] = {"cases": cases, "due": shape.due, "runs": runs}
    await measure(gen, report, runs)
