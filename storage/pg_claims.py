"""The sender's side of the outbox on PostgreSQL, for several workers at once.

A worker claims whole chats: a chat whose oldest pending row is due is taken, that row locked
with FOR UPDATE SKIP LOCKED (a chat another worker is claiming is passed over, not waited for),
and every pending row of the chat leased (leased_until, in real time) in the same statement,
which commits at once. No other worker takes a leased row, and no chat is claimed while an
earlier row of it is pending: two workers never send the same message,
and a chat's messages go in order (the worker's sender sends a chat's rows in order). A worker
that dies leaves its rows to be claimed again once their lease ends (at least once, as on
SQLite after a crash); a restarted worker waits for its own old leases too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from core.messages import OUTBOUND
from storage.db import to_ms
from storage.dialect import postgres
from storage.outbox import Pending
from storage.pg import PgDatabase

LEASE = timedelta(minutes=5)

# The chats whose oldest pending row is due and not being claimed by another worker (those
# rows are locked, SKIP LOCKED passes them over), then every pending row of those chats,
# leased to this worker in the same statement.
CLAIM = (
    "WITH heads AS ("
    " SELECT o.chat_id FROM outbox o WHERE o.channel = ? AND o.status = 'pending'"
    " AND (o.leased_until IS NULL OR o.leased_until <= ?)"
    " AND (o.id = ANY(?::BIGINT[]) OR (? AND o.next_attempt_at <= ?))"
    " AND NOT EXISTS (SELECT 1 FROM outbox e"
    "  WHERE e.channel = o.channel AND e.chat_id = o.chat_id AND e.status = 'pending'"
    "  AND e.id < o.id)"
    " ORDER BY o.id LIMIT ? FOR UPDATE SKIP LOCKED)"
    " UPDATE outbox SET leased_until = ?"
    " WHERE channel = ? AND status = 'pending' AND chat_id IN (SELECT chat_id FROM heads)"
    " RETURNING id, payload, attempts, next_attempt_at"
)


def utcnow() -> datetime:
    """The time now, in UTC."""
    return datetime.now(UTC)


class PgOutboxDeliveries:
    """What a worker sends, claimed so that no other worker sends it, and what happened."""

    claims = True  # no row of a chat while an earlier one is pending: the sender scans again

    def __init__(
        self,
        db: PgDatabase,
        channel: str,
        lease: timedelta = LEASE,
        clock: Callable[[], datetime] = utcnow,
        real: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.channel = channel
        self.lease = lease
        self.clock = clock  # the bot's: when rows are due
        self.real = real  # the machine's: when leases end

    async def claim(
        self, now: datetime, limit: int = 100, among: list[int] | None = None
    ) -> list[Pending]:
        """The rows this worker is to send (whole chats, oldest first), leased to it until real
        time passes the lease: the chats whose oldest pending row is due at now, or is among
        `among` (rows just queued), and held by no other worker."""
        real = self.real()
        params = (
            self.channel,
            to_ms(real),
            among or [],
            among is None,
            to_ms(now),
            limit,
            to_ms(real + self.lease),
            self.channel,
        )
        async with self.db.pool.acquire() as conn:
            rows = await conn.fetch(postgres(CLAIM), *params)
        found = [Pending(r[0], OUTBOUND.validate_json(r[1]), r[2], r[3]) for r in rows]
        return sorted(found, key=lambda p: p.id)

    async def pending(self, after_id: int = 0, limit: int = 1000) -> list[Pending]:
        """The sender's scan: every chat whose turn has come, claimed."""
        return [p for p in await self.claim(self.clock(), limit) if p.id > after_id]

    async def get(self, ids: list[int]) -> list[Pending]:
        """The chats of rows just queued here, claimed (a chat whose earlier rows another worker
        holds stays with it)."""
        if not ids:
            return []
        return await self.claim(self.clock(), len(ids), among=ids)

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
        async with self.db.record() as conn:
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
        """Record a failed attempt and when to try again. The worker that holds the row tries
        again then itself; other workers only once its lease has run out after that."""
        held = max(when - self.clock(), timedelta(0))
        await self._write(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, error = ?,"
            " leased_until = ? WHERE id = ?",
            (to_ms(when), error[:500], to_ms(self.real() + held + self.lease), row_id),
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
