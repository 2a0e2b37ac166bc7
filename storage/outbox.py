"""The outbox: messages decided inside a transaction, delivered after it commits.

Invariants (what a newcomer can break):
- A row is written in the same transaction as the change that decided it, and only its status
  moves on: pending → sent, or pending → failed with the reason. A failed row is never deleted
  here (an operator lists it with `bot.py outbox --failed`); only a delivered row marked
  forget_after is (a button's answer), and old rows go by the housekeeping's rules.
- The sender's records are urgent writes of one statement each: until a delivery is recorded a
  crash sends it again, so they must not wait behind long units of work.
- A sent row keeps its message id: replies find their case through it (`case_of_message`), and
  edits find the message they change by their key.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from core.messages import OUTBOUND, Outbound
from storage.buffer import BufferedConnection
from storage.db import Database, to_ms
from storage.dialect import among

LAST_ID = "outbox.last_id"
LAST_ID_SQL = "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'"
# A block of ids from the sequence in one round trip (the unused ones are gaps, as a rolled-back
# unit's are); a unit asks for 2, then twice as many each time, up to ID_BLOCK. A unit that
# reads ahead for many cases (the sweep) starts at five ids a case: about what it queues.
NEXT_IDS_SQL = (
    "SELECT nextval(pg_get_serial_sequence('outbox', 'id')) FROM generate_series(1, ?::INTEGER)"
)
ID_BLOCK = 256


class SqlOutboxQueue:
    """Core's side of the outbox: queue messages, find a delivered message's case."""

    def __init__(self, conn: BufferedConnection) -> None:
        self.conn = conn
        self._next_id: int | None = None
        # On PostgreSQL units of work run side by side: ids come from the sequence, in blocks.
        self._reserved: list[int] = []
        self._block = 1
        self._shared = getattr(conn, "dialect", "sqlite") == "postgres"
        # Cases whose keyed messages were read ahead: (channel, chat_id, key, id) of each
        # (committed, or queued by this unit since), so keyed needs no round trip for them.
        self._ahead: dict[int, list[tuple[str, str, str, int]]] = {}
        if not self._shared:
            conn.peek(LAST_ID, LAST_ID_SQL)  # nearly every unit queues one: read it on the way

    async def add(self, message: Outbound, now: datetime) -> int:
        """Queue a message; returns its outbox id. The unit of work holds the writer lock, so
        ids can be handed out here and the rows written in one batch."""
        if self._shared:
            if not self._reserved:
                self._block = min(ID_BLOCK, self._block * 2)
                # The sequence is no held-back write's: they stay held back (storage/pg_unit.py).
                block = await self.conn.fetch_apart(NEXT_IDS_SQL, (self._block,))
                self._reserved = sorted(int(r[0]) for r in block)
            self._next_id = self._reserved.pop(0)
        elif self._next_id is None:
            rows = self.conn.take(LAST_ID)
            if rows is None:
                rows = list(await self.conn.execute_fetchall(LAST_ID_SQL))
            self._next_id = (int(rows[0][0]) if rows else 0) + 1
        row_id, self._next_id = self._next_id, self._next_id + 1
        if message.key is not None and message.case_id in self._ahead:
            known = (message.channel, message.chat_id, message.key, row_id)
            self._ahead[message.case_id].append(known)
        self.conn.queue(
            "INSERT INTO outbox (id, channel, chat_id, kind, payload, key, case_id, created_at,"
            " next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row_id,
                message.channel,
                message.chat_id,
                message.kind.value,
                OUTBOUND.dump_json(message, exclude_defaults=True).decode(),
                message.key,
                message.case_id,
                to_ms(now),
                to_ms(now),
            ),
            commutes=True,  # its id is its own: its place among other writes is no matter
        )
        return row_id

    async def case_of_message(self, channel: str, chat_id: str, message_id: int) -> int | None:
        """The case a delivered message belongs to, if any."""
        row = await self.conn.fetchone(
            "SELECT case_id FROM outbox WHERE channel = ? AND chat_id = ? AND message_id = ?",
            (channel, chat_id, message_id),
        )
        return row[0] if row else None

    async def read_ahead(self, case_ids: Collection[int]) -> None:
        """Read in one statement the keyed messages of these cases, for keyed to answer from
        (with the messages this unit queues for them after)."""
        where, params = among(getattr(self.conn, "dialect", "sqlite"), "case_id", list(case_ids))
        rows = await self.conn.execute_fetchall(
            "SELECT case_id, channel, chat_id, key, min(id) FROM outbox"
            f" WHERE {where} AND key IS NOT NULL GROUP BY case_id, channel, chat_id, key",
            params,
        )
        self._ahead.update({case_id: [] for case_id in case_ids})
        self._block = max(self._block, 5 * len(self._ahead) // 2)  # doubled when asked for
        for row in rows:
            self._ahead[row[0]].append((row[1], row[2], row[3], row[4]))

    async def keyed(self, case_id: int, prefix: str) -> list[tuple[str, str, str]]:
        """(channel, chat_id, key) of a case's messages whose key starts with prefix."""
        if case_id in self._ahead:
            first: dict[tuple[str, str, str], int] = {}
            for channel, chat_id, key, row_id in self._ahead[case_id]:
                if key.startswith(prefix):
                    found = (channel, chat_id, key)
                    first[found] = min(row_id, first.get(found, row_id))
            return sorted(first, key=first.__getitem__)
        rows = await self.conn.execute_fetchall(
            "SELECT channel, chat_id, key FROM outbox"
            " WHERE case_id = ? AND key >= ? AND key < ?"
            " GROUP BY channel, chat_id, key ORDER BY min(id)",
            (case_id, prefix, prefix + "\uffff"),
        )
        return [(r[0], r[1], r[2]) for r in rows]


