"""Housekeeping: delete the records that have served their purpose, in short transactions.

Invariants (what a newcomer can break):
- A pending outbox row is never deleted: it is a promise not yet kept.
- The outbox rows of a case that is not closed (or closed within the retention) stay, whatever
  their age: replies to a member's or a resident's message find their case through the row's
  message id (`case_of_message`), and closing a case edits the notices found by their keys.
- An update id is kept longer than Telegram keeps an unconfirmed update (24 hours), so that a
  redelivered update is still recognised as handled; the settings refuse less than 2 days.
- Each batch is one short write transaction (ordinary, not urgent): a resident's turn never waits
  behind the whole clean-up.
- Several workers on one PostgreSQL: the nightly run is done by one of them at a time (an
  advisory lock tried, not waited for); the others find it taken and do nothing. No worker is
  "the" housekeeper, so a dead one stops nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.db import Database, to_ms

BATCH = 2000

OLD_DELIVERIES = (
    "DELETE FROM outbox WHERE id IN (SELECT o.id FROM outbox o"
    " LEFT JOIN cases c ON c.id = o.case_id"
    " WHERE o.status != 'pending' AND o.created_at < ?"
    " AND (o.case_id IS NULL OR c.id IS NULL OR (c.status = 'closed' AND c.closed_at < ?))"
    " ORDER BY o.id LIMIT ?)"
)
OLD_UPDATES = (
    "DELETE FROM processed_updates WHERE (channel, update_id) IN"
    " (SELECT channel, update_id FROM processed_updates WHERE at < ? LIMIT ?)"
)
STALE_BUCKETS = (  # a flood bucket untouched for a minute is full again (core/throttle.py)
    "DELETE FROM flood_buckets WHERE who IN (SELECT who FROM flood_buckets WHERE stamp < ? LIMIT ?)"
)
STALE_DIALOGS = (
    "DELETE FROM dialogs WHERE (channel, chat_id) IN"
    " (SELECT channel, chat_id FROM dialogs WHERE updated_at < ? LIMIT ?)"
)


@dataclass(frozen=True)
class Retention:
    """How long each kind of record is kept."""

    deliveries: timedelta = timedelta(days=90)  # sent and failed outbox rows
    dialogs: timedelta = timedelta(days=90)  # conversations nobody touched since
    updates: timedelta = timedelta(days=7)  # ids of handled updates

    @classmethod
    def days(cls, kept: int, update_log: int) -> Retention:
        """Deliveries and conversations kept `kept` days, update ids `update_log` days."""
        return cls(timedelta(days=kept), timedelta(days=kept), timedelta(days=update_log))


@dataclass(frozen=True)
class Pruned:
    """How many rows of each kind were deleted."""

    deliveries: int
    dialogs: int
    updates: int

    def __str__(self) -> str:
        return (
            f"{self.deliveries} delivery records, {self.dialogs} stale conversations,"
            f" {self.updates} update ids"
        )


async def prune(db: Database, now: datetime, retention: Retention, batch: int = BATCH) -> Pruned:
    """Delete delivery records, stale conversations and update ids older than their retention
    (on PostgreSQL, fold the tallies' deltas first)."""
    deliveries = to_ms(now - retention.deliveries)
    if getattr(db, "dialect", "sqlite") == "postgres":
        await db.fold_tallies()  # type: ignore[attr-defined]
    return Pruned(
        deliveries=await _in_batches(db, OLD_DELIVERIES, (deliveries, deliveries), batch),
        dialogs=await _in_batches(db, STALE_DIALOGS, (to_ms(now - retention.dialogs),), batch),
        updates=await _in_batches(db, OLD_UPDATES, (to_ms(now - retention.updates),), batch),
    )


async def _in_batches(db: Database, sql: str, params: tuple[int, ...], batch: int) -> int:
    """Run a DELETE ... LIMIT batch until it deletes less than a batch; the rows deleted."""
    total = 0
    while True:
        async with db.transaction() as conn, conn.execute(sql, (*params, batch)) as cursor:
            deleted = cursor.rowcount
        total += deleted
        if deleted < batch:
            return total


@asynccontextmanager
async def alone(db: Database, job: str) -> AsyncIterator[bool]:
    """Whether this process may do a job one process at a time does: always on SQLite (one
    process serves the file), on PostgreSQL when no other worker is at it (storage/pg.py)."""
    if getattr(db, "dialect", "sqlite") != "postgres":
        yield True
        return
    async with db.alone(job) as got:  # type: ignore[attr-defined]
        yield got


async def nightly(db: Database, now: datetime, retention: Retention) -> Pruned | None:
    """The nightly clean-up (prune, stale flood buckets, the handled messages of the ingress),
    unless another worker is doing it (None then)."""
    from storage.ingress import prune_handled

    async with alone(db, "housekeeping") as mine:
        if not mine:
            return None
        pruned = await prune(db, now, retention)
        stale = int((now - timedelta(minutes=1)).timestamp())
        await _in_batches(db, STALE_BUCKETS, (stale,), BATCH)
        await prune_handled(db, now - retention.updates)
        return pruned
