"""A unit of work's statements go to SQLite's thread in as few round trips as they can."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from core.context import District
from core.messages import Outbound
from core.models import DialogState
from storage import buffer
from storage.db import Database
from storage.unit_of_work import unit_factory
from tests.support import Chat, Clock, RuleClassifier, sqlite_fetch, sqlite_service


async def _traced(db: Database) -> list[str]:
    statements: list[str] = []
    await db.conn.set_trace_callback(statements.append)
    return statements


async def test_a_unit_that_touches_nothing_begins_nothing(db: Database) -> None:
    statements = await _traced(db)
    async with unit_factory(db)() as uow:
        await uow.commit()
    async with unit_factory(db)():
        pass
    assert statements == []


def _count_trips(
    monkeypatch: pytest.MonkeyPatch, sent: asyncio.Event | None = None
) -> tuple[list[bool], list[int]]:
    """Every round trip on the writer (whether asked to run on the event loop), and those sent
    to a thread (setting `sent`)."""
    trips: list[bool] = []
    threaded: list[int] = []
    run, on_thread = buffer.Trips.run, buffer.on_thread

    async def counted(
        self: buffer.Trips, work: Callable[[sqlite3.Connection], Any], here: bool = False
    ) -> Any:
        if self.writes:
            trips.append(here)
        return await run(self, work, here)

    async def counted_thread(raw: Any, work: Callable[[sqlite3.Connection], Any]) -> Any:
        threaded.append(1)
        if sent is not None:
            sent.set()
        return await on_thread(raw, work)

    monkeypatch.setattr(buffer.Trips, "run", counted)
    monkeypatch.setattr(buffer, "on_thread", counted_thread)
    return trips, threaded


async def test_an_ordinary_turn_is_two_round_trips(
    db: Database,
    district: District,
    classifier: RuleClassifier,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Record the update, read the sender and the conversation (one trip); queue the answer and
    # the next question, save the conversation, commit (the other). Both run on the event loop:
    # a few statements cost less than the thread switches there and back.
    resident = Chat(sqlite_service(db, district, classifier, clock), sqlite_fetch(db), "42")
    await resident.text("老板拖欠工资三个月了")
    trips, threaded = _count_trips(monkeypatch)
    out = await resident.press("跳过")
    assert "电话" in out[-1].text
    assert trips == [True, True]
    assert threaded == []


async def test_other_units_of_work_go_to_the_thread(
    db: Database, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    trips, threaded = _count_trips(monkeypatch)
    async with unit_factory(db)() as uow:  # the sweep, a digest: not a conversation's turn
        await uow.outbox.add(Outbound(chat_id="42", text="a"), clock())
        await uow.commit()
    assert trips == [False, False] and len(threaded) == 2


async def test_a_turn_that_finds_the_file_locked_waits_on_the_thread(
    db: Database, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another process (here another connection) writing: BEGIN on the event loop would block
    # everything; it goes to the thread, which waits for the lock.
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    sent = asyncio.Event()
    trips, threaded = _count_trips(monkeypatch, sent)
    turn = unit_factory(db)()
    async with turn as uow:
        turn.expect_turn("telegram", "42", "42")
        reading = asyncio.create_task(uow.dialogs.get("telegram", "42"))
        await asyncio.wait_for(sent.wait(), 10)
        other.execute("COMMIT")
        state = await asyncio.wait_for(reading, 10)
    other.close()
    assert state.state == "idle"
    assert trips[0] is True and threaded


async def test_held_back_writes_go_with_the_commit(
    db: Database, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    trips, _ = _count_trips(monkeypatch)
    statements = await _traced(db)
    now: datetime = clock()
    async with unit_factory(db)() as uow:
        await uow.dialogs.get("telegram", "42")  # 1: BEGIN, the outbox's last id, the read
        await uow.outbox.add(Outbound(chat_id="42", text="a"), now)
        await uow.outbox.add(Outbound(chat_id="42", text="b"), now)
        await uow.dialogs.save(DialogState("telegram", "42", "intake.describe", {"id": "x"}), now)
        await uow.commit()  # 2: both messages, the dialog, COMMIT
    assert len(trips) == 2
    assert statements[0] == "BEGIN IMMEDIATE"
    assert statements[-1] == "COMMIT"
    assert sum("INSERT INTO outbox" in s for s in statements) == 2


async def test_a_write_that_fails_at_commit_undoes_the_whole_unit(
    db: Database, clock: Clock
) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        async with unit_factory(db)() as uow:
            await uow.outbox.add(Outbound(chat_id="42", text="a"), clock())
            uow.conn.queue("INSERT INTO case_events (case_id, kind, at) VALUES (NULL, 'x', 0)", ())
            await uow.commit()
    assert not db.conn.in_transaction
    assert list(await db.reader.execute_fetchall("SELECT * FROM outbox")) == []
    async with unit_factory(db)() as uow:
        await uow.outbox.add(Outbound(chat_id="42", text="b"), clock())
        await uow.commit()
    rows = list(await db.reader.execute_fetchall("SELECT id FROM outbox"))
    assert len(rows) == 1
