"""Cases and their timelines in SQL, with the case row mapping, on a unit of work's connection."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Collection
from datetime import datetime
from typing import Any

import aiosqlite

from core.models import Case, CaseEvent, CaseStatus, KeywordHit, stored_hit
from storage.buffer import BufferedConnection, Params
from storage.db import at_ms, from_ms, to_ms
from storage.dialect import among

CASE_COLUMNS = (
    "id, resident_id, channel, text, photos, station, latitude, longitude, contact_name,"
    " contact_phone, anonymous, tank, confidence, keywords, status, assignee_id, created_at,"
    " updated_at, claimed_at, first_reply_at, resolved_at, closed_at, rating, due_kind,"
    " due_from, due_at, remind_level, next_check_at, waiting_since, extended, wider_notice_at,"
    " awaiting_member, referred_to, late_notice_at"
)


def case_of(row: aiosqlite.Row) -> Case:
    """A case from a row of CASE_COLUMNS."""
    lat, lon = row["latitude"], row["longitude"]
    return Case(
        id=row["id"],
        resident_id=row["resident_id"],
        channel=row["channel"],
        text=row["text"],
        photos=tuple(json.loads(row["photos"])),
        station=row["station"],
        location=(lat, lon) if lat is not None and lon is not None else None,
        contact_name=row["contact_name"],
        contact_phone=row["contact_phone"],
        anonymous=bool(row["anonymous"]),
        tank=row["tank"],
        confidence=row["confidence"],
        keywords=tuple(KeywordHit(*hit) for hit in json.loads(row["keywords"])),
        status=CaseStatus(row["status"]),
        assignee_id=row["assignee_id"],
        created_at=from_ms(row["created_at"]),  # type: ignore[arg-type]
        updated_at=from_ms(row["updated_at"]),  # type: ignore[arg-type]
        claimed_at=from_ms(row["claimed_at"]),
        first_reply_at=from_ms(row["first_reply_at"]),
        resolved_at=from_ms(row["resolved_at"]),
        closed_at=from_ms(row["closed_at"]),
        rating=row["rating"],
        due_kind=row["due_kind"],
        due_from=from_ms(row["due_from"]),
        due_at=from_ms(row["due_at"]),
        remind_level=row["remind_level"],
        next_check_at=from_ms(row["next_check_at"]),
        waiting_since=from_ms(row["waiting_since"]),
        extended=bool(row["extended"]),
        wider_notice_at=from_ms(row["wider_notice_at"]),
        awaiting_member=bool(row["awaiting_member"]),
        referred_to=row["referred_to"],
        late_notice_at=from_ms(row["late_notice_at"]),
    )


def _ms(moment: datetime | None) -> int | None:
    return None if moment is None else to_ms(moment)


def case_values(c: Case) -> tuple[Any, ...]:
    """A case's columns after id, in CASE_COLUMNS order."""
    lat, lon = c.location if c.location else (None, None)
    return (
        c.resident_id,
        c.channel,
        c.text,
        json.dumps(list(c.photos)),
        c.station,
        lat,
        lon,
        c.contact_name,
        c.contact_phone,
        int(c.anonymous),
        c.tank,
        c.confidence,
        json.dumps([stored_hit(h) for h in c.keywords], ensure_ascii=False),
        c.status.value,
        c.assignee_id,
        to_ms(c.created_at),
        to_ms(c.updated_at),
        _ms(c.claimed_at),
        _ms(c.first_reply_at),
        _ms(c.resolved_at),
        _ms(c.closed_at),
        c.rating,
        c.due_kind,
        _ms(c.due_from),
        _ms(c.due_at),
        c.remind_level,
        _ms(c.next_check_at),
        _ms(c.waiting_since),
        int(c.extended),
        _ms(c.wider_notice_at),
        int(c.awaiting_member),
        c.referred_to,
        _ms(c.late_notice_at),
    )


