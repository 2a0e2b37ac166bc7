"""The sender's side of the outbox on PostgreSQL, for several workers at once.

A worker claims the rows it will send: the oldest pending row of each chat whose turn has come,
locked with FOR UPDATE SKIP LOCKED (rows another worker is claiming are passed over, not waited
for) and leased (next_attempt_at moved to the end of the lease) in the same statement, which
commits at once. No other worker sees a leased row as due, and no chat's later row is claimed
while an earlier one is pending: two workers never send the same message, and a chat's
messages go in order. A worker that dies leaves its rows to be claimed again once their lease
ends (at least once, as on SQLite after a crash).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.messages import OUTBOUND
from storage.db import to_ms
from storage.dialect import postgres
from storage.outbox import Pending
from storage.pg import PgDatabase

LEASE = timedelta(minutes=2)

CLAIM = (
    "UPDATE outbox SET next_attempt_at = ? WHERE id IN ("
    " SELECT o.id FROM outbox o WHERE o.channel = ? AND o.status = 'pending'"
    " AND o.next_attempt_at <= ? AND NOT EXISTS (SELECT 1 FROM outbox e"
    "  WHERE e.channel = o.channel AND e.chat_id = o.chat_id AND e.status = 'pending'"
    "  AND e.id < o.id)"
    " ORDER BY o.id LIMIT ? FOR UPDATE SKIP LOCKED)"
    " RETURNING id, payload, attempts, next_attempt_at"
)


class PgOutboxDeliveries:
    """What a worker sends, claimed so that no other worker sends it, and what happened."""

    def __init__(self, db: PgDatabase, channel: str, lease: timedelta = LEASE) -> None:
        self.db = db
        self.channel = channel
        self.lease = lease

    async def claim(self, now: datetime, limit: int = 100) -> list[Pending]:
        """The rows this worker is to send now, oldest first, leased to it."""
        params = (to_ms(now + self.lease), self.channel, to_ms(now), limit)
        async with self.db.pool.acquire() as conn:
            rows = await conn.fetch(postgres(CLAIM), *params)
        found = [Pending(r[0], OUTBOUND.validate_json(r[1]), r[2], r[3]) for r in rows]
        return sorted(found, key=lambda p: p.id)

    async def message_id_of(self, chat_id: str, key: str) -> int | None:
        """The message id of the latest delivered message sent under key to chat."""
        sql = (
            "SELECT message_id FROM outbox WHERE channel = ? AND chat_id = ? AND key = ?"
            " AND message_id IS NOT NULL ORDER BY id DESC LIMIT 1"
        )
        async with self.db.pool.acquire() as conn:
            value = await conn.fetchval(postgres(sql), self.channel, chat_id, key)
        return None if value is None else int(value)

    async def _write(self, sql: str, params: tuple[object, ...]) -> None:
        async with self.db.pool.acquire() as conn:
            await conn.execute(postgres(sql), *params)

    async def sent(
        self, row_id: int, message_id: int | None, now: datetime, forget: bool = False
    ) -> None:
        """Record a delivery; a row marked forget_after is deleted instead."""
        if forget:
            await self._write("DELETE FROM outbox WHERE id = ?", (row_id,))
            return
        await self._write(
            "UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?,"
            " attempts = attempts + 1, error = NULL WHERE id = ?",
            (to_ms(now), message_id, row_id),
        )

    async def failed(self, row_id: int, error: str, now: datetime) -> None:
        """Give up on a row for good, keeping it with the reason."""
        await self._write(
            "UPDATE outbox SET status = 'failed', sent_at = ?, attempts = attempts + 1,"
            " error = ? WHERE id = ?",
            (to_ms(now), error[:500], row_id),
        )

    async def retry_at(self, row_id: int, when: datetime, error: str) -> None:
        """Record a failed attempt and when to try again (the lease ends then)."""
        await self._write(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, error = ?"
            " WHERE id = ?",
            (to_ms(when), error[:500], row_id),
        )

    async def unreachable(self, chat_id: str) -> int:
        """Mark the people of a chat unreachable; returns how many were."""
        async with self.db.pool.acquire() as conn:
            status = await conn.execute(
                postgres(
                    "UPDATE people SET reachable = 0"
                    " WHERE channel = ? AND chat_id = ? AND reachable = 1"
                ),
                self.channel,
                chat_id,
            )
        return int(status.rsplit(" ", 1)[-1])
