"""Invitations and corrections in SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core.models import Correction, Invite
from storage.buffer import BufferedConnection
from storage.db import from_ms, to_ms


class SqlInvites:
    """One-time membership invitations."""

    def __init__(self, conn: BufferedConnection) -> None:
        self.conn = conn

    async def add(self, invite: Invite) -> None:
        """Store a new invitation."""
        self.conn.queue(
            "INSERT INTO invites (code, tank, station, created_by, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                invite.code,
                invite.tank,
                invite.station,
                invite.created_by,
                to_ms(invite.created_at),
                to_ms(invite.expires_at),
            ),
        )

    async def get(self, code: str) -> Invite | None:
        """The invitation with this code, if any."""
        row = await self.conn.fetchone(
            f"SELECT {INVITE_COLUMNS} FROM invites WHERE code = ?", (code,)
        )
        return None if row is None else _invite(row)

    async def use(self, code: str, person_id: int, now: datetime) -> bool:
        """Mark an unused invitation used; False if it was used or revoked already."""
        cursor = await self.conn.execute(
            "UPDATE invites SET used_by = ?, used_at = ? WHERE code = ? AND used_by IS NULL"
            " AND revoked_at IS NULL",
            (person_id, to_ms(now), code),
        )
        return cursor.rowcount == 1

    async def live(self, now: datetime, limit: int = 50) -> list[Invite]:
        """Invitations still usable at now (unused, unrevoked, unexpired), oldest first."""
        rows = await self.conn.execute_fetchall(
            f"SELECT {INVITE_COLUMNS} FROM invites WHERE used_by IS NULL AND revoked_at IS NULL"
            " AND expires_at > ? ORDER BY created_at, code LIMIT ?",
            (to_ms(now), limit),
        )
        return [_invite(row) for row in rows]

    async def revoke(self, code: str, person_id: int | None, now: datetime) -> bool:
        """Revoke an invitation still usable at now; False if there is none."""
        cursor = await self.conn.execute(
            "UPDATE invites SET revoked_at = ?, revoked_by = ? WHERE code = ?"
            " AND used_by IS NULL AND revoked_at IS NULL AND expires_at > ?",
            (to_ms(now), person_id, code, to_ms(now)),
        )
        return cursor.rowcount == 1


INVITE_COLUMNS = (
    "code, tank, station, created_by, created_at, expires_at, used_by, used_at, revoked_at,"
    " revoked_by"
)


def _invite(row: Sequence[Any]) -> Invite:
    return Invite(
        row[0],
        row[1],
        row[2],
        row[3],
        from_ms(row[4]),  # type: ignore[arg-type]
        from_ms(row[5]),  # type: ignore[arg-type]
        row[6],
        from_ms(row[7]),
        from_ms(row[8]),
        row[9],
    )


class SqlCorrections:
    """Routing decisions made by people."""

    def __init__(self, conn: BufferedConnection) -> None:
        self.conn = conn

    async def add(self, correction: Correction) -> None:
        """Store one."""
        self.conn.queue(
            "INSERT INTO corrections (case_id, text, old_tank, new_tank, actor_id, reason, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                correction.case_id,
                correction.text,
                correction.old_tank,
                correction.new_tank,
                correction.actor_id,
                correction.reason,
                to_ms(correction.at),
            ),
        )

    async def all(self) -> list[Correction]:
        """Every correction, oldest first."""
        rows = await self.conn.execute_fetchall(
            "SELECT case_id, text, old_tank, new_tank, actor_id, reason, at FROM corrections"
            " ORDER BY id",
        )
        return [
            Correction(r[0], r[1], r[2], r[3], r[4], r[5] or "", from_ms(r[6]))  # type: ignore[arg-type]
            for r in rows
        ]


class SqlDigestLog:
    """Digests already sent."""

    def __init__(self, conn: BufferedConnection) -> None:
        self.conn = conn

    async def first_time(self, kind: str, period: str, person_id: int, now: datetime) -> bool:
        """Record a digest; False if this person had this period's digest already."""
        cursor = await self.conn.execute(
            "INSERT OR IGNORE INTO digests_sent (kind, period, person_id, at) VALUES (?, ?, ?, ?)",
            (kind, period, person_id, to_ms(now)),
        )
        return cursor.rowcount == 1
