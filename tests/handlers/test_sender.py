"""The outbox sender against a scripted transport (a port we own): order, retries, resumption."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import cast

import pytest

from core.messages import Kind, Outbound
from handlers.delivery import RateLimiter, Rejected, RetryLater, Unreachable
from handlers.sender import OutboxSender
from storage.db import Database, to_ms
from storage.outbox import OutboxDeliveries
from storage.unit_of_work import unit_factory
from tests.support import Clock


class ScriptedTransport:
    """Delivers, or raises the next scripted fault for a chat."""

    def __init__(self, faults: dict[str, list[Exception]] | None = None) -> None:
        self.faults = faults or {}
        self.delivered: list[tuple[str, str]] = []
        self.edits: list[tuple[str, int | None]] = []
        self.changed = asyncio.Event()

    async def deliver(self, message: Outbound, edit_message_id: int | None) -> int | None:
        pending = self.faults.get(message.chat_id)
        if pending:
            raise pending.pop(0)
        self.delivered.append((message.chat_id, message.text))
        if message.kind == Kind.EDIT:
            self.edits.append((message.text, edit_message_id))
        return len(self.delivered)


async def queue(db: Database, clock: Clock, messages: Iterable[Outbound]) -> list[int]:
    async with unit_factory(db)() as uow:
        ids = [await uow.outbox.add(m, clock()) for m in messages]
        await uow.commit()
    return ids


async def statuses(db: Database) -> list[str]:
    rows = await db.reader.execute_fetchall("SELECT status FROM outbox ORDER BY id")
    return [r[0] for r in rows]


def sender(
    db: Database,
    transport: ScriptedTransport,
    clock: Clock,
    store: OutboxDeliveries | None = None,
    **kw: object,
) -> OutboxSender:
    """A sender at test pace, on the clock the rows were stamped with."""
    fast = {"rate": 1000.0, "chat_rate": 1000.0, "chat_burst": 1000.0, "backoff": 0.01}
    return OutboxSender(
        store or OutboxDeliveries(db, "telegram"),
        transport,
        clock=clock,
        **(fast | kw),  # type: ignore[arg-type]
    )


async def test_delivers_in_order_per_chat_across_chats(db: Database, clock: Clock) -> None:
    transport = ScriptedTransport()
    s = sender(db, transport, clock)
    await s.start()
    ids = await queue(db, clock, [Outbound(chat_id=str(i % 3), text=f"m{i}") for i in range(30)])
    s.submit(ids)
    await asyncio.wait_for(s.drain(), 10)
    await s.stop()
    for chat in "012":
        texts = [t for c, t in transport.delivered if c == chat]
        assert texts == [f"m{i}" for i in range(30) if str(i % 3) == chat]
    assert await statuses(db) == ["sent"] * 30


async def test_retry_after_and_network_errors_lose_nothing(db: Database, clock: Clock) -> None:
    transport = ScriptedTransport(
        {"1": [RetryLater("429", after=0.05), RetryLater("502"), RetryLater("dropped")]}
    )
    s = sender(db, transport, clock)
    await s.start()
    s.submit(
        await queue(db, clock, [Outbound(chat_id="1", text="a"), Outbound(chat_id="1", text="b")])
    )
    await asyncio.wait_for(s.drain(), 20)
    await s.stop()
    assert transport.delivered == [("1", "a"), ("1", "b")]
    rows = await db.reader.execute_fetchall("SELECT attempts FROM outbox ORDER BY id")
    assert [r[0] for r in rows] == [4, 1]


async def test_blocked_chat_is_marked_and_others_still_served(db: Database, clock: Clock) -> None:
    gone: list[str] = []

    async def on_unreachable(chat: str) -> None:
        gone.append(chat)

    transport = ScriptedTransport({"9": [Unreachable("Forbidden: bot was blocked by the user")]})
    s = sender(db, transport, clock, on_unreachable=on_unreachable)
    await s.start()
    async with unit_factory(db)() as uow:
        from core.models import Person

        await uow.people.add(Person(0, "telegram", "9", "9"), clock())
        await uow.commit()
    s.submit(
        await queue(
            db,
            clock,
            [
                Outbound(chat_id="9", text="x"),
                Outbound(chat_id="9", text="y"),
                Outbound(chat_id="2", text="z"),
            ],
        )
    )
    await asyncio.wait_for(s.drain(), 10)
    await s.stop()
    assert transport.delivered == [("2", "z")] and gone == ["9"]
    assert await statuses(db) == ["failed", "failed", "sent"]
    rows = await db.reader.execute_fetchall("SELECT reachable FROM people WHERE chat_id = '9'")
    assert [r[0] for r in rows] == [0]


async def test_rejected_message_does_not_block_the_chat(db: Database, clock: Clock) -> None:
    transport = ScriptedTransport({"1": [Rejected("Bad Request: message is too long")]})
    s = sender(db, transport, clock)
    await s.start()
    s.submit(
        await queue(
            db, clock, [Outbound(chat_id="1", text="bad"), Outbound(chat_id="1", text="ok")]
        )
    )
    await asyncio.wait_for(s.drain(), 10)
    await s.stop()
    assert transport.delivered == [("1", "ok")]
    assert await statuses(db) == ["failed", "sent"]


async def test_a_rejected_message_keeps_its_row_and_reason(
    db: Database, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    # Even a button's answer, whose row is otherwise forgotten once delivered: what Telegram
    # refused stays for `bot.py outbox --failed` and the coordinators' weekly digest.
    transport = ScriptedTransport(
        {"1": [Rejected("Bad Request: message is too long")], "2": [Rejected("query is too old")]}
    )
    s = sender(db, transport, clock)
    await s.start()
    answer = Outbound(chat_id="2", text="ok", kind=Kind.ANSWER, callback_id="q", forget_after=True)
    s.submit(await queue(db, clock, [Outbound(chat_id="1", text="long"), answer]))
    await asyncio.wait_for(s.drain(), 10)
    await s.stop()
    rows = await db.reader.execute_fetchall("SELECT status, error FROM outbox ORDER BY id")
    assert [tuple(r) for r in rows] == [
        ("failed", "Bad Request: message is too long"),
        ("failed", "query is too old"),
    ]
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("message is too long" in w for w in warnings), warnings


async def test_a_new_sender_resumes_what_the_last_one_left(db: Database, clock: Clock) -> None:
    await queue(db, clock, [Outbound(chat_id="1", text="left behind")])
    transport = ScriptedTransport()
    s = sender(db, transport, clock)
    await s.start()
    await asyncio.wait_for(s.drain(), 10)
    await s.stop()
    assert transport.delivered == [("1", "left behind")]


async def test_edits_find_the_message_sent_under_their_key(db: Database, clock: Clock) -> None:
    transport = ScriptedTransport()
    s = sender(db, transport, clock)
    await s.start()
    s.submit(
        await queue(
            db,
            clock,
            [
                Outbound(chat_id="1", text="notice", key="notice:1:1"),
                Outbound(chat_id="1", text="taken", kind=Kind.EDIT, edit_key="notice:1:1"),
                Outbound(chat_id="1", text="orphan", kind=Kind.EDIT, edit_key="nothing"),
            ],
        )
    )
    await asyncio.wait_for(s.drain(), 10)
    await s.stop()
    assert transport.edits == [("taken", 1)]
    assert await statuses(db) == ["sent", "sent", "failed"]


class RecordChecking(ScriptedTransport):
    """Before each new message, counts the earlier ones delivered but not yet recorded as sent:
    what a crash at that moment would send again, in all and in the message's own chat."""

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.unrecorded_before: list[int] = []
        self.unrecorded_in_chat: list[int] = []

    async def deliver(self, message: Outbound, edit_message_id: int | None) -> int | None:
        rows = await self.db.reader.execute_fetchall(
            "SELECT chat_id, json_extract(payload, '$.text') FROM outbox WHERE status = 'pending'"
        )
        out = set(self.delivered)
        unrecorded = [chat for chat, text in rows if (chat, text) in out]
        self.unrecorded_before.append(len(unrecorded))
        self.unrecorded_in_chat.append(unrecorded.count(message.chat_id))
        for _ in range(3):
            await asyncio.sleep(0)  # a round trip: other chats' workers get to run
        return await super().deliver(message, edit_message_id)


