"""The outbox's short leases on PostgreSQL: a live sender that is slow keeps its chats however
many leases pass (its heartbeat renews them), one that dies leaves them to another as soon as
its lease ends, one that stops gives them back at once, and one cut off from the database
sends nothing it no longer surely holds. Each worker is a pool of its own; the leases' clock is
injected, and what the tests wait for is a condition polled against a deadline."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest

from core.messages import Outbound
from handlers.sender import OutboxSender
from storage.outbox import OutboxDeliveries, Pending
from storage.pg import PgDatabase, pg_unit_factory
from storage.pg_claims import PgOutboxDeliveries

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
WITHIN = 10.0  # an upper bound only
ROOT = Path(__file__).resolve().parents[2]


class Recording:
    """A channel that records what it was given; a call to a chat in `hold` waits for `go`."""

    def __init__(self, hold: str | None = None) -> None:
        self.sent: list[tuple[str, str]] = []  # (chat, text) in the order they went out
        self.hold = hold
        self.entered = asyncio.Event()
        self.go = asyncio.Event()

    async def deliver(self, message: Outbound, edit_message_id: int | None) -> int | None:
        if message.chat_id == self.hold and not self.go.is_set():
            self.entered.set()
            await self.go.wait()
        self.sent.append((message.chat_id, message.text))
        return len(self.sent)


def sender(
    store: PgOutboxDeliveries, channel: Recording, rescan_every: float = 0.05
) -> OutboxSender:
    return OutboxSender(
        cast(OutboxDeliveries, store),
        channel,
        clock=lambda: NOW,
        rate=1000,
        chat_rate=1000,
        rescan_every=rescan_every,
        backoff=0.01,
    )


async def queue(db: PgDatabase, chats: dict[str, int], at: datetime = NOW) -> list[tuple[str, str]]:
    """Queue count messages to each chat, due at `at`; returns (chat, text) as queued."""
    queued = []
    async with pg_unit_factory(db)() as uow:
        for chat, count in chats.items():
            for n in range(count):
                text = f"{chat}号第{n}条"
                await uow.outbox.add(Outbound(channel="telegram", chat_id=chat, text=text), at)
                queued.append((chat, text))
        await uow.commit()
    return queued


async def until(condition: Callable[[], bool | Awaitable[bool]]) -> None:
    """Wait until condition holds, looking every few milliseconds; fails after WITHIN."""
    async with asyncio.timeout(WITHIN):
        while True:
            found = condition()
            if not isinstance(found, bool):
                found = await found
            if found:
                return
            await asyncio.sleep(0.005)


async def renewed(store: PgOutboxDeliveries) -> None:
    """Wait for a renewal that began after now to end."""
    seen = store.renewals
    await until(lambda: store.renewals > seen + 1)


async def test_a_slow_live_sender_keeps_its_chat_across_several_leases(
    pg_schema: tuple[str, str],
) -> None:
    url, schema = pg_schema
    dbs = [await PgDatabase.open(url, schema=schema, size=3) for _ in range(2)]
    real = [NOW]
    mine, other = (
        PgOutboxDeliveries(db, "telegram", real=lambda: real[0], heartbeat=0.01) for db in dbs
    )
    queued = await queue(dbs[0], {"7": 3})
    channel = Recording(hold="7")
    live = sender(mine, channel, rescan_every=3600)  # no scan renews it: the heartbeat must
    await live.start()
    try:
        async with asyncio.timeout(WITHIN):
            await channel.entered.wait()  # its first message is out, and the call hangs
        for _ in range(8):  # four leases pass while the call hangs
            real[0] += mine.lease / 2
            await renewed(mine)  # a whole renewal after the step
            assert await other.claim(NOW) == []  # still the live sender's
        channel.go.set()
        async with asyncio.timeout(WITHIN):
            await live.drain()
    finally:
        await live.stop()
    assert channel.sent == queued  # each once, in order, by the live sender
    assert await other.claim(NOW) == []
    for db in dbs:
        await db.close()


async def test_a_dead_senders_chats_are_sent_by_another_once_its_lease_ends(
    pg_schema: tuple[str, str],
) -> None:
    url, schema = pg_schema
    dead_db, live_db, look_db = [
        await PgDatabase.open(url, schema=schema, size=2) for _ in range(3)
    ]
    real = [NOW]
    queued = await queue(dead_db, {"1": 3, "2": 1})
    dead = PgOutboxDeliveries(dead_db, "telegram", real=lambda: real[0])
    assert len(await dead.claim(NOW)) == 4
    dead_db.pool.terminate()  # its connections drop as a SIGKILL drops them
    channel = Recording()
    taker = sender(PgOutboxDeliveries(live_db, "telegram", real=lambda: real[0]), channel)
    look = PgOutboxDeliveries(look_db, "telegram", real=lambda: real[0])
    await taker.start()
    try:
        real[0] = NOW + dead.lease - timedelta(milliseconds=1)
        assert await look.claim(NOW) == []  # the dead sender's until its lease ends
        assert channel.sent == []
        real[0] = NOW + dead.lease  # then the next scan takes them
        await until(lambda: len(channel.sent) == len(queued))
    finally:
        await taker.stop()
    assert sorted(channel.sent) == sorted(queued)
    for chat in ("1", "2"):
        assert [s for s in channel.sent if s[0] == chat] == [q for q in queued if q[0] == chat]
    await live_db.close()
    await look_db.close()


async def test_a_sender_that_stops_gives_its_chats_back_at_once(
    pg_schema: tuple[str, str],
) -> None:
    url, schema = pg_schema
    dbs = [await PgDatabase.open(url, schema=schema, size=3) for _ in range(2)]
    queued = await queue(dbs[0], {"5": 2})
    channel = Recording(hold="5")
    first = PgOutboxDeliveries(dbs[0], "telegram")
    stopping = sender(first, channel)
    await stopping.start()
    async with asyncio.timeout(WITHIN):
        await channel.entered.wait()
    stop = asyncio.create_task(stopping.stop())
    await asyncio.sleep(0)  # the stop waits for the call already made
    channel.go.set()
    await stop
    assert channel.sent == queued[:1]  # the call made finished and was recorded
    rows = await PgOutboxDeliveries(dbs[1], "telegram").claim(NOW)
    assert [p.message.text for p in rows] == [queued[1][1]]  # no lease left to wait out
    for db in dbs:
        await db.close()


class CutOff(PgOutboxDeliveries):
    """A sender's store whose claims and renewals fail once `cut` (the database out of reach
    for them); its records still go through."""

    cut = False

    async def claim(
        self, now: datetime, limit: int = 100, among: list[int] | None = None
    ) -> list[Pending]:
        if self.cut:
            raise ConnectionError("the database is out of reach")
        return await super().claim(now, limit, among)

    async def renew(self) -> int:
        if self.cut:
            raise ConnectionError("the database is out of reach")
        return await super().renew()


async def test_a_sender_cut_off_from_the_database_sends_nothing_it_may_have_lost(
    pg_schema: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    url, schema = pg_schema
    dbs = [await PgDatabase.open(url, schema=schema, size=3) for _ in range(2)]
    real = [NOW]
    queued = await queue(dbs[0], {"3": 2})
    cut = CutOff(dbs[0], "telegram", real=lambda: real[0], heartbeat=0.01)
    channel = Recording(hold="3")
    late = sender(cut, channel)
    await late.start()
    try:
        async with asyncio.timeout(WITHIN):
            await channel.entered.wait()  # its first message is out, and the call hangs
        cut.cut = True
        real[0] = NOW + cut.lease  # no renewal came through: the lease ran out
        other = PgOutboxDeliveries(dbs[1], "telegram", real=lambda: real[0])
        assert len(await other.claim(NOW)) == 2  # another took the chat over
        channel.go.set()  # the call made before goes through; the next is not made
        await until(lambda: any("let go" in r.getMessage() for r in caplog.records))
    finally:
        await late.stop()
    assert channel.sent == queued[:1]
    for db in dbs:
        await db.close()


CLAIMER = """
import asyncio, sys
from datetime import timedelta
from handlers.sender import OutboxSender
from storage.pg import PgDatabase
from storage.pg_claims import PgOutboxDeliveries

