"""The callback messages of the WeChat and WeCom channels, recorded before they are handled.

Invariants (what a newcomer can break):
- `record` returns only once the message is committed: the platform is told `success` after it,
  never before, so an acknowledged message is never lost. A retry of the same callback carries
  the same dedupe key and changes nothing (the row is there already, handled or not).
- A row stays pending until `handled` marks it; core records the row's id as the update id in
  the same transaction as the handling, so a row handled but not yet marked (a crash between the
  two) is a no-op when it is taken again.
- The customer-service window is read from the rows themselves (the latest message, the latest
  tap) and the quota spent within it from wx_quota: both survive a restart.
- A handled row keeps nothing of the person: `handled` empties its payload, and its chat too
  unless the row opened a window (which the replies to it still need; it goes when pruned). So
  the row of /forgetme's own confirmation, pending while the erasure ran, keeps no name, and on
  Telegram (no windows) no chat id; its dedupe key stays, so a repeat is still a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, to_ms

RECORD = (
    "INSERT INTO ingress (channel, dedupe_key, chat_id, payload, opens, received_at)"
    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, dedupe_key) DO NOTHING"
)
PENDING = (
    "SELECT id, chat_id, payload, attempts FROM ingress"
    " WHERE channel = ? AND handled_at IS NULL AND id > ? ORDER BY id LIMIT ?"
)
HANDLED = (  # and frees the row's lease, if a worker held it (storage/pg_ingress.py)
    "UPDATE ingress SET handled_at = ?, error = ?, attempts = attempts + 1,"
    " leased_until = NULL, leased_by = NULL, payload = '',"
    " chat_id = CASE WHEN opens IS NULL THEN '' ELSE chat_id END WHERE id = ?"
)
ATTEMPT = "UPDATE ingress SET attempts = attempts + 1, error = ? WHERE id = ?"
_LATEST = (
    "SELECT * FROM (SELECT opens, id, received_at FROM ingress"
    " WHERE channel = ? AND chat_id = ? AND opens = '{kind}' ORDER BY id DESC LIMIT 1) AS {kind}"
)
OPENED = (  # the latest row of each kind, with its time (in both dialects)
    f"{_LATEST.format(kind='message')} UNION ALL {_LATEST.format(kind='tap')}"
)
SPENT = "SELECT opens, opened_at, sent FROM wx_quota WHERE channel = ? AND chat_id = ?"
SPEND = (
    "INSERT INTO wx_quota (channel, chat_id, opens, opened_at, sent) VALUES (?, ?, ?, ?, 1)"
    " ON CONFLICT (channel, chat_id, opens) DO UPDATE SET"
    " sent = CASE WHEN wx_quota.opened_at = excluded.opened_at THEN wx_quota.sent + 1"
    " ELSE 1 END,"
    " opened_at = excluded.opened_at"
)
OLD_HANDLED = (
    "DELETE FROM ingress WHERE id IN (SELECT id FROM ingress"
    " WHERE handled_at IS NOT NULL AND received_at < ? LIMIT ?)"
)


@dataclass(frozen=True, slots=True)
class Recorded:
    """A recorded callback message waiting to be handled."""

    id: int
    chat_id: str
    payload: str
    attempts: int


@dataclass(frozen=True, slots=True)
class Opened:
    """A chat's window as recorded: its latest message and tap (ingress id and UTC ms), and how
    many customer-service messages went out since each."""

    message_at: int | None = None
    message_sent: int = 0
    tap_at: int | None = None
    tap_sent: int = 0
    message_row: int = 0
    tap_row: int = 0


class IngressStore:
    """One channel's recorded callback messages, and the windows they opened. The one process
    on SQLite takes every pending row; on PostgreSQL, ingress_of gives the claiming store."""

    claims = False  # whether pending() claims chats (then a worker asks again as chats end)

    def __init__(self, db: Database, channel: str) -> None:
        self.db, self.channel = db, channel

    async def record(
        self, dedupe_key: str, chat_id: str, payload: str, opens: str | None, now: datetime
    ) -> None:
        """Record a message durably; a message with this dedupe key already there is kept."""
        params = (self.channel, dedupe_key, chat_id, payload, opens, to_ms(now))
        await self.db.records.write(RECORD, params)

    async def pending(self, after_id: int = 0, limit: int = 500) -> list[Recorded]:
        """Messages not handled yet with id above after_id, oldest first."""
        rows = await self.db.reader.execute_fetchall(PENDING, (self.channel, after_id, limit))
        return [Recorded(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]

    async def release(self) -> None:
        """Give up what this worker holds (nothing here: no other process takes rows)."""

    async def handled(self, row_id: int, now: datetime, error: str | None = None) -> None:
        """Mark a message handled (with the reason when it was given up)."""
        await self.db.records.write(HANDLED, (to_ms(now), error and error[:500], row_id))

    async def attempt_failed(self, row_id: int, error: str) -> None:
        """Count a failed attempt at a message that stays pending."""
        await self.db.records.write(ATTEMPT, (error[:500], row_id))

    async def opened(self, chat_id: str) -> Opened:
        """The chat's window as recorded."""
        params = (self.channel, chat_id)
        opened = {
            str(r[0]): (int(r[1]), int(r[2]))
            for r in await self.db.reader.execute_fetchall(OPENED, params * 2)
        }
        spent = {
            str(r[0]): (int(r[1]), int(r[2]))
            for r in await self.db.reader.execute_fetchall(SPENT, params)
        }

        def sent(kind: str) -> int:
            row, got = opened.get(kind), spent.get(kind)
            return got[1] if row is not None and got is not None and got[0] == row[0] else 0

        message, tap = opened.get("message"), opened.get("tap")
        return Opened(
            message_at=message[1] if message else None,
            message_sent=sent("message"),
            tap_at=tap[1] if tap else None,
            tap_sent=sent("tap"),
            message_row=message[0] if message else 0,
            tap_row=tap[0] if tap else 0,
        )

    async def spend(self, chat_id: str, opens: str, opened_by: int) -> None:
        """Count one customer-service message sent within the window that the ingress row
        opened_by opened."""
        await self.db.records.write(SPEND, (self.channel, chat_id, opens, opened_by))


def ingress_of(db: Database, channel: str) -> IngressStore:
    """One channel's ingress on a database: on PostgreSQL, claimed by one worker per chat at a
    time (storage/pg_ingress.py); on SQLite, the one process takes every row."""
    if getattr(db, "dialect", "sqlite") == "postgres":
        from storage.pg_ingress import PgIngressStore

        return PgIngressStore(db, channel)  # type: ignore[arg-type]
    return IngressStore(db, channel)


async def prune_handled(db: Database, before: datetime, batch: int = 2000) -> int:
    """Delete handled messages received before a moment; returns how many."""
    total = 0
    while True:
        async with db.transaction() as conn, conn.execute(OLD_HANDLED, (to_ms(before), batch)) as c:
            deleted = c.rowcount
        total += deleted
        if deleted < batch:
            return total
