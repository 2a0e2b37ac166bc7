"""The desk in SQLite: reports, proposals, consultations and the outcomes told to residents."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core.desk.records import (
    Consultation,
    ConsultationStatus,
    DeskCounts,
    Proposal,
    ProposalStatus,
    Report,
    ReportStatus,
)
from core.models import Case
from storage.buffer import BufferedConnection
from storage.cases import CASE_COLUMNS, case_of
from storage.db import from_ms, to_ms

REPORT_COLUMNS = (
    "id, author_id, title, situation, problems, suggestions, status, special, number,"
    " created_at, updated_at, submitted_at, decided_at"
)
PROPOSAL_COLUMNS = (
    "id, title, report_id, created_by, status, bodies, submitted_at, accepted_at, assigned_at,"
    " due_at, remind_level, round, grade, reply, replied_at, rating, rated_at"
)
CONSULTATION_COLUMNS = (
    "id, topic, at, station, organiser_id, status, reminded, minutes, report_id, proposal_id,"
    " created_at"
)


def _ms(moment: datetime | None) -> int | None:
    return None if moment is None else to_ms(moment)


def _at(value: int) -> datetime:
    moment = from_ms(value)
    assert moment is not None
    return moment


class SqlDesk:
    """The desk's repository on a unit of work's connection."""

    def __init__(self, conn: BufferedConnection) -> None:
        self.conn = conn

    async def _ids(self, sql: str, key: int) -> tuple[int, ...]:
        rows = await self.conn.execute_fetchall(sql, (key,))
        return tuple(int(r[0]) for r in rows)

    async def add_report(self, report: Report) -> Report:
        """Store a new report with its cases; returns it with its id."""
        cursor = await self.conn.execute(
            "INSERT INTO desk_reports (author_id, title, situation, problems, suggestions,"
            " status, special, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                report.author_id,
                report.title,
                report.situation,
                report.problems,
                report.suggestions,
                report.status.value,
                int(report.special),
                to_ms(report.created_at),
                to_ms(report.updated_at),
            ),
        )
        report.id = int(cursor.lastrowid or 0)
        for case_id in report.cases:
            self.conn.queue(
                "INSERT OR IGNORE INTO desk_report_cases (report_id, case_id) VALUES (?, ?)",
                (report.id, case_id),
            )
        return report

    async def report(self, report_id: int) -> Report | None:
        """The report with this id, if any."""
        row = await self.conn.fetchone(
            f"SELECT {REPORT_COLUMNS} FROM desk_reports WHERE id = ?", (report_id,)
        )
        if row is None:
            return None
        cases = await self._ids(
            "SELECT case_id FROM desk_report_cases WHERE report_id = ? ORDER BY case_id",
            report_id,
        )
        return _report(row, cases)

    async def update_report(self, report: Report) -> None:
        """Store a report's changed fields."""
        self.conn.queue(
            "UPDATE desk_reports SET title = ?, situation = ?, problems = ?, suggestions = ?,"
            " status = ?, special = ?, number = ?, updated_at = ?, submitted_at = ?,"
            " decided_at = ? WHERE id = ?",
            (
                report.title,
                report.situation,
                report.problems,
                report.suggestions,
                report.status.value,
                int(report.special),
                report.number,
                to_ms(report.updated_at),
                _ms(report.submitted_at),
                _ms(report.decided_at),
                report.id,
            ),
        )

    async def reports(self, author_id: int | None, limit: int = 20) -> list[Report]:
        """An author's reports (everyone's when None), newest first."""
        where, params = ("WHERE author_id = ?", (author_id, limit)) if author_id else ("", (limit,))
        rows = await self.conn.execute_fetchall(
            f"SELECT {REPORT_COLUMNS} FROM desk_reports {where} ORDER BY id DESC LIMIT ?", params
        )
        found = []
        for row in rows:
            cases = await self._ids(
                "SELECT case_id FROM desk_report_cases WHERE report_id = ? ORDER BY case_id",
                int(row[0]),
            )
            found.append(_report(row, cases))
        return found

    async def next_report_number(self) -> int:
        """The number (期号) the next submitted report gets."""
        row = await self.conn.fetchone("SELECT COALESCE(MAX(number), 0) + 1 FROM desk_reports")
        return int(row[0]) if row else 1

    async def add_proposal(self, proposal: Proposal) -> Proposal:
        """Store a new proposal with its proposers and cases; returns it with its id."""
        cursor = await self.conn.execute(
            "INSERT INTO desk_proposals (title, report_id, created_by, status, bodies,"
            " submitted_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                proposal.title,
                proposal.report_id,
                proposal.created_by,
                proposal.status.value,
                json.dumps(list(proposal.bodies), ensure_ascii=False),
                to_ms(proposal.submitted_at),
            ),
        )
        proposal.id = int(cursor.lastrowid or 0)
        for person_id in proposal.proposers:
            self.conn.queue(
                "INSERT OR IGNORE INTO desk_proposal_people (proposal_id, person_id) VALUES (?, ?)",
                (proposal.id, person_id),
            )
        for case_id in proposal.cases:
            self.conn.queue(
                "INSERT OR IGNORE INTO desk_proposal_cases (proposal_id, case_id) VALUES (?, ?)",
                (proposal.id, case_id),
            )
        return proposal

    async def proposal(self, proposal_id: int) -> Proposal | None:
        """The proposal with this id, if any."""
        row = await self.conn.fetchone(
            f"SELECT {PROPOSAL_COLUMNS} FROM desk_proposals WHERE id = ?", (proposal_id,)
        )
        return None if row is None else await self._proposal(row)

    async def _proposal(self, row: Sequence[Any]) -> Proposal:
        key = int(row[0])
        people = await self._ids(
            "SELECT person_id FROM desk_proposal_people WHERE proposal_id = ? ORDER BY person_id",
            key,
        )
        cases = await self._ids(
            "SELECT case_id FROM desk_proposal_cases WHERE proposal_id = ? ORDER BY case_id", key
        )
        return Proposal(
            id=key,
            title=row[1],
            report_id=row[2],
            created_by=row[3],
            status=ProposalStatus(row[4]),
            bodies=tuple(json.loads(row[5])),
            submitted_at=_at(row[6]),
            accepted_at=from_ms(row[7]),
            assigned_at=from_ms(row[8]),
            due_at=from_ms(row[9]),
            remind_level=row[10],
            round=row[11],
            grade=row[12],
            reply=row[13],
            replied_at=from_ms(row[14]),
            rating=row[15],
            rated_at=from_ms(row[16]),
            proposers=people,
            cases=cases,
        )

    async def update_proposal(self, proposal: Proposal) -> None:
        """Store a proposal's changed fields."""
        self.conn.queue(
            "UPDATE desk_proposals SET status = ?, bodies = ?, accepted_at = ?, assigned_at = ?,"
            " due_at = ?, remind_level = ?, round = ?, grade = ?, reply = ?, replied_at = ?,"
            " rating = ?, rated_at = ? WHERE id = ?",
            (
                proposal.status.value,
                json.dumps(list(proposal.bodies), ensure_ascii=False),
                _ms(proposal.accepted_at),
                _ms(proposal.assigned_at),
                _ms(proposal.due_at),
                proposal.remind_level,
                proposal.round,
                proposal.grade,
                proposal.reply,
                _ms(proposal.replied_at),
                proposal.rating,
                _ms(proposal.rated_at),
                proposal.id,
            ),
        )

    async def proposals(self, limit: int = 20) -> list[Proposal]:
        """Proposals, newest first."""
        rows = await self.conn.execute_fetchall(
            f"SELECT {PROPOSAL_COLUMNS} FROM desk_proposals ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [await self._proposal(row) for row in rows]

    async def proposal_of_report(self, report_id: int) -> Proposal | None:
        """The proposal made from a report, if one was."""
        row = await self.conn.fetchone(
            f"SELECT {PROPOSAL_COLUMNS} FROM desk_proposals WHERE report_id = ?"
            " ORDER BY id LIMIT 1",
            (report_id,),
        )
        return None if row is None else await self._proposal(row)

    async def proposals_due(self, before: datetime) -> list[Proposal]:
        """Assigned proposals whose reply is due before a moment, earliest first."""
        rows = await self.conn.execute_fetchall(
            f"SELECT {PROPOSAL_COLUMNS} FROM desk_proposals WHERE status = 'assigned'"
            " AND due_at IS NOT NULL AND due_at <= ? ORDER BY due_at LIMIT 100",
            (to_ms(before),),
        )
        return [await self._proposal(row) for row in rows]

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
            at=_at(row[2]),
            station=row[3],
            organiser_id=row[4],
            status=ConsultationStatus(row[5]),
            reminded=bool(row[6]),
            minutes=row[7],
            report_id=row[8],
            proposal_id=row[9],
            created_at=_at(row[10]),
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

    async def first_told(
        self, kind: str, ref_id: int, resident_id: int, round_: int, now: datetime
    ) -> bool:
        """Record that a resident was told of an outcome; False if they were told already."""
        cursor = await self.conn.execute(
            "INSERT OR IGNORE INTO desk_outcomes (kind, ref_id, resident_id, round, at)"
            " VALUES (?, ?, ?, ?, ?)",
            (kind, ref_id, resident_id, round_, to_ms(now)),
        )
        return cursor.rowcount == 1


def _report(row: Sequence[Any], cases: tuple[int, ...]) -> Report:
    return Report(
        id=int(row[0]),
        author_id=row[1],
        title=row[2],
        situation=row[3],
        problems=row[4],
        suggestions=row[5],
        status=ReportStatus(row[6]),
        special=bool(row[7]),
        number=row[8],
        created_at=_at(row[9]),
        updated_at=_at(row[10]),
        submitted_at=from_ms(row[11]),
        decided_at=from_ms(row[12]),
        cases=cases,
    )