class Hanging:
    async def deliver(self, message, edit_message_id):
        print("sending", flush=True)
        await asyncio.Event().wait()

async def main() -> None:
    db = await PgDatabase.open(sys.argv[1], schema=sys.argv[2], size=2)
    store = PgOutboxDeliveries(db, "telegram", lease=timedelta(seconds=1), heartbeat=0.2)
    sender = OutboxSender(store, Hanging(), clock=lambda: store.clock(), rescan_every=0.05)
    await sender.start()
    await asyncio.Event().wait()

asyncio.run(main())
"""


async def test_a_sigkilled_sender_process_loses_its_chats_within_its_lease(
    pg_schema: tuple[str, str],
) -> None:
    url, schema = pg_schema
    db = await PgDatabase.open(url, schema=schema, size=2)
    queued = await queue(db, {"8": 2, "9": 1}, datetime.now(UTC))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CLAIMER, url, schema, cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        async with asyncio.timeout(WITHIN):
            assert (await proc.stdout.readline()).strip() == b"sending"
        loop = asyncio.get_running_loop()
        store = PgOutboxDeliveries(db, "telegram")
        assert await store.claim(datetime.now(UTC)) == []  # both chats are the live process's
        proc.send_signal(signal.SIGKILL)
        assert await proc.wait() == -signal.SIGKILL
        killed = loop.time()
        channel = Recording()
        taker = OutboxSender(
            cast(OutboxDeliveries, store),
            channel,
            clock=lambda: datetime.now(UTC),
            rescan_every=0.05,
        )
        await taker.start()
        try:
            await until(lambda: len(channel.sent) == len(queued))
        finally:
            await taker.stop()
        taken_over = loop.time() - killed
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await db.close()
    assert sorted(channel.sent) == sorted(queued)
    assert taken_over < 1.0 + 2.0  # within its lease (1 s here), with room for a busy machine


async def test_a_renewal_passes_over_a_row_being_written_and_keeps_its_known_lease(
    pg_schema: tuple[str, str],
) -> None:
    url, schema = pg_schema
    db = await PgDatabase.open(url, schema=schema, size=3)
    real = [NOW]
    store = PgOutboxDeliveries(db, "telegram", clock=lambda: NOW, real=lambda: real[0])
    await queue(db, {"701": 1, "702": 1})
    first, second = await store.claim(NOW)
    writer = await db.pool.acquire()
    try:
        async with writer.transaction():  # a claim or a record under way holds 701's row
            await writer.execute("SELECT 1 FROM outbox WHERE id = $1 FOR UPDATE", first.id)
            real[0] = NOW + store.lease / 2
            async with asyncio.timeout(WITHIN):  # waiting here would block until the commit
                assert await store.renew() == 2
        async with db.pool.acquire() as conn:
            until = dict(await conn.fetch("SELECT id, leased_until FROM outbox ORDER BY id"))
    finally:
        await db.pool.release(writer)
        await db.close()
    assert until[first.id] < until[second.id]  # the locked row passed over, the other renewed
    # The passed-over row keeps the lease last known: held until its margin, not beyond.
    assert store.holds(first.id) and store.holds(second.id)
    real[0] = NOW + store.lease - store.margin
    assert not store.holds(first.id) and store.holds(second.id)


class LateClaims:
    """A worker's database whose first claim that finds the held row answers late: the
    statement has run, and before its answer arrives the send of that row completes and is
    recorded, and the sender is done with it (as when one of the worker's own sends completes
    during a scan of the table; on four workers a scan begins each time a chat is done)."""

    def __init__(self, db: PgDatabase, channel: Recording) -> None:
        self.db, self.channel = db, channel
        self.recorded = asyncio.Event()
        self.overlapped = False
        self.claims = 0  # claims answered: scans of the table

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)

    @property
    def pool(self) -> Any:
        return self

    @contextlib.asynccontextmanager
    async def acquire(self) -> AsyncIterator[Any]:
        async with self.db.pool.acquire() as conn:
            yield _LateConn(conn, self)

    async def answer_late(self, sql: str, rows: list[Any]) -> None:
        if "WITH heads" in sql:
            self.claims += 1
        if "WITH heads" in sql and rows and not self.overlapped and self.channel.entered.is_set():
            self.overlapped = True
            self.channel.go.set()
            await self.recorded.wait()
            for _ in range(10):  # the round trip's time: the sender finishes with the row
                await asyncio.sleep(0)


class _LateConn:
    def __init__(self, conn: Any, late: LateClaims) -> None:
        self.conn, self.late = conn, late

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)

    async def fetch(self, sql: str, *params: Any) -> list[Any]:
        rows = await self.conn.fetch(sql, *params)
        await self.late.answer_late(sql, rows)
        return list(rows)


class Recorded(PgOutboxDeliveries):
    """The store, saying when a delivery has been recorded."""

    late: LateClaims

    async def sent(
        self, row_id: int, message_id: int | None, now: datetime, forget: bool = False
    ) -> None:
        await super().sent(row_id, message_id, now, forget)
        self.late.recorded.set()


async def test_a_row_sent_while_a_scan_ran_is_not_sent_again(pg_schema: tuple[str, str]) -> None:
    """A scan claims the chats this worker holds again, the row out at that moment among them;
    if that row is sent and recorded before the scan's answer is taken, it must not be sent a
    second time (it was, 6 calls apart, in the stress run's faulty minute on four workers)."""
    url, schema = pg_schema
    db = await PgDatabase.open(url, schema=schema, size=3)
    channel = Recording(hold="8001")
    late = LateClaims(db, channel)
    store = Recorded(cast(PgDatabase, late), "telegram")
    store.late = late
    deliverer = sender(store, channel)
    try:
        queued = await queue(db, {"8001": 1})
        await deliverer.start()
        await until(lambda: late.overlapped)
        await until(lambda: late.recorded.is_set())
        await deliverer.drain()
        scans = late.claims
        await until(lambda: late.claims >= scans + 2)  # the late answer taken, and a scan after
        await deliverer.drain()
        assert channel.sent == queued
    finally:
        await deliverer.stop()
        await db.close()
