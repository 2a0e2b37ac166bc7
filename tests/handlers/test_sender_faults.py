"""The outbox sender when its own storage fails (an injected fault at the OutboxDeliveries port)
or the channel refuses the bot's token: nothing is stranded, nothing is sent twice, nothing
dies silently."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections import Counter
from datetime import datetime

import pytest

from core.messages import Kind, Outbound
from core.models import Person
from handlers.delivery import RetryLater, Unreachable
from handlers.sender import OutboxSender
from handlers.supervision import Fatal, TokenRefused
from storage.db import Database
from storage.outbox import OutboxDeliveries, Pending
from storage.unit_of_work import unit_factory
from tests.handlers.test_sender import ScriptedTransport, queue, sender, statuses
from tests.support import Clock


class FailingStore(OutboxDeliveries):
    """The real outbox store, whose next calls of a method fail as a broken disk would."""

    def __init__(self, db: Database) -> None:
        super().__init__(db, "telegram")
        self.failures: Counter[str] = Counter()
        self.raised: list[str] = []

    def fail(self, method: str, times: int = 1) -> None:
        """Make the next `times` calls of method raise."""
        self.failures[method] += times

    def _check(self, method: str) -> None:
        if self.failures[method] > 0:
            self.failures[method] -= 1
            self.raised.append(method)
            raise sqlite3.OperationalError(f"disk I/O error (injected into {method})")

    async def pending(self, after_id: int = 0, limit: int = 1000) -> list[Pending]:
        self._check("pending")
        return await super().pending(after_id, limit)

    async def get(self, ids: list[int]) -> list[Pending]:
        self._check("get")
        return await super().get(ids)

    async def message_id_of(self, chat_id: str, key: str) -> int | None:
        self._check("message_id_of")
        return await super().message_id_of(chat_id, key)

    async def sent(
        self, row_id: int, message_id: int | None, now: datetime, forget: bool = False
    ) -> None:
        self._check("sent")
        await super().sent(row_id, message_id, now, forget)

    async def failed(self, row_id: int, error: str, now: datetime) -> None:
        self._check("failed")
        await super().failed(row_id, error, now)

    async def retry_at(self, row_id: int, when: datetime, error: str) -> None:
        self._check("retry_at")
        await super().retry_at(row_id, when, error)

    async def unreachable(self, chat_id: str) -> int:
        self._check("unreachable")
        return await super().unreachable(chat_id)


def failing(db: Database, transport: ScriptedTransport, clock: Clock, **kw: object) -> OutboxSender:
    """A fast sender on a FailingStore (reach it as .store)."""
    return sender(db, transport, clock, store=FailingStore(db), **kw)


def store_of(s: OutboxSender) -> FailingStore:
    assert isinstance(s.store, FailingStore)
    return s.store


def critical(caplog: pytest.LogCaptureFixture, cause: str) -> list[str]:
    """The CRITICAL records that name the cause."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.CRITICAL and cause in r.getMessage()
    ]