@dataclass(frozen=True, slots=True)
class Pending:
    """An outbox row waiting to be delivered."""

    id: int
    message: Outbound
    attempts: int
    next_attempt_at: int


class OutboxDeliveries:
    """The sender's side of the outbox: what is due, and what happened to each delivery."""

    def __init__(self, db: Database, channel: str) -> None:
        self.db = db
        self.channel = channel

    async def pending(self, after_id: int = 0, limit: int = 1000) -> list[Pending]:
        """Undelivered rows of this channel with id above after_id, oldest first."""
        rows = await self.db.reader.execute_fetchall(
            "SELECT id, payload, attempts, next_attempt_at FROM outbox"
            " WHERE channel = ? AND status = 'pending' AND id > ? ORDER BY id LIMIT ?",
            (self.channel, after_id, limit),
        )
        return [Pending(row[0], OUTBOUND.validate_json(row[1]), row[2], row[3]) for row in rows]

    async def get(self, ids: list[int]) -> list[Pending]:
        """The pending rows of this channel among ids, oldest first."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        sql = (
            "SELECT id, payload, attempts, next_attempt_at FROM outbox"
            f" WHERE id IN ({marks}) AND status = 'pending' AND channel = ? ORDER BY id"
        )
        params = [*ids, self.channel]  # ids of every channel are handed to every sender
        # A few rows by id, just committed: read right here on the event loop, not by a round
        # trip to the reader's thread (storage/buffer.py).
        rows = await self.db.glance.run(lambda db: db.execute(sql, params).fetchall(), here=True)
        return [Pending(row[0], OUTBOUND.validate_json(row[1]), row[2], row[3]) for row in rows]

    async def message_id_of(self, chat_id: str, key: str) -> int | None:
        """The message id of the latest delivered message sent under key to chat."""
        sql = (
            "SELECT message_id FROM outbox WHERE channel = ? AND chat_id = ? AND key = ?"
            " AND message_id IS NOT NULL ORDER BY id DESC LIMIT 1"
        )
        params = (self.channel, chat_id, key)
        row = await self.db.glance.run(lambda db: db.execute(sql, params).fetchone(), here=True)
        return int(row[0]) if row else None

    async def _write(self, sql: str, params: tuple[object, ...]) -> None:
        # Urgent (db.records): a delivery made but not yet recorded is sent again after a
        # crash. Records made meanwhile share one turn, or ride with a unit's commit.
        await self.db.records.write(sql, params)

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
        """Give up on a row for good (the chat is gone or the message is invalid), keeping it
        with the reason: what was decided and never delivered must stay visible."""
        await self._write(
            "UPDATE outbox SET status = 'failed', sent_at = ?, attempts = attempts + 1,"
            " error = ? WHERE id = ?",
            (to_ms(now), error[:500], row_id),
        )

    async def retry_at(self, row_id: int, when: datetime, error: str) -> None:
        """Record a failed attempt and when to try again."""
        await self._write(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, error = ?"
            " WHERE id = ?",
            (to_ms(when), error[:500], row_id),
        )

    async def unreachable(self, chat_id: str) -> int:
        """Mark the people of a chat as unreachable (they blocked the bot); returns how many
        were reachable until now."""
        sql = "UPDATE people SET reachable = 0 WHERE channel = ? AND chat_id = ? AND reachable = 1"
        params = (self.channel, chat_id)
        # Rare, and its count matters: a transaction of its own rather than the shared batch.
        async with self.db.transaction(urgent=True) as conn, conn.execute(sql, params) as cursor:
            return cursor.rowcount


def deliveries_of(db: Database, channel: str) -> OutboxDeliveries:
    """The sender's side of the outbox of a database (on PostgreSQL, claimed per chat)."""
    if getattr(db, "dialect", "sqlite") == "postgres":
        store: OutboxDeliveries = db.deliveries(channel)  # type: ignore[attr-defined]
        return store
    return OutboxDeliveries(db, channel)
