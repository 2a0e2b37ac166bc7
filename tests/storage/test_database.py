"""The database on real SQLite files: migrations, durability across restarts, the outbox."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from core.context import District
from core.messages import Outbound
from core.service import Service
from storage.db import Database, WriterLock, migrations
from storage.outbox import OutboxDeliveries
from storage.unit_of_work import unit_factory
from tests.support import Chat, Clock, RuleClassifier, sqlite_fetch, sqlite_service


def sqlite_tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {r[0] for r in rows}


async def test_migrates_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "new" / "minqing.db"
    db = await Database.open(path)
    assert await db.version() == migrations()[-1][0]
    assert await db.migrate() == []
    await db.close()
    assert {"people", "cases", "case_events", "dialogs", "processed_updates", "outbox"} <= (
        sqlite_tables(path)
    )
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_a_failed_migration_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "m.db"
    db = await Database.open(path)
    version = await db.version()
    bad = [*migrations(), (version + 1, "9999_bad.sql", "CREATE TABLE x (a); SELECT nope();")]
    monkeypatch.setattr("storage.db.migrations", lambda: bad)
    with pytest.raises(sqlite3.OperationalError):
        await db.migrate()
    assert await db.version() == version
    await db.close()
    assert "x" not in sqlite_tables(path)


def sqlite_chat(service: Service, db: Database, user: str) -> Chat:
    return Chat(service, sqlite_fetch(db), user)


async def test_restart_keeps_a_half_finished_conversation(
    tmp_path: Path, district: District, classifier: RuleClassifier, clock: Clock
) -> None:
    path = tmp_path / "minqing.db"
    db = await Database.open(path)
    service = sqlite_service(db, district, classifier, clock)
    resident = sqlite_chat(service, db, "42")
    await resident.text("老板拖欠工资三个月了")
    await resident.press("稻地镇")
    await db.close()

    db = await Database.open(path)
    service = sqlite_service(db, district, classifier, clock)
    resumed = sqlite_chat(service, db, "42")
    resumed.inbox = resident.inbox
    await resumed.text("不留电话")
    assert "稻地镇" in resumed.last_text() and "拖欠工资" in resumed.last_text()
    out = await resumed.press("确认提交")
    assert "#1" in out[-1].text
    async with service.open_unit() as uow:
        case = await uow.cases.get(1)
        assert case is not None and case.station == "daodi" and case.tank == "law"
        assert [e.kind for e in await uow.events.for_case(1)] == ["created"]
    await db.close()


async def test_redelivered_update_is_a_no_op(
    db: Database, district: District, classifier: RuleClassifier, clock: Clock
) -> None:
    service = sqlite_service(db, district, classifier, clock)
    resident = sqlite_chat(service, db, "42")
    assert await resident.send(text="老板拖欠工资三个月了", update_id=77)
    assert await resident.send(text="老板拖欠工资三个月了", update_id=77) == []
    rows = list(await db.reader.execute_fetchall("SELECT count(*) FROM outbox"))
    assert rows[0][0] == 1


async def test_a_failing_turn_rolls_back_and_apologises(
    db: Database, district: District, clock: Clock
) -> None:
    class Broken:
        def classify(self, text: str) -> object:
            raise RuntimeError("boom")

    service = sqlite_service(db, district, Broken(), clock)  # type: ignore[arg-type]
    resident = sqlite_chat(service, db, "42")
    await resident.text("老板拖欠工资三个月了")
    await resident.press("跳过")
    out = await resident.text("不留电话")
    assert "出了点问题" in out[0].text
    rows = list(await db.reader.execute_fetchall("SELECT state FROM dialogs"))
    assert rows[0][0] == "intake.contact"


async def test_outbox_rows_keep_their_order_and_message_ids(db: Database, clock: Clock) -> None:
    async with unit_factory(db)() as uow:
        first = await uow.outbox.add(Outbound(chat_id="1", text="a", key="k", case_id=3), clock())
        second = await uow.outbox.add(Outbound(chat_id="1", text="b"), clock())
        await uow.commit()
    store = OutboxDeliveries(db, "telegram")
    assert [p.id for p in await store.pending()] == [first, second]
    await store.sent(first, 555, clock())
    assert [p.id for p in await store.pending()] == [second]
    assert await store.message_id_of("1", "k") == 555
    async with unit_factory(db)() as uow:
        assert await uow.outbox.case_of_message("telegram", "1", 555) == 3


async def test_uncommitted_outbox_rows_are_invisible_to_the_sender(
    db: Database, clock: Clock
) -> None:
    store = OutboxDeliveries(db, "telegram")
    async with unit_factory(db)() as uow:
        await uow.outbox.add(Outbound(chat_id="1", text="not yet"), clock())
        assert await store.pending() == []
    assert await store.pending() == []


class UrgentWatch(WriterLock):
    """The writer lock, telling when an urgent turn starts waiting, and noting whose turn each
    one it gives is."""

    def __init__(self) -> None:
        super().__init__()
        self.urgent_waits = asyncio.Event()
        self.given: list[str] = []

    async def acquire(self, urgent: bool = False) -> None:
        if urgent and self.locked():
            self.urgent_waits.set()
        await super().acquire(urgent)
        self.given.append("urgent" if urgent else "ordinary")


async def test_recording_a_delivery_goes_before_the_units_of_work_waiting(
    db: Database, clock: Clock
) -> None:
    # A message delivered but not yet recorded is sent again after a crash: its record must not
    # wait behind every update queued for handling.
    async with unit_factory(db)() as uow:
        row = await uow.outbox.add(Outbound(chat_id="1", text="hi"), clock())
        await uow.commit()
    lock = db.lock = UrgentWatch()
    holder = unit_factory(db)()
    await holder.__aenter__()

    async def unit() -> None:
        async with unit_factory(db)() as uow:
            await uow.outbox.case_of_message("telegram", "1", 1)

    waiting = [asyncio.create_task(unit()) for _ in range(3)]
    await asyncio.sleep(0)
    recording = asyncio.create_task(OutboxDeliveries(db, "telegram").sent(row, 7, clock()))
    await asyncio.wait_for(lock.urgent_waits.wait(), 10)
    await holder.__aexit__(None, None, None)
    await asyncio.gather(*waiting, recording)
    assert lock.given == ["ordinary", "urgent", "ordinary", "ordinary", "ordinary"]


async def test_a_cancelled_wait_for_the_writer_passes_the_turn_on(db: Database) -> None:
    lock = db.lock
    await lock.acquire()
    cancelled = asyncio.create_task(lock.acquire(urgent=True))
    after = asyncio.create_task(lock.acquire())
    await asyncio.sleep(0)
    lock.release()  # hands the turn to the urgent waiter, which is cancelled before it runs
    cancelled.cancel()
    await asyncio.wait_for(after, 5)
    assert lock.locked()
    lock.release()
    assert not lock.locked()


async def test_a_long_report_does_not_hold_up_the_senders_reads(db: Database) -> None:
    """The read side has a connection of its own: while a coordinator's report runs (here held
    open on purpose), the outbox sender still reads what to deliver."""
    assert db.views is not db.reader and db.views is not db.conn
    release = threading.Event()
    await db.views.create_function("held_report", 0, lambda: release.wait(30))
    report = asyncio.create_task(db.views.execute_fetchall("SELECT held_report()"))
    try:
        async with asyncio.timeout(10):  # an upper bound only: it answers at once
            assert await OutboxDeliveries(db, "telegram").pending() == []
    finally:
        release.set()
        await report


async def test_a_file_that_cannot_be_opened_leaves_no_thread_behind(tmp_path: Path) -> None:
    """A failed open ends aiosqlite's thread before it raises: a thread left to end on its own
    answered into the closed event loop as the process exited ("uncaught in thread")."""
    before = set(threading.enumerate())
    with pytest.raises(sqlite3.OperationalError):
        await Database.open(str(tmp_path))  # a directory
    left = [
        t
        for t in threading.enumerate()
        if t not in before and t.is_alive() and "connection_worker" in t.name  # aiosqlite's
    ]
    assert left == []
