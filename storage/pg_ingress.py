"""The channels' ingress on PostgreSQL, for several worker processes at once.

A worker claims whole chats, as the outbox sender does (storage/pg_claims.py): a chat whose
oldest pending row is free (never leased, its lease run out, or leased to this worker already)
is taken, that row locked with FOR UPDATE SKIP LOCKED (a chat another worker is claiming is
passed over, not waited for), and every pending row of the chat leased to this worker
(leased_by, leased_until in real time) in the same statement, which commits at once.

Invariants (what a newcomer can break):
- A chat is held by one worker at a time: no row of a chat is taken while an earlier row of it
  is pending and leased to another worker, so a chat's messages reach core in order, never two
  at once. `handled` frees the row; the chat's next row is then free for whoever claims first.
- The lease is short (LEASE): the live worker renews it every HEARTBEAT seconds for all its
  chats in one statement (`renew`, the ingress worker's supervised heartbeat), however long a
  turn takes; asking again renews it too, and takes the rows that came for its chats meanwhile.
  A renewal passes over rows locked by a write under way (it never waits, so it is never in a
  deadlock); with five beats a lease, a row is renewed long before its lease runs out.
- A worker that dies keeps its chats only until their lease runs out, a few seconds; then
  another takes them at its next scan (a restarted worker is another worker: it waits too). A
  row handled twice after such a crash, or after a worker cut off from the database lost its
  lease, is a no-op: core records the ingress id as the update id, under the chat's lock.
- `release` (an orderly stop) gives the chats back at once.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from storage.db import to_ms
from storage.dialect import postgres
from storage.ingress import IngressStore, Recorded
from storage.pg import PgDatabase

LEASE = timedelta(seconds=5)
HEARTBEAT = 1.0  # seconds between renewals: five per lease, so four may fail in a row
CHATS = 32  # chats claimed at once (those held already count): a share for each worker

CLAIM = (
    "WITH heads AS ("
    " SELECT o.chat_id FROM ingress o WHERE o.channel = ? AND o.handled_at IS NULL"
    " AND (o.leased_until IS NULL OR o.leased_until <= ? OR o.leased_by = ?)"
    " AND NOT EXISTS (SELECT 1 FROM ingress e"
    "  WHERE e.channel = o.channel AND e.chat_id = o.chat_id AND e.handled_at IS NULL"
    "  AND e.id < o.id)"
    " ORDER BY o.id LIMIT ? FOR UPDATE SKIP LOCKED)"
    " UPDATE ingress SET leased_until = ?, leased_by = ?"
    " WHERE channel = ? AND handled_at IS NULL AND chat_id IN (SELECT chat_id FROM heads)"
    " RETURNING id, chat_id, payload, attempts"
)
# Renewing waits for no row: a row another transaction has locked is being marked handled or
# claimed (which renews it) and is renewed at the next beat if still held. Waiting, the renewal
# (its rows in any order) deadlocked with a batch of handled marks in the workers bench.
RENEW = (
    "UPDATE ingress SET leased_until = ? WHERE id IN (SELECT id FROM ingress"
    " WHERE channel = ? AND handled_at IS NULL AND leased_by = ? FOR UPDATE SKIP LOCKED)"
)
RELEASE = (
    "UPDATE ingress SET leased_until = NULL, leased_by = NULL"
    " WHERE channel = ? AND handled_at IS NULL AND leased_by = ?"
)


def utcnow() -> datetime:
    """The machine's time, in UTC."""
    return datetime.now(UTC)


class PgIngressStore(IngressStore):
    """One channel's recorded callback messages, claimed by one worker per chat at a time."""

    claims = True

    def __init__(
        self,
        db: PgDatabase,
        channel: str,
        lease: timedelta = LEASE,
        chats: int = CHATS,
        real: Callable[[], datetime] = utcnow,
        heartbeat: float = HEARTBEAT,
    ) -> None:
        super().__init__(db, channel)  # type: ignore[arg-type]
        self.pg = db
        self.lease, self.chats, self.real = lease, chats, real
        self.heartbeat = heartbeat
        self.worker = secrets.token_hex(8)  # this worker's name on its leases
        self.renewals = 0  # renewals that succeeded

    async def pending(self, after_id: int = 0, limit: int = CHATS) -> list[Recorded]:
        """The pending rows of the chats this worker holds, with those of free chats it takes
        now (up to `chats` chats in all, oldest first), leased to it until real time passes
        the lease."""
        real = self.real()
        params = (
            self.channel,
            to_ms(real),
            self.worker,
            min(limit, self.chats),
            to_ms(real + self.lease),
            self.worker,
            self.channel,
        )
        async with self.pg.pool.acquire() as conn:
            rows = await conn.fetch(postgres(CLAIM), *params)
        found = [Recorded(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]
        return sorted((r for r in found if r.id > after_id), key=lambda r: r.id)

    async def renew(self) -> None:
        """Renew the lease of every pending row this worker holds, in one statement."""
        async with self.pg.pool.acquire() as conn:
            await conn.execute(
                postgres(RENEW), to_ms(self.real() + self.lease), self.channel, self.worker
            )
        self.renewals += 1

    async def release(self) -> None:
        """Give back every chat this worker holds: another takes them at once."""
        async with self.pg.pool.acquire() as conn:
            await conn.execute(postgres(RELEASE), self.channel, self.worker)