async def test_one_new_message_at_a_time_when_asked(db: Database, clock: Clock) -> None:
    transport = RecordChecking(db)
    s = sender(db, transport, clock, sends_in_flight=1)
    await s.start()
    ids = await queue(db, clock, [Outbound(chat_id=str(i % 5), text=f"m{i}") for i in range(20)])
    s.submit(ids)
    await asyncio.wait_for(s.drain(), 10)
    await s.stop()
    assert len(transport.delivered) == 20
    assert transport.unrecorded_before == [0] * 20


class Overlapping(RecordChecking):
    """Holds the first messages until `chats` calls are out at once: only a sender that lets
    several chats' messages be in flight together gets past it."""

    def __init__(self, db: Database, chats: int) -> None:
        super().__init__(db)
        self.chats = chats
        self.out = 0
        self.most = 0
        self.together = asyncio.Event()

    async def deliver(self, message: Outbound, edit_message_id: int | None) -> int | None:
        self.out += 1
        self.most = max(self.most, self.out)
        if self.out >= self.chats:
            self.together.set()
        try:
            await self.together.wait()
            return await super().deliver(message, edit_message_id)
        finally:
            self.out -= 1


async def test_many_chats_in_flight_but_one_unrecorded_message_per_chat(
    db: Database, clock: Clock
) -> None:
    # Against a Bot API 100 ms away, one send at a time caps the bot at ~7 messages a second.
    transport = Overlapping(db, chats=5)
    s = sender(db, transport, clock, slow_send=60.0)  # no hung call gives its turn up
    await s.start()
    ids = await queue(db, clock, [Outbound(chat_id=str(i % 5), text=f"m{i}") for i in range(20)])
    s.submit(ids)
    await asyncio.wait_for(s.drain(), 10)
    await s.stop()
    assert transport.most == 5
    for chat in "01234":
        assert [t for c, t in transport.delivered if c == chat] == [
            f"m{i}" for i in range(20) if str(i % 5) == chat
        ]
    assert transport.unrecorded_in_chat == [0] * 20
    assert await statuses(db) == ["sent"] * 20


