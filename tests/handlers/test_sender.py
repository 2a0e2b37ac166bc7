"""The outbox sender against a scripted transport (a port we own): order, retries, resumption."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from core.messages import Kind, Outbound
from handlers.sender import OutboxSender, Rejected, RetryLater, Unreachable
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
