"""The figures of /stats: over a window from the cases themselves, over all time from the tallies
that triggers keep (migration 0002), so that a million cases cost a few hundred rows.

Both paths count by the definitions of core/cases/measures.py, written here in SQL from its
statuses (tests/storage/test_measures_agree.py checks they agree): a case is overdue when open,
not paused and its deadline reached; a first reply is in time when its whole minutes from
receipt are within the tank's first-reply deadline; medians are taken over whole minutes; the
rates are made from the counts by measures itself.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from core.cases import measures
from core.views import Rate, Stats
from storage.db import to_ms

Rows = Callable[[str, tuple[Any, ...]], Awaitable[Sequence[Sequence[Any]]]]


def statuses(values: frozenset[str]) -> str:
    """A set of statuses as an SQL list: constants of the code, never anything typed."""
    if not all(re.fullmatch(r"[a-z_]+", v) for v in values):
        raise ValueError(f"not a status: {sorted(values)}")
    return "(" + ", ".join(f"'{v}'" for v in sorted(values)) + ")"


OPEN = statuses(measures.OPEN)
# A duplicate merged into a main case (并单) is no case of its own in the figures: its resident
# is counted behind the main case, and its closing is no resolution.
NOT_MERGED = " AND NOT EXISTS (SELECT 1 FROM supporters m WHERE m.merged_from = cases.id)"
COUNTS = (
    f"SELECT status, tank, count(*) FROM cases WHERE created_at >= ?{NOT_MERGED}"
    " GROUP BY +status, +tank"
)
MERGED = (
    "SELECT d.status, coalesce(d.tank, ''), count(*) FROM supporters s"
    " JOIN cases d ON d.id = s.merged_from GROUP BY d.status, d.tank"
)
IN_TIME = "(first_reply_at - created_at) / 60000 * 60000 <= {limit}"
# Overdue is a state of now, whenever a case was filed: a window's figures count every open case
# past its deadline, not only the window's own (a weekly digest said 0 while older cases were
# overdue). The walk of cases_by_due stops at now, so it reads only the cases past a deadline.
OVERDUE_NOW = (
    f"SELECT count(*) FROM cases WHERE due_at <= ? AND +status IN {OPEN} AND waiting_since IS NULL"
)


def median_of_histogram(rows: Sequence[Sequence[Any]]) -> float | None:
    """The median of (minute bucket, count) rows, in seconds."""
    pairs = sorted((int(r[0]), int(r[1])) for r in rows)
    total = sum(n for _, n in pairs)
    seen = 0
    for bucket, n in pairs:
        seen += n
        if total and seen * 2 >= total:
            return float(bucket) * 60
    return None


class StatsQueries:
    """The queries behind one /stats answer."""

    def __init__(self, rows: Rows, now: datetime, reply_hours: dict[str | None, float]) -> None:
        self.rows, self.now = rows, to_ms(now)
        default = reply_hours.get(None, 72.0)
        named = [(k, v) for k, v in reply_hours.items() if k is not None]
        whens = " ".join("WHEN ? THEN CAST(? AS BIGINT)" for _ in named)
        # Each case's first-reply allowance in ms, by its tank; triage's for the rest.
        self.limit = f"(CASE tank {whens} ELSE CAST(? AS BIGINT) END)"
        self.limit_params = (
            *(x for k, v in named for x in (k, measures.allowance_ms(v))),
            measures.allowance_ms(default),
        )

    async def _one(self, sql: str, params: tuple[Any, ...]) -> Sequence[Any]:
        return (await self.rows(sql, params))[0]

    async def window(self, start: int) -> Stats:
        """Figures of the cases received since start (ms)."""
        counts = await self.rows(COUNTS, (start,))
        in_time = IN_TIME.format(limit=self.limit)
        hits, judged = await self._one(
            f"SELECT sum(CASE WHEN first_reply_at IS NOT NULL AND {in_time} THEN 1 ELSE 0 END),"
            " sum(CASE WHEN first_reply_at IS NOT NULL"
            f" OR created_at + {self.limit} <= ? THEN 1 ELSE 0 END)"
            f" FROM cases WHERE created_at >= ?{NOT_MERGED}",
            (*self.limit_params, *self.limit_params, self.now, start),
        )
        (overdue,) = await self._one(OVERDUE_NOW, (self.now,))
        ratings = await self.rows(
            "SELECT rating, count(*) FROM cases WHERE created_at >= ? AND rating IS NOT NULL"
            f"{NOT_MERGED} GROUP BY rating",
            (start,),
        )
        medians = []
        for column in ("claimed_at", "first_reply_at", "resolved_at"):
            histogram = await self.rows(
                f"SELECT ({column} - created_at) / 60000 AS bucket, count(*) FROM cases"
                f" WHERE created_at >= ? AND {column} IS NOT NULL{NOT_MERGED} GROUP BY bucket",
                (start,),
            )
            medians.append(median_of_histogram(histogram))
        return _stats(counts, overdue or 0, Rate(hits or 0, judged or 0), ratings, medians)

    async def all_time(self) -> Stats:
        """Figures of every case, from the tallies and the open cases only."""
        tallied = await self.rows(
            "SELECT status, tank, sum(n) FROM case_tallies GROUP BY status, tank HAVING sum(n) > 0",
            (),
        )
        merged = {(r[0], r[1]): int(r[2]) for r in await self.rows(MERGED, ())}
        counts = [
            (status, tank or None, int(n) - merged.get((status, tank), 0))
            for status, tank, n in tallied
            if int(n) > merged.get((status, tank), 0)
        ]
        ratings = await self.rows(
            "SELECT rating, sum(n) FROM case_tallies WHERE rating != '' GROUP BY rating"
            " HAVING sum(n) > 0",
            (),
        )
        medians = []
        for kind in ("claim", "reply", "resolve"):
            histogram = await self.rows(
                "SELECT minutes, sum(n) FROM duration_tallies WHERE kind = ? GROUP BY minutes",
                (kind,),
            )
            medians.append(median_of_histogram(histogram))
        answered, in_time = await self._one(
            "SELECT sum(n), sum(CASE WHEN minutes * 60000 <= " + self.limit + " THEN n END)"
            " FROM duration_tallies WHERE kind = 'reply'",
            self.limit_params,
        )
        # Only open cases can lack a first reply (resolving sets it), so these few rows settle
        # both the overdue count and the unanswered cases already past their reply deadline.
        overdue, late = await self._one(
            "SELECT sum(CASE WHEN due_at <= ? AND waiting_since IS NULL THEN 1 ELSE 0 END),"
            " sum(CASE WHEN first_reply_at IS NULL"
            f" AND created_at + {self.limit} <= ? THEN 1 ELSE 0 END)"
            f" FROM cases WHERE status IN {OPEN}",
            (self.now, *self.limit_params, self.now),
        )
        response = Rate(in_time or 0, (answered or 0) + (late or 0))
        return _stats(counts, overdue or 0, response, ratings, medians)


def _stats(
    counts: Sequence[Sequence[Any]],
    overdue: int,
    response: Rate,
    rating_rows: Sequence[Sequence[Any]],
    medians: list[float | None],
) -> Stats:
    by_status: dict[str, int] = {}
    by_tank: dict[str | None, dict[str, int]] = {}
    for status, tank, n in counts:
        by_status[status] = by_status.get(status, 0) + n
        by_tank.setdefault(tank, {})[status] = n
    total = sum(by_status.values())
    ratings = {str(r[0]): int(r[1]) for r in rating_rows}
    return Stats(
        total=total,
        by_status=by_status,
        by_tank=by_tank,
        overdue=overdue,
        response=response,
        resolution=measures.resolution(by_status),
        satisfaction=measures.satisfaction(ratings),
        median_claim=medians[0],
        median_reply=medians[1],
        median_resolve=medians[2],
        ratings=ratings,
    )