class SqlCases:
    """Cases in SQLite."""

    def __init__(self, conn: BufferedConnection) -> None:
        self.conn = conn

    async def add(self, case: Case) -> Case:
        """Store a new case; returns it with its number."""
        columns = CASE_COLUMNS.split(", ", 1)[1]
        marks = ", ".join("?" * len(columns.split(",")))
        cursor = await self.conn.execute(
            f"INSERT INTO cases ({columns}) VALUES ({marks})",
            case_values(case),
        )
        case.id = int(cursor.lastrowid or 0)
        return case

    async def get(self, case_id: int) -> Case | None:
        """The case with this number, if any. On PostgreSQL a unit of work locks the case it
        reads until it commits: units on one case (two members claiming it) take turns, each
        seeing what the one before committed, as under SQLite's single writer."""
        lock = " FOR UPDATE" if getattr(self.conn, "locks_rows", False) else ""
        sql = f"SELECT {CASE_COLUMNS} FROM cases WHERE id = ?{lock}"
        row = await self.conn.fetchone(sql, (case_id,))
        return case_of(row) if row else None

    async def update(self, case: Case) -> None:
        """Store a case's changed fields."""
        columns = CASE_COLUMNS.split(", ", 1)[1]
        assignments = ", ".join(f"{c.strip()} = ?" for c in columns.split(","))
        self.conn.queue(
            f"UPDATE cases SET {assignments} WHERE id = ?",
            (*case_values(case), case.id),
            commutes=True,  # the only held-back write of cases (storage/buffer.py's batches)
        )

    async def for_resident(self, resident_id: int, limit: int = 20) -> list[Case]:
        """A resident's cases, newest first."""
        return await self._many("resident_id = ? ORDER BY id DESC LIMIT ?", (resident_id, limit))

    async def held_by(self, member_id: int) -> list[Case]:
        """The cases a member holds, claimed or resolved (a rating may reopen them), oldest
        first."""
        return await self._many(
            "assignee_id = ? AND status IN ('claimed', 'resolved') ORDER BY id", (member_id,)
        )

    async def open_questions(self, resident_id: int, limit: int = 10) -> list[Case]:
        """A resident's cases where a member's question waits for their answer, oldest first."""
        return await self._many(
            "resident_id = ? AND status = 'claimed' AND waiting_since IS NOT NULL"
            " ORDER BY id LIMIT ?",
            (resident_id, limit),
        )

    async def open_counts(self, member_ids: list[int]) -> dict[int, int]:
        """How many claimed cases each of these members holds."""
        if not member_ids:
            return {}
        marks = ",".join("?" * len(member_ids))
        rows = await self.conn.execute_fetchall(
            f"SELECT assignee_id, count(*) FROM cases WHERE status = 'claimed'"
            f" AND assignee_id IN ({marks}) GROUP BY assignee_id",
            member_ids,
        )
        return {r[0]: r[1] for r in rows}

    async def due(self, now: datetime, limit: int) -> list[Case]:
        """Cases the sweep must look at (next check at or before now), earliest first."""
        # On PostgreSQL two sweeps may run at once: each takes the cases the other has not
        # locked, and holds them until its unit commits (by then they are no longer due).
        claim = " FOR UPDATE SKIP LOCKED" if getattr(self.conn, "dialect", "") == "postgres" else ""
        return await self._many(
            "next_check_at <= ? ORDER BY next_check_at LIMIT ?" + claim, (to_ms(now), limit)
        )

    async def _many(self, where: str, params: tuple[Any, ...]) -> list[Case]:
        rows = await self.conn.execute_fetchall(
            f"SELECT {CASE_COLUMNS} FROM cases WHERE {where}", params
        )
        return [case_of(row) for row in rows]


class SqlEvents:
    """Case timelines in SQLite."""

    def __init__(self, conn: BufferedConnection) -> None:
        self.conn = conn
        # Timelines read ahead, with the events this unit added to them since (their ids
        # unknown until they are written): for_case answers from here.
        self._ahead: dict[int, list[CaseEvent]] = {}

    async def read_ahead(self, case_ids: Collection[int]) -> None:
        """Read in one statement the timelines of these cases, for for_case to answer from."""
        where, params = among(getattr(self.conn, "dialect", "sqlite"), "case_id", list(case_ids))
        self._ahead.update({case_id: [] for case_id in case_ids})
        for event in await self._read(f"{where} ORDER BY id", params):
            self._ahead[event.case_id].append(event)

    async def add(self, event: CaseEvent) -> None:
        """Append an event to its case's timeline."""
        data = json.dumps(event.data, ensure_ascii=False)
        if event.case_id in self._ahead:  # as a read would give it back
            stored = CaseEvent(
                event.case_id, event.kind, at_ms(to_ms(event.at)), event.actor_id, json.loads(data)
            )
            self._ahead[event.case_id].append(stored)
        self.conn.queue(
            "INSERT INTO case_events (case_id, kind, actor_id, at, data) VALUES (?, ?, ?, ?, ?)",
            (event.case_id, event.kind, event.actor_id, to_ms(event.at), data),
            commutes=True,  # appended to an existing case's timeline, in order among events
        )

    async def for_case(self, case_id: int) -> list[CaseEvent]:
        """A case's timeline, oldest first (an event this unit added to a timeline read ahead
        has no id yet)."""
        if case_id in self._ahead:
            return [dataclasses.replace(event) for event in self._ahead[case_id]]
        return await self._read("case_id = ? ORDER BY id", (case_id,))

    async def _read(self, where: str, params: Params) -> list[CaseEvent]:
        rows = await self.conn.execute_fetchall(
            f"SELECT id, case_id, kind, actor_id, at, data FROM case_events WHERE {where}",
            params,
        )
        return [
            CaseEvent(
                id=row["id"],
                case_id=row["case_id"],
                kind=row["kind"],
                actor_id=row["actor_id"],
                at=from_ms(row["at"]),  # type: ignore[arg-type]
                data=json.loads(row["data"]),
            )
            for row in rows
        ]