def test_the_sender_has_no_clock_of_its_own(db: Database) -> None:
    # Its due times are the core's clock's: a clock of its own made the tests depend on the date.
    with pytest.raises(TypeError, match="clock"):
        OutboxSender(OutboxDeliveries(db, "telegram"), ScriptedTransport())  # type: ignore[call-arg]


async def test_the_sender_goes_by_the_clock_it_is_given(db: Database) -> None:
    far = Clock(datetime(2100, 1, 1, tzinfo=UTC))  # due then, and not a moment before
    transport = ScriptedTransport({"1": [RetryLater("429", after=0.01)]})
    s = sender(db, transport, far)
    await s.start()
    s.submit(await queue(db, far, [Outbound(chat_id="1", text="a")]))
    await asyncio.wait_for(s.drain(), 10)
    await s.stop()
    assert transport.delivered == [("1", "a")]
    rows = await db.reader.execute_fetchall("SELECT next_attempt_at, sent_at FROM outbox")
    retry_at = to_ms(far() + timedelta(seconds=0.01))
    assert [tuple(r) for r in rows] == [(retry_at, to_ms(far()))]


class Hanging(ScriptedTransport):
    """Chat "slow" hangs until released."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()

    async def deliver(self, message: Outbound, edit_message_id: int | None) -> int | None:
        if message.chat_id == "slow":
            await self.release.wait()
        result = await super().deliver(message, edit_message_id)
        self.changed.set()
        return result


async def test_a_hung_call_gives_its_turn_up(db: Database, clock: Clock) -> None:
    transport = Hanging()
    s = sender(db, transport, clock, slow_send=0.05)
    await s.start()
    s.submit(await queue(db, clock, [Outbound(chat_id="slow", text="a")]))
    s.submit(await queue(db, clock, [Outbound(chat_id="fast", text="b")]))
    await asyncio.wait_for(transport.changed.wait(), 5)
    assert transport.delivered == [("fast", "b")]
    transport.release.set()
    await asyncio.wait_for(s.drain(), 5)
    await s.stop()
    assert transport.delivered == [("fast", "b"), ("slow", "a")]


async def test_the_rate_limit_serves_waiters_in_turn() -> None:
    # Under a backlog every chat's worker waits for the shared limit: none may be passed over
    # again and again while others go round (a resident waited 26 s for one message so).
    limiter = RateLimiter(rate=500.0, burst=1.0)
    order: list[int] = []

    async def worker(n: int) -> None:
        for _ in range(10):
            await limiter.acquire()
            order.append(n)

    await asyncio.gather(*(worker(n) for n in range(4)))
    for n in range(4):
        turns = [-1] + [i for i, w in enumerate(order) if w == n]
        assert max(b - a for a, b in itertools.pairwise(turns)) <= 5, order


class StaleScan:
    """The real store, except that one armed scan answers with what it read before a delivery
    was recorded: the scan reads, a row is sent and recorded meanwhile, the answer arrives."""

    def __init__(self, store: OutboxDeliveries) -> None:
        self.store = store
        self.armed = False
        self.read = asyncio.Event()  # the armed scan has read the table
        self.answer = asyncio.Event()  # let it answer
        self.scans = 0
        self.scanned = asyncio.Event()

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)

    async def pending(self, after_id: int = 0, limit: int = 1000) -> list[object]:
        rows = await self.store.pending(after_id, limit)
        self.scans += 1
        self.scanned.set()
        if self.armed and rows:
            self.armed = False
            self.read.set()
            await self.answer.wait()
        return rows  # type: ignore[return-value]


class HeldTransport(ScriptedTransport):
    """Holds every delivery until let go."""

    def __init__(self) -> None:
        super().__init__()
        self.calling = asyncio.Event()
        self.go = asyncio.Event()

    async def deliver(self, message: Outbound, edit_message_id: int | None) -> int | None:
        self.calling.set()
        await self.go.wait()
        return await super().deliver(message, edit_message_id)


async def test_a_row_sent_while_a_scan_was_reading_is_not_sent_again(
    db: Database, clock: Clock
) -> None:
    transport = HeldTransport()
    store = StaleScan(OutboxDeliveries(db, "telegram"))
    s = sender(db, transport, clock, store=cast(OutboxDeliveries, store), rescan_every=0.01)
    await s.start()
    s.submit(await queue(db, clock, [Outbound(chat_id="1", text="m1")]))
    await asyncio.wait_for(transport.calling.wait(), 10)
    store.armed = True  # the next scan reads the row while its call is out
    await asyncio.wait_for(store.read.wait(), 10)
    transport.go.set()  # the call returns and is recorded while the scan's answer is on its way
    await asyncio.wait_for(s.drain(), 10)
    assert await statuses(db) == ["sent"]
    store.answer.set()
    seen = store.scans
    while store.scans <= seen:  # the stale answer has been taken in before the next scan
        store.scanned.clear()
        await asyncio.wait_for(store.scanned.wait(), 10)
    await asyncio.wait_for(s.drain(), 10)
    await s.stop()
    assert transport.delivered == [("1", "m1")]
