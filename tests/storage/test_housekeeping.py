"""Housekeeping on a real SQLite file: old delivery records, stale conversations and update ids
go; pending messages and what open cases still need stay."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.messages import Outbound
from core.models import DialogState
from storage.db import Database, to_ms
from storage.housekeeping import Retention, prune
from storage.unit_of_work import unit_factory
from tests.support import Clock

DAY = timedelta(days=1)
RETENTION = Retention(deliveries=30 * DAY, dialogs=30 * DAY, updates=7 * DAY)


async def add_case(db: Database, status: str, closed: datetime | None, at: datetime) -> int:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT OR IGNORE INTO people (id, channel, external_id, chat_id, created_at)"
            " VALUES (1, 'telegram', '501', '501', ?)",
            (to_ms(at),),
        )
        async with conn.execute(
            "INSERT INTO cases (resident_id, channel, text, status, created_at, updated_at,"
            " closed_at) VALUES (1, 'telegram', '路灯坏了', ?, ?, ?, ?)",
            (status, to_ms(at), to_ms(at), to_ms(closed) if closed else None),
        ) as cursor:
            assert cursor.lastrowid is not None
            return cursor.lastrowid


async def add_row(
    db: Database, at: datetime, status: str, case_id: int | None, message_id: int | None = None
) -> int:
    async with unit_factory(db)() as uow:
        row = await uow.outbox.add(
            Outbound(chat_id="501", text=f"{status} {case_id}", case_id=case_id), at
        )
        await uow.commit()
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET status = ?, message_id = ? WHERE id = ?", (status, message_id, row)
        )
    return row


async def ids(db: Database, sql: str) -> list[object]:
    return [r[0] for r in await db.reader.execute_fetchall(sql)]


async def test_old_records_go_and_what_is_still_needed_stays(db: Database, clock: Clock) -> None:
    now = clock()
    old, recent = now - 60 * DAY, now - 2 * DAY
    open_case = await add_case(db, "claimed", None, old)
    resolved = await add_case(db, "resolved", None, old)
    closed_long_ago = await add_case(db, "closed", now - 45 * DAY, old)
    closed_lately = await add_case(db, "closed", now - 3 * DAY, old)
    keep = [
        await add_row(db, old, "sent", open_case, message_id=77),  # a reply to it finds #N
        await add_row(db, old, "sent", resolved, message_id=78),  # 不满意 reopens it
        await add_row(db, old, "sent", closed_lately, message_id=79),
        await add_row(db, old, "pending", None),  # a promise not yet kept
        await add_row(db, old, "pending", closed_long_ago),
        await add_row(db, recent, "sent", None),
        await add_row(db, recent, "failed", None),
    ]
    gone = [
        await add_row(db, old, "sent", None),
        await add_row(db, old, "failed", None),
        await add_row(db, old, "sent", closed_long_ago, message_id=80),
    ]
    async with unit_factory(db)() as uow:
        for n, at in enumerate((old, now - 8 * DAY, recent)):
            assert await uow.updates.first_time("telegram", 1000 + n, at)
        await uow.dialogs.save(DialogState("telegram", "601", "intake.station", {"t": 1}), old)
        await uow.dialogs.save(DialogState("telegram", "602", "intake.station", {"t": 2}), recent)
        await uow.commit()

    pruned = await prune(db, now, RETENTION, batch=2)

    assert (pruned.deliveries, pruned.dialogs, pruned.updates) == (len(gone), 1, 2)
    assert await ids(db, "SELECT id FROM outbox ORDER BY id") == sorted(keep)
    assert await ids(db, "SELECT update_id FROM processed_updates") == [1002]
    assert await ids(db, "SELECT chat_id FROM dialogs") == ["602"]
    async with unit_factory(db)() as uow:
        assert await uow.outbox.case_of_message("telegram", "501", 77) == open_case
        assert not await uow.updates.first_time("telegram", 1002, now)
    again = await prune(db, now, RETENTION)
    assert (again.deliveries, again.dialogs, again.updates) == (0, 0, 0)