async def test_a_failed_read_of_fresh_rows_does_not_stop_delivery(
    db: Database, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    transport = ScriptedTransport()
    s = failing(db, transport, clock)
    await s.start()
    store_of(s).fail("get")
    s.submit(await queue(db, clock, [Outbound(chat_id="1", text="a")]))
    await asyncio.wait_for(s.drain(), 10)
    s.submit(await queue(db, clock, [Outbound(chat_id="1", text="b")]))
    await asyncio.wait_for(s.drain(), 10)
    await s.stop()
    assert transport.delivered == [("1", "a"), ("1", "b")]
    assert store_of(s).raised == ["get"]
    assert critical(caplog, "injected into get")


async def test_a_failed_rescan_at_start_is_tried_again(
    db: Database, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    await queue(db, clock, [Outbound(chat_id="1", text="left behind")])
    transport = ScriptedTransport()
    s = failing(db, transport, clock)
    store_of(s).fail("pending")
    await s.start()
    await asyncio.wait_for(s.drain(), 10)
    await s.stop()
    assert transport.delivered == [("1", "left behind")]
    assert critical(caplog, "injected into pending")


async def test_a_failed_record_of_a_delivery_is_retried_not_sent_again(
    db: Database, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    transport = ScriptedTransport()
    s = failing(db, transport, clock)
    await s.start()
    store_of(s).fail("sent", times=2)
    ids = await queue(db, clock, [Outbound(chat_id="1", text="a"), Outbound(chat_id="1", text="b")])
    s.submit(ids)
    await asyncio.wait_for(s.drain(), 10)
    await s.stop()
    assert transport.delivered == [("1", "a"), ("1", "b")]
    assert await statuses(db) == ["sent", "sent"]
    assert len(critical(caplog, "injected into sent")) == 2


async def test_a_failed_write_after_a_failed_attempt_does_not_strand_the_row(
    db: Database, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    transport = ScriptedTransport({"1": [RetryLater("502")], "2": [RetryLater("502")]})
    s = failing(db, transport, clock)
    await s.start()
    store_of(s).fail("retry_at", times=2)
    messages = [Outbound(chat_id=c, text=t) for c, t in (("1", "a"), ("1", "b"), ("2", "c"))]
    s.submit(await queue(db, clock, messages))
    await asyncio.wait_for(s.drain(), 10)
    await s.stop()
    assert [t for c, t in transport.delivered if c == "1"] == ["a", "b"]
    assert ("2", "c") in transport.delivered
    assert await statuses(db) == ["sent", "sent", "sent"]
    assert critical(caplog, "injected into retry_at")


async def test_a_failed_read_before_an_edit_is_tried_again(
    db: Database, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    transport = ScriptedTransport()
    s = failing(db, transport, clock)
    await s.start()
    store_of(s).fail("message_id_of")
    messages = [
        Outbound(chat_id="1", text="notice", key="notice:1:1"),
        Outbound(chat_id="1", text="taken", kind=Kind.EDIT, edit_key="notice:1:1"),
    ]
    s.submit(await queue(db, clock, messages))
    await asyncio.wait_for(s.drain(), 10)
    await s.stop()
    assert transport.edits == [("taken", 1)]
    assert await statuses(db) == ["sent", "sent"]
    assert critical(caplog, "injected into message_id_of")


async def test_a_failed_write_when_a_chat_is_unreachable_still_tells_who_must_know(
    db: Database, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    told: list[str] = []
    attempts = 0

    async def on_unreachable(chat: str) -> None:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise sqlite3.OperationalError("database is locked (injected into on_unreachable)")
        told.append(chat)

    async with unit_factory(db)() as uow:
        await uow.people.add(Person(0, "telegram", "9", "9"), clock())
        await uow.commit()
    transport = ScriptedTransport({"9": [Unreachable("Forbidden: bot was blocked by the user")]})
    s = failing(db, transport, clock, on_unreachable=on_unreachable)
    await s.start()
    store_of(s).fail("unreachable")
    store_of(s).fail("failed")
    s.submit(await queue(db, clock, [Outbound(chat_id="9", text="x")]))
    await asyncio.wait_for(s.drain(), 10)
    await s.stop()
    assert told == ["9"]
    assert await statuses(db) == ["failed"]
    rows = await db.reader.execute_fetchall("SELECT reachable FROM people WHERE chat_id = '9'")
    assert [r[0] for r in rows] == [0]
    assert critical(caplog, "injected into on_unreachable")
    assert critical(caplog, "injected into unreachable")


class Revoked(ScriptedTransport):
    """A channel that refuses the bot's token for every call."""

    async def deliver(self, message: Outbound, edit_message_id: int | None) -> int | None:
        raise TokenRefused()


async def test_a_refused_token_stops_the_sender_and_keeps_every_row_pending(
    db: Database, clock: Clock
) -> None:
    fatal: list[Fatal] = []
    s = sender(db, Revoked(), clock, on_fatal=fatal.append)
    await s.start()
    messages = [Outbound(chat_id=str(i), text=f"m{i}") for i in range(3)]
    messages.append(Outbound(chat_id="1", text="answer", kind=Kind.ANSWER, callback_id="q"))
    s.submit(await queue(db, clock, messages))
    await asyncio.wait_for(s.refused.wait(), 10)
    await s.stop()
    assert len(fatal) == 1 and isinstance(fatal[0], TokenRefused)
    rows = await db.reader.execute_fetchall("SELECT status, attempts FROM outbox")
    assert [tuple(r) for r in rows] == [("pending", 0)] * 4
