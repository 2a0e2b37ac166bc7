"""Consultations in SQLite, their invitations and guests, and the office's reads of a period."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core.desk.records import Consultation, ConsultationStatus, DeskCounts
from core.models import Case
from storage.buffer import BufferedConnection
from storage.cases import CASE_COLUMNS, case_of
from storage.db import at_ms, to_ms

CONSULTATION_COLUMNS = (
    "id, topic, at, station, organiser_id, status, reminded, minutes, report_id, proposal_id,"
    " created_at"
)


class SqlConsultations:
    """Consultations and the office's reads on a unit of work's connection; the desk's
    repository builds on it."""

    def __init__(self, conn: BufferedConnection) -> None:
        self.conn = conn

    async def _ids(self, sql: str, key: int) -> tuple[int, ...]:
        rows = await self.conn.execute_fetchall(sql, (key,))
        return tuple(int(r[0]) for r in rows)

    async def add_consultation(self, consultation: Consultation) -> Consultation:
        """Store a new consultation with its cases; returns it with its id."""
        c = consultation
        cursor = await self.conn.execute(
            "INSERT INTO desk_consultations (topic, at, station, organiser_id, status,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (c.topic, to_ms(c.at), c.station, c.organiser_id, c.status.value, to_ms(c.created_at)),
        )
        c.id = int(cursor.lastrowid or 0)
        for case_id in c.cases:
            self.conn.queue(
                "INSERT OR IGNORE INTO desk_consultation_cases (consultation_id, case_id)"
                " VALUES (?, ?)",
                (c.id, case_id),
            )
        return c

    async def consultation(self, consultation_id: int) -> Consultation | None:
        """The consultation with this id, with its invitations' answers and guests."""
        row = await self.conn.fetchone(
            f"SELECT {CONSULTATION_COLUMNS} FROM desk_consultations WHERE id = ?",
            (consultation_id,),
        )
        return None if row is None else await self._consultation(row)

    async def _consultation(self, row: Sequence[Any]) -> Consultation:
        key = int(row[0])
        cases = await self._ids(
            "SELECT case_id FROM desk_consultation_cases WHERE consultation_id = ?"
            " ORDER BY case_id",
            key,
        )
        invited = await self.conn.execute_fetchall(
            "SELECT person_id, answer FROM desk_invitations WHERE consultation_id = ?"
            " ORDER BY person_id",
            (key,),
        )
        guests = await self.conn.execute_fetchall(
            "SELECT name FROM desk_guests WHERE consultation_id = ? ORDER BY id", (key,)
        )
        return Consultation(
            id=key,
            topic=row[1],
            at=at_ms(row[2]),
            station=row[3],
            organiser_id=row[4],
            status=ConsultationStatus(row[5]),
            reminded=bool(row[6]),
            minutes=row[7],
            report_id=row[8],
            proposal_id=row[9],
            created_at=at_ms(row[10]),
            cases=cases,
            answers={int(r[0]): r[1] for r in invited},
            guests=tuple(str(r[0]) for r in guests),
        )

    async def update_consultation(self, consultation: Consultation) -> None:
        """Store a consultation's changed fields (not its invitations)."""
        c = consultation
        self.conn.queue(
            "UPDATE desk_consultations SET status = ?, reminded = ?, minutes = ?, report_id = ?,"
            " proposal_id = ? WHERE id = ?",
            (c.status.value, int(c.reminded), c.minutes, c.report_id, c.proposal_id, c.id),
        )

    async def invite(self, consultation_id: int, person_id: int) -> bool:
        """Invite a person; False if they were invited already."""
        cursor = await self.conn.execute(
            "INSERT OR IGNORE INTO desk_invitations (consultation_id, person_id) VALUES (?, ?)",
            (consultation_id, person_id),
        )
        return cursor.rowcount == 1

    async def answer(
        self, consultation_id: int, person_id: int, answer: str, now: datetime
    ) -> bool:
        """Record an invited person's answer; False if they were not invited."""
        cursor = await self.conn.execute(
            "UPDATE desk_invitations SET answer = ?, answered_at = ?"
            " WHERE consultation_id = ? AND person_id = ?",
            (answer, to_ms(now), consultation_id, person_id),
        )
        return cursor.rowcount == 1

    async def add_guest(self, consultation_id: int, name: str) -> None:
        """Name a guest from a department or a company."""
        self.conn.queue(
            "INSERT INTO desk_guests (consultation_id, name) VALUES (?, ?)",
            (consultation_id, name),
        )

    async def consultations_from(self, start: datetime, end: datetime) -> list[Consultation]:
        """Scheduled consultations from start to end, earliest first."""
        rows = await self.conn.execute_fetchall(
            f"SELECT {CONSULTATION_COLUMNS} FROM desk_consultations WHERE status = 'scheduled'"
            " AND at >= ? AND at <= ? ORDER BY at LIMIT 100",
            (to_ms(start), to_ms(end)),
        )
        return [await self._consultation(row) for row in rows]

    async def cases_between(self, start: datetime, end: datetime, limit: int) -> list[Case]:
        """Cases received from start to before end, oldest first, at most limit."""
        rows = await self.conn.execute_fetchall(
            f"SELECT {CASE_COLUMNS} FROM cases WHERE created_at >= ? AND created_at < ?"
            " ORDER BY id LIMIT ?",
            (to_ms(start), to_ms(end), limit),
        )
        return [case_of(row) for row in rows]

    async def counts(self, start: datetime, end: datetime) -> DeskCounts:
        """The desk's figures of a period: reports submitted in it (adopted, special),
        proposals submitted in it by status, consultations held in it and the residents who
        came."""
        span = (to_ms(start), to_ms(end))
        row = await self.conn.fetchone(
            "SELECT COUNT(*), COALESCE(SUM(status = 'adopted'), 0),"
            " COALESCE(SUM(status = 'adopted' AND special = 1), 0) FROM desk_reports"
            " WHERE submitted_at >= ? AND submitted_at < ?",
            span,
        )
        proposals = await self.conn.execute_fetchall(
            "SELECT status, COUNT(*) FROM desk_proposals WHERE submitted_at >= ?"
            " AND submitted_at < ? GROUP BY status",
            span,
        )
        held = await self.conn.fetchone(
            "SELECT COUNT(*) FROM desk_consultations WHERE status = 'held' AND at >= ? AND at < ?",
            span,
        )
        # 参与群众: the residents behind a consultation's cases who came, not its members
        reached = await self.conn.fetchone(
            "SELECT COUNT(*) FROM desk_invitations i JOIN desk_consultations c"
            " ON c.id = i.consultation_id WHERE c.status = 'held' AND i.answer = 'yes'"
            " AND c.at >= ? AND c.at < ? AND i.person_id IN (SELECT k.resident_id FROM"
            " desk_consultation_cases dc JOIN cases k ON k.id = dc.case_id"
            " WHERE dc.consultation_id = c.id)",
            span,
        )
        assert row is not None and held is not None and reached is not None
        return DeskCounts(
            reports_written=int(row[0]),
            reports_adopted=int(row[1]),
            special_reports=int(row[2]),
            proposals={str(r[0]): int(r[1]) for r in proposals},
            consultations_held=int(held[0]),
            people_reached=int(reached[0]),
        )
