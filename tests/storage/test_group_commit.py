"""Delivery records share turns on the writer: many writes, one transaction, each caller told."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from core.messages import Outbound
from storage.db import Database, WriterLock
from storage.group_commit import GroupCommit
from storage.outbox import OutboxDeliveries
from storage.unit_of_work import unit_factory
from tests.support import Clock


class CountingLock(WriterLock):
    """The writer lock, counting the turns taken and telling when someone waits for one."""

    def __init__(self) -> None:
        super().__init__()
        self.turns = 0
        self.someone_waits = asyncio.Event()

    async def acquire(self, urgent: bool = False) -> None:
        if self.locked():
            self.someone_waits.set()
        await super().acquire(urgent)
        self.turns += 1


async def _rows(db: Database, clock: Clock, count: int) -> list[int]:
    async with unit_factory(db)() as uow:
        ids = [
            await uow.outbox.add(Outbound(chat_id=str(i), text="hi"), clock()) for i in range(count)
        ]
        await uow.commit()
    return ids


async def test_deliveries_recorded_while_the_writer_is_busy_take_one_turn(
    db: Database, clock: Clock
) -> None:
    # Each record used to be a transaction of its own (BEGIN, UPDATE, COMMIT and its fsync),
    # a turn on the writer while every resident's update waited behind it.
    ids = await _rows(db, clock, 20)
    store = OutboxDeliveries(db, "telegram")
    lock = db.lock = CountingLock()
    async with unit_factory(db)():  # holds the writer, and commits nothing
        records = [asyncio.create_task(store.sent(i, 100 + i, clock())) for i in ids]
        await asyncio.wait_for(lock.someone_waits.wait(), 10)
        before = lock.turns
    await asyncio.wait_for(asyncio.gather(*records), 10)
    assert lock.turns - before == 1
    rows = await db.reader.execute_fetchall("SELECT status, message_id FROM outbox ORDER BY id")
    assert [tuple(r) for r in rows] == [("sent", 100 + i) for i in ids]


async def test_deliveries_recorded_during_a_turn_ride_with_its_commit(
    db: Database, clock: Clock
) -> None:
    ids = await _rows(db, clock, 5)
    store = OutboxDeliveries(db, "telegram")
    lock = db.lock = CountingLock()
    async with unit_factory(db)() as uow:
        records = [asyncio.create_task(store.sent(i, 100 + i, clock())) for i in ids]
        await asyncio.wait_for(lock.someone_waits.wait(), 10)
        before = lock.turns
        await uow.outbox.add(Outbound(chat_id="9", text="the turn's own"), clock())
        await uow.commit()
    await asyncio.wait_for(asyncio.gather(*records), 10)
    assert lock.turns == before  # no turn of their own
    rows = await db.reader.execute_fetchall("SELECT status FROM outbox ORDER BY id")
    assert [r[0] for r in rows] == ["sent"] * 5 + ["pending"]


async def test_records_that_rode_with_a_failed_commit_are_made_after_it(
    db: Database, clock: Clock
) -> None:
    (row,) = await _rows(db, clock, 1)
    store = OutboxDeliveries(db, "telegram")
    lock = db.lock = CountingLock()
    with pytest.raises(sqlite3.IntegrityError):
        async with unit_factory(db)() as uow:
            record = asyncio.create_task(store.sent(row, 7, clock()))
            await asyncio.wait_for(lock.someone_waits.wait(), 10)
            uow.conn.queue("INSERT INTO case_events (case_id, kind, at) VALUES (NULL, 'x', 0)", ())
            await uow.commit()
    await asyncio.wait_for(record, 10)
    rows = list(await db.reader.execute_fetchall("SELECT status, message_id FROM outbox"))
    assert tuple(rows[0]) == ("sent", 7)


async def test_a_write_that_fails_fails_its_own_caller_only(db: Database, clock: Clock) -> None:
    ids = await _rows(db, clock, 3)
    group = GroupCommit(db)
    lock = db.lock = CountingLock()
    mark = "UPDATE outbox SET status = 'sent' WHERE id = ?"
    async with unit_factory(db)():  # holds the writer: the three writes wait and go together
        writes = [
            asyncio.create_task(group.write(mark, (ids[0],))),
            asyncio.create_task(group.write("UPDATE no_such_table SET x = 1 WHERE id = ?", (1,))),
            asyncio.create_task(group.write(mark, (ids[2],))),
        ]
        await asyncio.wait_for(lock.someone_waits.wait(), 10)
    outcomes = await asyncio.wait_for(asyncio.gather(*writes, return_exceptions=True), 10)
    assert outcomes[0] is None and outcomes[2] is None
    assert isinstance(outcomes[1], sqlite3.OperationalError)
    rows = await db.reader.execute_fetchall("SELECT status FROM outbox ORDER BY id")
    assert [r[0] for r in rows] == ["sent", "pending", "sent"]


async def test_writes_are_made_in_the_order_they_were_asked(db: Database, clock: Clock) -> None:
    (row,) = await _rows(db, clock, 1)
    group = GroupCommit(db)
    lock = db.lock = CountingLock()
    async with unit_factory(db)():
        writes = [
            asyncio.create_task(
                group.write("UPDATE outbox SET error = ? WHERE id = ?", (f"attempt {n}", row))
            )
            for n in range(5)
        ]
        await asyncio.wait_for(lock.someone_waits.wait(), 10)
    await asyncio.wait_for(asyncio.gather(*writes), 10)
    rows = list(await db.reader.execute_fetchall("SELECT error FROM outbox"))
    assert rows[0][0] == "attempt 4"


async def test_a_cancelled_caller_still_has_its_write_made(db: Database, clock: Clock) -> None:
    (row,) = await _rows(db, clock, 1)
    group = GroupCommit(db)
    lock = db.lock = CountingLock()
    async with unit_factory(db)():
        write = asyncio.create_task(
            group.write("UPDATE outbox SET status = 'sent' WHERE id = ?", (row,))
        )
        await asyncio.wait_for(lock.someone_waits.wait(), 10)
        write.cancel()
        with pytest.raises(asyncio.CancelledError):
            await write
        later = asyncio.create_task(group.write("SELECT 1", ()))
    await asyncio.wait_for(later, 10)
    rows = list(await db.reader.execute_fetchall("SELECT status FROM outbox"))
    assert rows[0][0] == "sent"


async def test_a_commit_that_fails_leaves_no_transaction_open(db: Database) -> None:
    # Foreign keys checked at COMMIT: the COMMIT fails, and must not leave the writer
    # connection inside a transaction that every later turn would then fail to begin.
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as conn:
            await conn.execute("PRAGMA defer_foreign_keys = ON")
            await conn.execute(
                "INSERT INTO case_events (case_id, kind, at) VALUES (999999, 'note', 0)"
            )
    assert not db.conn.in_transaction
    async with db.transaction() as conn:
        await conn.execute("SELECT 1")
