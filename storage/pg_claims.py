"""The sender's side of the outbox on PostgreSQL, for several workers at once.

A worker claims whole chats: a chat whose oldest pending row is due is taken, that row locked
with FOR UPDATE SKIP LOCKED (a chat another worker is claiming is passed over, not waited for),
and every pending row of the chat leased to this worker (leased_by, leased_until in real time)
in the same statement, which commits at once.

Invariants (what a newcomer can break):
- No other worker takes a row leased to this one, and no chat is claimed while an earlier row of
  it is pending and leased to another: two workers never send the same message, and a chat's
  messages go in order (the worker's sender sends a chat's rows in order). A worker's own chats
  may be claimed by it again: a scan takes the rows queued for them meanwhile.
- The lease is short (LEASE) and the live holder renews it every HEARTBEAT seconds for all its
  rows in one statement (`renew`, the sender's supervised heartbeat): a slow send or a wait
  for a retry (`retry_at`: the row stays with its worker) never loses its row, while a worker
  that dies leaves its chats to the others within LEASE and one scan (at least once, as on
  SQLite after a crash). `release` (an orderly stop) gives them back at once.
- `holds` is the sender's fence: a call starts only while the row is known to be leased to this
  worker for at least MARGIN more (claimed or renewed, and the last renewal still returned it,
  or passed over it as locked by a write under way while its known lease has not ended).
  A worker cut off from the database stops sending before another can take its chats over.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from core.messages import OUTBOUND
from storage.db import to_ms
from storage.dialect import postgres
from storage.outbox import Pending
from storage.pg import PgDatabase

LEASE = timedelta(seconds=15)
HEARTBEAT = 3.0  # seconds between renewals: five per lease, so four may fail in a row
MARGIN = LEASE / 3  # a call starts only while at least this much of its row's lease is left

# The chats whose oldest pending row is due and free (never leased, its lease run out, or
# leased to this worker) and not being claimed by another worker (those rows are locked, SKIP
# LOCKED passes them over), then every pending row of those chats, leased to this worker in
# the same statement.
CLAIM = (
    "WITH heads AS ("
    " SELECT o.chat_id FROM outbox o WHERE o.channel = ? AND o.status = 'pending'"
    " AND (o.leased_until IS NULL OR o.leased_until <= ? OR o.leased_by = ?)"
    " AND (o.id = ANY(?::BIGINT[]) OR (? AND o.next_attempt_at <= ?))"
    " AND NOT EXISTS (SELECT 1 FROM outbox e"
    "  WHERE e.channel = o.channel AND e.chat_id = o.chat_id AND e.status = 'pending'"
    "  AND e.id < o.id)"
    " ORDER BY o.id LIMIT ? FOR UPDATE SKIP LOCKED)"
    " UPDATE outbox SET leased_until = ?, leased_by = ?"
    " WHERE channel = ? AND status = 'pending' AND chat_id IN (SELECT chat_id FROM heads)"
    " RETURNING id, payload, attempts, next_attempt_at"
)
# Renewing waits for no row (SKIP LOCKED): waiting, the renewal (its rows in any order) and a
# claim deadlocked. A row passed over keeps the lease this worker last knew it had.
RENEW = (
    "UPDATE outbox SET leased_until = ? WHERE id IN (SELECT id FROM outbox"
    " WHERE channel = ? AND status = 'pending' AND leased_by = ? FOR UPDATE SKIP LOCKED)"
    " RETURNING id"
)
RELEASE = (
    "UPDATE outbox SET leased_until = NULL, leased_by = NULL"
    " WHERE channel = ? AND status = 'pending' AND leased_by = ?"
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
        heartbeat: float = HEARTBEAT,
    ) -> None:
        self.db = db
        self.channel = channel
        self.lease, self.heartbeat, self.margin = lease, heartbeat, lease / 3  # as MARGIN
        self.clock = clock  # the bot's: when rows are due
        self.real = real  # the machine's: when leases end
        self.worker = secrets.token_hex(8)  # this worker's name on its leases
        self.renewals = 0  # renewals that succeeded
        self._held: dict[int, datetime] = {}  # row -> until when it is surely leased to us
        self._fresh: set[int] = set()  # rows claimed since the last renewal began

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
            self.worker,
            among or [],
            among is None,
            to_ms(now),
            limit,
            to_ms(real + self.lease),
            self.worker,
            self.channel,
        )
        async with self.db.pool.acquire() as conn:
            rows = await conn.fetch(postgres(CLAIM), *params)
        found = [Pending(r[0], OUTBOUND.validate_json(r[1]), r[2], r[3]) for r in rows]
        for pending in found:
            self._held[pending.id] = real + self.lease
            self._fresh.add(pending.id)
        return sorted(found, key=lambda p: p.id)

    async def renew(self) -> int:
        """Renew the lease of every pending row this worker holds, in one statement (the
        heartbeat); returns how many it holds. A row no longer leased to it (another worker
        took it after the lease ran out) is no longer held: `holds` says so."""
        real = self.real()
        self._fresh = set()
        async with self.db.pool.acquire() as conn:
            rows = await conn.fetch(
                postgres(RENEW), to_ms(real + self.lease), self.channel, self.worker
            )
        until = real + self.lease
        held = {int(r[0]): until for r in rows}
        for row_id, known in self._held.items():
            # Claimed while the renewal ran, or passed over as locked by a write under way:
            # the lease last known stands (no other worker can take the row before it ends).
            if row_id not in held and (row_id in self._fresh or known > real):
                held[row_id] = known
        self._held = held
        self.renewals += 1
        return len(held)

    def holds(self, row_id: int) -> bool:
        """Whether the row is surely this worker's for at least the margin more: a call to
        send it may start."""
        until = self._held.get(row_id)
        return until is not None and self.real() + self.margin < until

    async def release(self) -> None:
        """Give back every pending row this worker holds (an orderly stop): another worker
        takes those chats at once."""
        async with self.db.pool.acquire() as conn:
            await conn.execute(postgres(RELEASE), self.channel, self.worker)
        self._held.clear()

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
        self._held.pop(row_id, None)
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
        self._held.pop(row_id, None)
        await self._write(
            "UPDATE outbox SET status = 'failed', sent_at = ?, attempts = attempts + 1,"
            " error = ? WHERE id = ?",
            (to_ms(now), error[:500], row_id),
        )

    async def retry_at(self, row_id: int, when: datetime, error: str) -> None:
        """Record a failed attempt and when to try again. The row stays leased to this worker
        (its heartbeat renews it while it waits), which tries again then itself: its chat's
        later rows wait in its queue, and releasing the row would let another worker send
        them, or it, while this one still holds them. Should this worker die, another takes
        the chat once the lease has run out and the row is due."""
        await self._write(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, error = ?,"
            " leased_until = ? WHERE id = ?",
            (to_ms(when), error[:500], to_ms(self.real() + self.lease), row_id),
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
