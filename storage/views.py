"""The coordinators' and members' read side: plain SQL on a read-only connection of its own."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from core.models import Case, CaseEvent, CaseStatus
from core.views import Behind, CaseBrief, HotInputs, MemberLoad, Stats
from storage.buffer import BufferedConnection, Trips
from storage.cases import SqlCases, SqlEvents
from storage.db import Database, from_ms, to_ms
from storage.stats import OPEN, StatsQueries
from storage.supporters import SqlSupporters

BRIEF = (
    "SELECT c.id, c.status, c.tank, c.station, substr(c.text, 1, 120), c.created_at, c.due_kind,"
    " c.due_at, p.name, c.waiting_since IS NOT NULL, c.awaiting_member, c.referred_to"
    " FROM cases c LEFT JOIN people p ON p.id = c.assignee_id"
)
# Overdue as core/cases/measures.py defines it. The unary + keeps SQLite off cases_by_status
# here: with it, /overdue walked every open case and sorted them (110 ms at 100,000 open);
# without it, cases_by_due in deadline order, stopping after the first `limit` overdue (0.4 ms).
OVERDUE = f"c.due_at <= ? AND +c.status IN {OPEN} AND c.waiting_since IS NULL"
# Grouping by +status, +tank likewise keeps the counts on cases_for_stats, the created_at range
# of the window, instead of a walk of cases_by_status through every case ever filed.

# One word of /find: in the concern, or in a text of the conversation (the messages both ways,
# the result, the resident's comment, a coordinator's answer or referral), looked up per case on
# case_events_by_case; FIND_NAMES adds the name a resident gave, unless they filed anonymously.
_CONVERSATION = (
    "EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id"
    " AND e.kind IN ('message', 'resolved', 'comment', 'answered', 'referred')"
    " AND json_extract(e.data, '$.text') LIKE ? ESCAPE '\\')"
)
FIND = f"(c.text LIKE ? ESCAPE '\\' OR {_CONVERSATION})"
FIND_NAMES = (
    f"(c.text LIKE ? ESCAPE '\\' OR {_CONVERSATION}"
    " OR (c.anonymous = 0 AND c.contact_name LIKE ? ESCAPE '\\'))"
)


def _brief(row: aiosqlite.Row) -> CaseBrief:
    return CaseBrief(
        id=row[0],
        status=CaseStatus(row[1]),
        tank=row[2],
        station=row[3],
        text=row[4],
        created_at=from_ms(row[5]),  # type: ignore[arg-type]
        due_kind=row[6],
        due_at=from_ms(row[7]),
        assignee=row[8],
        waiting=bool(row[9]),
        last_from_resident=bool(row[10]),
        referred_to=row[11],
    )


# The residents behind each case of a window that is not merged into another, besides its
# author: its supporters and those behind the duplicates merged into it, down a chain of merges;
# read from the supporters, never a walk of the cases.
BEHIND = (
    "WITH RECURSIVE tree (root, case_id) AS ("
    " SELECT DISTINCT s.case_id, s.case_id FROM supporters s JOIN cases c ON c.id = s.case_id"
    " WHERE c.created_at > ?"
    " AND NOT EXISTS (SELECT 1 FROM supporters m WHERE m.merged_from = s.case_id)"
    " UNION SELECT t.root, s.merged_from FROM tree t JOIN supporters s ON s.case_id = t.case_id"
    " WHERE s.merged_from IS NOT NULL)"
    " SELECT t.root, count(DISTINCT s.person_id) FROM tree t"
    " JOIN supporters s ON s.case_id = t.case_id JOIN cases c ON c.id = t.root"
    " WHERE s.person_id != c.resident_id GROUP BY t.root ORDER BY 2 DESC, 1"
)


class SqlViews:
    """CaseViews over SQLite's connection for the read side (not the sender's)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def _rows(self, sql: str, params: tuple[Any, ...] | list[Any]) -> list[aiosqlite.Row]:
        return list(await self.db.views.execute_fetchall(sql, params))

    async def _briefs(
        self, where: str, params: tuple[Any, ...], order: str, limit: int
    ) -> list[CaseBrief]:
        sql = f"{BRIEF} WHERE {where} ORDER BY {order} LIMIT ?"
        rows = await self._rows(sql, (*params, limit))
        return [_brief(r) for r in rows]

    async def overdue(self, now: datetime, limit: int) -> list[CaseBrief]:
        """Open cases past their current deadline, oldest deadline first."""
        return await self._briefs(
            OVERDUE,
            (to_ms(now),),
            "c.due_at",
            limit,
        )

    async def by_status(
        self, status: CaseStatus, tank: str | None = None, limit: int = 30
    ) -> list[CaseBrief]:
        """Cases in a status (of one tank when given), oldest first."""
        if tank is None:
            return await self._briefs("c.status = ?", (status.value,), "c.id", limit)
        return await self._briefs(
            "c.status = ? AND c.tank = ?", (status.value, tank), "c.id", limit
        )

    async def held_by(self, member_id: int, limit: int = 30) -> list[CaseBrief]:
        """A member's open and resolved cases, oldest first."""
        return await self._briefs(
            "c.assignee_id = ? AND c.status IN ('claimed', 'resolved')",
            (member_id,),
            "c.id",
            limit,
        )

    async def find(self, words: list[str], limit: int = 20, names: bool = False) -> list[CaseBrief]:
        """Cases where every word occurs in the concern, in a message of its conversation or
        (when names) in the resident's name, never an anonymous one's; newest first."""
        where = " AND ".join(FIND_NAMES if names else FIND for _ in words) or "1"
        params: list[str] = []
        for word in words:
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            params += [pattern] * (3 if names else 2)
        return await self._briefs(where, tuple(params), "c.id DESC", limit)

    async def member_loads(self) -> list[MemberLoad]:
        """Every active member with their open load."""
        rows = await self._rows(
            "SELECT p.id, p.name, p.tank, p.station, p.reachable,"
            " (SELECT count(*) FROM cases c WHERE c.assignee_id = p.id AND c.status = 'claimed')"
            " FROM people p WHERE p.role = 'member' AND p.active = 1 ORDER BY p.tank, p.id",
            (),
        )
        return [MemberLoad(r[0], r[1], r[2], r[3], r[5], bool(r[4])) for r in rows]

    async def undelivered(self, since: datetime, until: datetime) -> int:
        """Messages decided in a period that could not be delivered (kept as failed)."""
        rows = await self._rows(
            "SELECT count(*) FROM outbox WHERE status = 'failed' AND kind = 'send'"
            " AND created_at >= ? AND created_at < ?",
            (to_ms(since), to_ms(until)),
        )
        return int(rows[0][0])

    async def timeline(self, case_id: int) -> tuple[Case, list[CaseEvent]] | None:
        """A case and every event of its timeline, oldest first; None if there is none."""
        conn = _reading(self.db)
        case = await SqlCases(conn).get(case_id)
        if case is None:
            return None
        return case, await SqlEvents(conn).for_case(case_id)

    async def stats(
        self, since: datetime | None, now: datetime, reply_hours: dict[str | None, float]
    ) -> Stats:
        """Statistics of the cases created since a moment (all time, from the tallies, when
        None)."""
        figures = StatsQueries(self._rows, now, reply_hours)
        return await (figures.all_time() if since is None else figures.window(to_ms(since)))

    async def behind(self, since: datetime | None, limit: int = 3) -> Behind:
        """Supporters of the cases created since a moment (other than their authors, once per
        main case, a merged duplicate's counted in its main case), how many of those cases are
        merged duplicates, and the most supported."""
        start = to_ms(since) if since is not None else -1
        rows = await self._rows(BEHIND, (start,))
        merged = await self._rows(
            "SELECT count(*) FROM supporters s JOIN cases d ON d.id = s.merged_from"
            " WHERE d.created_at > ?",
            (start,),
        )
        most = tuple((int(r[0]), 1 + int(r[1])) for r in rows[:limit])
        return Behind(sum(int(r[1]) for r in rows), int(merged[0][0]), most)

    async def hot_inputs(
        self, since: datetime, until: datetime, established_after: timedelta
    ) -> HotInputs:
        """The inputs of the hot topics of a window, read on the read side."""
        store = SqlSupporters(_reading(self.db))
        concerns = await store.concerns(since, until, established_after)
        backers = await store.established([c.case_id for c in concerns], established_after)
        return HotInputs(concerns, await store.clusters(), await store.dismissed(), backers)


def _reading(db: Database) -> BufferedConnection:
    """A connection for repositories that read committed data for the coordinators."""
    if getattr(db, "dialect", "sqlite") == "postgres":
        conn: BufferedConnection = db.read_conn()  # type: ignore[attr-defined]
        return conn
    return BufferedConnection(Trips(db.views, here=False))
