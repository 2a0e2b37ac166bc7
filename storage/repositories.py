"""The repositories of core's ports, on one aiosqlite connection inside a unit of work."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from typing import Any

import aiosqlite

from core.models import Case, CaseEvent, CaseStatus, DialogState, KeywordHit, Person, Role
from storage.buffer import BufferedConnection
from storage.db import from_ms, to_ms

PERSON_COLUMNS = (
    "id, channel, external_id, chat_id, name, username, locale, role, tank, station, "
    "active, reachable, phone"
)
BY_EXTERNAL = f"SELECT {PERSON_COLUMNS} FROM people WHERE channel = ? AND external_id = ?"


def person_of(row: aiosqlite.Row) -> Person:
    """A person from a row of PERSON_COLUMNS."""
    return Person(
        id=row["id"],
        channel=row["channel"],
        external_id=row["external_id"],
        chat_id=row["chat_id"],
        name=row["name"],
        username=row["username"],
        locale=row["locale"],
        role=Role(row["role"]),
        tank=row["tank"],
        station=row["station"],
        active=bool(row["active"]),
        reachable=bool(row["reachable"]),
        phone=row["phone"],
    )


class SqlPeople:
    """People in SQLite. Lists of members and coordinators are remembered for the unit of work
    (which holds the writer lock, so only it can change them) until it changes a person."""

    def __init__(self, conn: BufferedConnection) -> None:
        self.conn = conn
        self._lists: dict[tuple[str, str | None], list[Person]] = {}
        self._by_id: dict[int, Person | None] = {}

    async def _one(self, where: str, params: tuple[Any, ...]) -> Person | None:
        sql = f"SELECT {PERSON_COLUMNS} FROM people WHERE {where}"
        row = await self.conn.fetchone(sql, params)
        return person_of(row) if row else None

    async def _many(self, where: str, params: tuple[Any, ...]) -> list[Person]:
        sql = f"SELECT {PERSON_COLUMNS} FROM people WHERE {where} ORDER BY id"
        rows = await self.conn.execute_fetchall(sql, params)
        return [person_of(row) for row in rows]

    async def get(self, person_id: int) -> Person | None:
        """The person with this id, if any."""
        if person_id not in self._by_id:
            self._by_id[person_id] = await self._one("id = ?", (person_id,))
        return copy.copy(self._by_id[person_id])

    def expect(self, channel: str, external_id: str) -> None:
        """Read this person with the next round trip (by_external takes it from there)."""
        self.conn.peek(f"person:{channel}:{external_id}", BY_EXTERNAL, (channel, external_id))

    async def by_external(self, channel: str, external_id: str) -> Person | None:
        """The person known by this channel's user id, if any."""
        rows = self.conn.take(f"person:{channel}:{external_id}")
        if rows is None:
            rows = list(await self.conn.execute_fetchall(BY_EXTERNAL, (channel, external_id)))
        return person_of(rows[0]) if rows else None

    async def add(self, person: Person, now: datetime) -> Person:
        """Store a new person; returns it with its id."""
        cursor = await self.conn.execute(
            "INSERT INTO people (channel, external_id, chat_id, name, username, locale, role,"
            " tank, station, active, reachable, phone, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*self._values(person), to_ms(now)),
        )
        person.id = int(cursor.lastrowid or 0)
        self._forget()
        return person

    async def update(self, person: Person) -> None:
        """Store a person's changed fields."""
        self._forget()
        self.conn.queue(
            "UPDATE people SET channel = ?, external_id = ?, chat_id = ?, name = ?, username = ?,"
            " locale = ?, role = ?, tank = ?, station = ?, active = ?, reachable = ?, phone = ?"
            " WHERE id = ?",
            (*self._values(person), person.id),
        )

    def _forget(self) -> None:
        """Drop what was remembered or read ahead: a person changed."""
        self._lists.clear()
        self._by_id.clear()
        self.conn.drop("person:")

    @staticmethod
    def _values(p: Person) -> tuple[Any, ...]:
        return (
            p.channel,
            p.external_id,
            p.chat_id,
            p.name,
            p.username,
            p.locale,
            p.role.value,
            p.tank,
            p.station,
            int(p.active),
            int(p.reachable),
            p.phone,
        )

    async def members(self, tank: str | None = None) -> list[Person]:
        """Active members, of one tank or of all."""
        if tank is None:
            return await self._listed(("members", None), "role = 'member' AND active = 1", ())
        where = "role = 'member' AND active = 1 AND tank = ?"
        return await self._listed(("members", tank), where, (tank,))

    async def coordinators(self) -> list[Person]:
        """Everyone with the coordinator role."""
        return await self._listed(("coordinators", None), "role = 'coordinator' AND active = 1", ())

    async def _listed(
        self, key: tuple[str, str | None], where: str, params: tuple[Any, ...]
    ) -> list[Person]:
        if key not in self._lists:
            self._lists[key] = await self._many(where, params)
        return [copy.copy(p) for p in self._lists[key]]


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
        json.dumps(
            [
                [h.keyword, h.weight, h.count, *([h.written] if h.written else [])]
                for h in c.keywords
            ],
            ensure_ascii=False,
        ),
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

    async def add(self, event: CaseEvent) -> None:
        """Append an event to its case's timeline."""
        self.conn.queue(
            "INSERT INTO case_events (case_id, kind, actor_id, at, data) VALUES (?, ?, ?, ?, ?)",
            (
                event.case_id,
                event.kind,
                event.actor_id,
                to_ms(event.at),
                json.dumps(event.data, ensure_ascii=False),
            ),
        )

    async def for_case(self, case_id: int) -> list[CaseEvent]:
        """A case's timeline, oldest first."""
        rows = await self.conn.execute_fetchall(
            "SELECT id, case_id, kind, actor_id, at, data FROM case_events"
            " WHERE case_id = ? ORDER BY id",
            (case_id,),
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


DIALOG = "SELECT state, data FROM dialogs WHERE channel = ? AND chat_id = ?"


class SqlDialogs:
    """Conversation state per chat in SQLite."""

    def __init__(self, conn: BufferedConnection) -> None:
        self.conn = conn

    def expect(self, channel: str, chat_id: str) -> None:
        """Read this chat's state with the next round trip (get takes it from there)."""
        self.conn.peek(f"dialog:{channel}:{chat_id}", DIALOG, (channel, chat_id))

    async def get(self, channel: str, chat_id: str) -> DialogState:
        """The chat's state; idle when there is none."""
        rows = self.conn.take(f"dialog:{channel}:{chat_id}")
        if rows is None:
            rows = list(await self.conn.execute_fetchall(DIALOG, (channel, chat_id)))
        if not rows:
            return DialogState(channel, chat_id)
        return DialogState(channel, chat_id, rows[0]["state"], json.loads(rows[0]["data"]))

    async def save(self, state: DialogState, now: datetime) -> None:
        """Store the chat's state; an idle state with no data is removed."""
        self.conn.drop("dialog:")
        if state.state == "idle" and not state.data:
            self.conn.queue(
                "DELETE FROM dialogs WHERE channel = ? AND chat_id = ?",
                (state.channel, state.chat_id),
            )
            return
        self.conn.queue(
            "INSERT INTO dialogs (channel, chat_id, state, data, updated_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (channel, chat_id) DO UPDATE SET state = excluded.state,"
            " data = excluded.data, updated_at = excluded.updated_at",
            (
                state.channel,
                state.chat_id,
                state.state,
                json.dumps(state.data, ensure_ascii=False),
                to_ms(now),
            ),
        )


class SqlUpdateLog:
    """Handled update ids in SQLite."""

    def __init__(self, conn: BufferedConnection) -> None:
        self.conn = conn

    async def first_time(self, channel: str, update_id: int, now: datetime) -> bool:
        """Record an update id; False if it was handled before."""
        cursor = await self.conn.execute(
            "INSERT OR IGNORE INTO processed_updates (channel, update_id, at) VALUES (?, ?, ?)",
            (channel, update_id, to_ms(now)),
        )
        return cursor.rowcount == 1
