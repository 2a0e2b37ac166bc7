"""Supporters of cases (residents who added their voice, or whose duplicate was merged) and the
hot topics' memory, in SQLite."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from core.models import CaseStatus, Concern, Supporter, Via
from storage.buffer import BufferedConnection
from storage.db import Database, from_ms, to_ms

COLUMNS = "case_id, person_id, via, at, merged_from, prior_status, text"
# A merged duplicate is a closed case whose resident stands behind the main case: it is not a
# concern of its own for hot topics.
CONCERNS = (
    "SELECT c.id, c.text, c.tank, c.station, c.created_at, c.resident_id, c.latitude,"
    " c.longitude, p.created_at <= c.created_at - ? AS established"
    " FROM cases c JOIN people p ON p.id = c.resident_id"
    " WHERE c.created_at > ? AND c.created_at <= ?"
    " AND NOT EXISTS (SELECT 1 FROM supporters s WHERE s.merged_from = c.id)"
    " ORDER BY c.created_at, c.id"
)


def _supporter(row: Sequence[Any]) -> Supporter:
    return Supporter(
        case_id=row[0],
        person_id=row[1],
        via=Via(row[2]),
        at=from_ms(row[3]) or datetime.min,
        merged_from=row[4],
        prior_status=CaseStatus(row[5]) if row[5] else None,
        text=row[6],
    )


class SqlSupporters:
    """Supporters and hot-topic clusters inside a unit of work."""

    def __init__(self, conn: BufferedConnection) -> None:
        self.conn = conn

    async def add(self, supporter: Supporter) -> bool:
        """Store a supporter; False if they had added their voice to the case already."""
        s = supporter
        status = s.prior_status.value if s.prior_status else None
        cursor = await self.conn.execute(
            f"INSERT OR IGNORE INTO supporters ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (s.case_id, s.person_id, s.via.value, to_ms(s.at), s.merged_from, status, s.text),
        )
        return cursor.rowcount == 1

    async def _where(self, where: str, params: tuple[Any, ...]) -> list[Supporter]:
        rows = await self.conn.execute_fetchall(
            f"SELECT {COLUMNS} FROM supporters WHERE {where} ORDER BY at, id", params
        )
        return [_supporter(r) for r in rows]

    async def of_case(self, case_id: int) -> list[Supporter]:
        """A case's supporters, oldest first."""
        return await self._where("case_id = ?", (case_id,))

    async def of_person(self, person_id: int) -> list[Supporter]:
        """The cases a person supports, oldest first."""
        return await self._where("person_id = ?", (person_id,))

    async def merged_into(self, duplicate_id: int) -> Supporter | None:
        """The record of a duplicate's merge into a main case, if it is merged."""
        found = await self._where("merged_from = ?", (duplicate_id,))
        return found[0] if found else None

    async def merged_among(self, case_ids: Collection[int]) -> set[int]:
        """Which of these cases are duplicates merged into another."""
        ids = sorted(set(case_ids))
        out: set[int] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = await self.conn.execute_fetchall(
                f"SELECT merged_from FROM supporters WHERE merged_from IN ({marks})", tuple(chunk)
            )
            out.update(int(r[0]) for r in rows)
        return out

    async def unmerge(self, duplicate_id: int) -> None:
        """Forget a duplicate's merge."""
        await self.conn.execute("DELETE FROM supporters WHERE merged_from = ?", (duplicate_id,))

    async def counts(self, case_ids: Collection[int]) -> dict[int, int]:
        """How many residents stand behind each of these cases besides its author (absent:
        none): its supporters, and those behind the duplicates merged into it."""
        ids = sorted(set(case_ids))
        out: dict[int, int] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = await self.conn.execute_fetchall(
                "WITH RECURSIVE tree (root, case_id) AS ("
                f" SELECT id, id FROM cases WHERE id IN ({marks})"
                " UNION SELECT t.root, s.merged_from FROM tree t"
                " JOIN supporters s ON s.case_id = t.case_id WHERE s.merged_from IS NOT NULL)"
                " SELECT t.root, count(DISTINCT s.person_id) FROM tree t"
                " JOIN supporters s ON s.case_id = t.case_id JOIN cases c ON c.id = t.root"
                " WHERE s.person_id != c.resident_id GROUP BY t.root",
                tuple(chunk),
            )
            out.update({int(r[0]): int(r[1]) for r in rows})
        return out

    async def concerns(
        self, since: datetime, until: datetime, established_after: timedelta
    ) -> list[Concern]:
        """The cases raised in a period as hot topics see them, merged duplicates left out."""
        age = int(established_after.total_seconds() * 1000)
        rows = await self.conn.execute_fetchall(CONCERNS, (age, to_ms(since), to_ms(until)))
        return [
            Concern(
                case_id=r[0],
                text=r[1],
                tank=r[2],
                station=r[3],
                created_at=from_ms(r[4]) or since,
                resident_id=r[5],
                established=bool(r[8]),
                location=(r[6], r[7]) if r[6] is not None and r[7] is not None else None,
            )
            for r in rows
        ]

    async def established(
        self, case_ids: Collection[int], established_after: timedelta
    ) -> dict[int, set[int]]:
        """The supporters of these cases known long enough when they came, per case: a merged
        duplicate's (its resident, known long enough when they raised it, and those behind it)
        counted in its main case."""
        ids = sorted(set(case_ids))
        age = int(established_after.total_seconds() * 1000)
        out: dict[int, set[int]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = await self.conn.execute_fetchall(
                "WITH RECURSIVE tree (root, case_id) AS ("
                f" SELECT id, id FROM cases WHERE id IN ({marks})"
                " UNION SELECT t.root, s.merged_from FROM tree t"
                " JOIN supporters s ON s.case_id = t.case_id WHERE s.merged_from IS NOT NULL)"
                " SELECT t.root, s.person_id FROM tree t JOIN supporters s ON s.case_id = t.case_id"
                " JOIN people p ON p.id = s.person_id LEFT JOIN cases d ON d.id = s.merged_from"
                " WHERE p.created_at <= coalesce(d.created_at, s.at) - ?",
                (*chunk, age),
            )
            for case_id, person_id in rows:
                out.setdefault(int(case_id), set()).add(int(person_id))
        return out

    async def clusters(self) -> dict[int, list[int]]:
        """The clusters as the last run left them."""
        rows = await self.conn.execute_fetchall(
            "SELECT cluster_id, case_id FROM hot_clusters ORDER BY cluster_id, case_id", ()
        )
        out: dict[int, list[int]] = {}
        for cluster_id, case_id in rows:
            out.setdefault(int(cluster_id), []).append(int(case_id))
        return out

    async def keep_clusters(self, clusters: Mapping[int, Sequence[int]]) -> None:
        """Replace the clusters remembered with these."""
        await self.conn.execute("DELETE FROM hot_clusters", ())
        for cluster_id, case_ids in clusters.items():
            for case_id in case_ids:
                self.conn.queue(
                    "INSERT OR IGNORE INTO hot_clusters (cluster_id, case_id) VALUES (?, ?)",
                    (cluster_id, case_id),
                )

    async def dismissed(self) -> set[int]:
        """The clusters coordinators dismissed."""
        rows = await self.conn.execute_fetchall("SELECT cluster_id FROM hot_dismissed", ())
        return {int(r[0]) for r in rows}

    async def dismiss(self, cluster_id: int, person_id: int, now: datetime) -> None:
        """Dismiss a cluster for good."""
        await self.conn.execute(
            "INSERT OR IGNORE INTO hot_dismissed (cluster_id, by_id, at) VALUES (?, ?, ?)",
            (cluster_id, person_id, to_ms(now)),
        )


OPEN_CASES = (
    "SELECT id, text, tank, station, latitude, longitude FROM cases"
    " WHERE status IN ('triage', 'open', 'claimed')"
)


async def open_cases(
    db: Database,
) -> list[tuple[int, str, str | None, str | None, tuple[float, float] | None]]:
    """Every open case as the similarity index takes it: id, text, tank, station, location."""
    rows = await db.views.execute_fetchall(OPEN_CASES, ())
    return [
        (r[0], r[1], r[2], r[3], (r[4], r[5]) if r[4] is not None and r[5] is not None else None)
        for r in rows
    ]
