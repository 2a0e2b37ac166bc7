"""The outbox sender against a scripted transport (a port we own): order, retries, resumption."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterable

from core.messages import Kind, Outbound
from handlers.sender import OutboxSender, RateLimiter, Rejected, RetryLater, Unreachable
from storage.db import Database
from storage.outbox import OutboxStore
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


def sender(db: Database, transport: ScriptedTransport, **kw: object) -> OutboxSender:
    fast = {"rate": 1000.0, "chat_rate": 1000.0, "chat_burst": 1000.0, "backoff": 0.01}
    return OutboxSender(OutboxStore(db, "telegram"), transport, **(fast | kw))  # type: ignore[arg-type]


async def test_delivers_in_order_per_chat_across_chats(db: Database, clock: Clock) -> None:
    transport = ScriptedTransport()
    s = sender(db, transport)
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
    s = sender(db, transport)
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
    s = sender(db, transport, on_unreachable=on_unreachable)
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
    s = sender(db, transport)
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


async def test_a_new_sender_resumes_what_the_last_one_left(db: Database, clock: Clock) -> None:
    await queue(db, clock, [Outbound(chat_id="1", text="left behind")])
    transport = ScriptedTransport()
    s = sender(db, transport)
    await s.start()
    await asyncio.wait_for(s.drain(), 10)
    await s.stop()
    assert transport.delivered == [("1", "left behind")]


async def test_edits_find_the_message_sent_under_their_key(db: Database, clock: Clock) -> None:
    transport = ScriptedTransport()
    s = sender(db, transport)
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
    """Before each new message, checks that every earlier one is already recorded as sent: a
    crash at any moment then repeats at most the one message being sent."""

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.unrecorded_before: list[int] = []

    async def deliver(self, message: Outbound, edit_message_id: int | None) -> int | None:
        rows = await self.db.reader.execute_fetchall(
            "SELECT json_extract(payload, '$.text') FROM outbox WHERE status = 'pending'"
        )
        out = {text for _, text in self.delivered}
        self.unrecorded_before.append(sum(1 for (text,) in rows if text in out))
        for _ in range(3):
            await asyncio.sleep(0)  # a round trip: other chats' workers get to run
        return await super().deliver(message, edit_message_id)


async def test_one_new_message_is_out_unrecorded_at_a_time(db: Database, clock: Clock) -> None:
    transport = RecordChecking(db)
    s = sender(db, transport)
    await s.start()
    ids = await queue(db, clock, [Outbound(chat_id=str(i % 5), text=f"m{i}") for i in range(20)])
    s.submit(ids)
    await asyncio.wait_for(s.drain(), 10)
    await s.stop()
    assert len(transport.delivered) == 20
    assert transport.unrecorded_before == [0] * 20


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
    s = sender(db, transport, slow_send=0.05)
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
