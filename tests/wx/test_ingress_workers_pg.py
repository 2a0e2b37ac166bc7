"""The channels' ingress on PostgreSQL with several workers: each worker a pool of its own (its
own connections, as a separate process has), two on one schema in one event loop. A chat is
held by one worker at a time: every row handled once, each chat's rows in order and never two
at once; a worker that dies keeps its chats only until their lease runs out, one that stops
gives them back at once."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from core.messages import Inbound
from handlers.ingress_worker import IngressWorker
from storage.ingress import Recorded
from storage.pg import PgDatabase
from storage.pg_ingress import LEASE, PgIngressStore

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
WITHIN = 10.0


async def nothing(inbound: Inbound) -> list[int]:
    raise AssertionError("convert returns None: nothing reaches core here")


def worker(store: PgIngressStore, convert: Callable[[Recorded], Any]) -> IngressWorker:
    return IngressWorker(
        store, convert, nothing, lambda ids: None, lambda: NOW, rescan_every=0.5, backoff=0.01
    )


async def test_two_workers_share_the_chats_each_row_once_in_order(
    pg_schema: tuple[str, str],
) -> None:
    url, schema = pg_schema
    dbs = [await PgDatabase.open(url, schema=schema, size=4) for _ in range(2)]
    stores = [PgIngressStore(db, "wechat", chats=4) for db in dbs]
    chats = [f"o_{n}" for n in range(8)]
    recorder = stores[0]
    for round_ in range(3):  # interleaved: every chat's first three, before the workers start
        for chat in chats:
            await recorder.record(f"m:{chat}:{round_}", chat, "{}", "message", NOW)
    busy: dict[str, str] = {}
    overlaps: list[tuple[str, str]] = []
    seen: list[tuple[str, str, int]] = []
    started: set[str] = set()
    both = asyncio.Event()
    total = 6 * len(chats)
    done = asyncio.Event()

    def converter(name: str, db: PgDatabase) -> Callable[[Recorded], Any]:
        async def convert(row: Recorded) -> Inbound | None:
            started.add(name)
            if len(started) == 2:
                both.set()
            await both.wait()  # each worker holds its first chats before any is handled
            if row.chat_id in busy:
                overlaps.append((row.chat_id, name))
            busy[row.chat_id] = name
            await db.reader.fetchone("SELECT 1")  # a round trip: the other worker goes on
            del busy[row.chat_id]
            seen.append((name, row.chat_id, row.id))
            if len(seen) >= total:
                done.set()
            return None

        return convert

    workers = [worker(s, converter(n, db)) for s, n, db in zip(stores, "ab", dbs, strict=True)]
    try:
        for w in workers:
            w.start()
        async with asyncio.timeout(WITHIN):
            await both.wait()
        for round_ in range(3, 6):  # more while they work, each worker told of each
            for chat in chats:
                await recorder.record(f"m:{chat}:{round_}", chat, "{}", "message", NOW)
                for w in workers:
                    w.wake()
        async with asyncio.timeout(WITHIN):
            await done.wait()
            for w in workers:
                await w.drain()
    finally:
        for w in workers:
            await w.stop()
    assert overlaps == []
    ids = [row_id for _, _, row_id in seen]
    assert len(ids) == total and len(set(ids)) == total  # every row handled, once
    by_chat: dict[str, list[int]] = defaultdict(list)
    for _, chat, row_id in seen:
        by_chat[chat].append(row_id)
    assert all(got == sorted(got) for got in by_chat.values())  # each chat's in order
    assert {name for name, _, _ in seen} == {"a", "b"}
    async with dbs[0].pool.acquire() as conn:
        left = await conn.fetchval(
            "SELECT count(*) FROM ingress WHERE handled_at IS NULL OR leased_by IS NOT NULL"
        )
    assert left == 0
    for db in dbs:
        await db.close()


async def test_a_dead_workers_chat_goes_to_another_once_its_lease_runs_out(
    pg_schema: tuple[str, str],
) -> None:
    url, schema = pg_schema
    dead_db, live_db = [await PgDatabase.open(url, schema=schema, size=2) for _ in range(2)]
    real = [NOW]
    dead = PgIngressStore(dead_db, "wechat", real=lambda: real[0])
    for n in range(3):
        await dead.record(f"m:{n}", "o_1", "{}", "message", NOW)
    await dead.record("m:other", "o_2", "{}", "message", NOW)
    claimed = await dead.pending()
    assert [r.chat_id for r in claimed] == ["o_1", "o_1", "o_1", "o_2"]
    await dead.handled(claimed[0].id, NOW)  # it handled one, then was killed
    dead_db.pool.terminate()  # its connections drop as a SIGKILL drops them
    live = PgIngressStore(live_db, "wechat", real=lambda: real[0])
    seen: list[int] = []

    async def convert(row: Recorded) -> Inbound | None:
        seen.append(row.id)
        return None

    taker = worker(live, convert)
    taker.start()
    try:
        async with asyncio.timeout(WITHIN):
            await taker.drain()
            assert seen == []  # the chats are the dead worker's until its lease runs out
            real[0] = NOW + LEASE - timedelta(milliseconds=1)
            await taker.drain()
            assert seen == []
            real[0] = NOW + LEASE
            await taker.drain()
    finally:
        await taker.stop()
    # The rest (o_1's in order), the handled one not again.
    assert sorted(seen) == [r.id for r in claimed[1:]]
    assert [i for i in seen if i != claimed[3].id] == [claimed[1].id, claimed[2].id]
    await live_db.close()


async def test_a_worker_that_stops_gives_its_chats_back_at_once(
    pg_schema: tuple[str, str],
) -> None:
    url, schema = pg_schema
    dbs = [await PgDatabase.open(url, schema=schema, size=2) for _ in range(2)]
    first, second = (PgIngressStore(db, "wecom") for db in dbs)
    await first.record("m:1", "zhang", "{}", None, NOW)
    await first.record("m:2", "zhang", "{}", None, NOW)
    gate, in_hand = asyncio.Event(), asyncio.Event()
    got: list[tuple[str, int]] = []

    async def stuck(row: Recorded) -> Inbound | None:
        got.append(("first", row.id))
        in_hand.set()
        await gate.wait()  # never set: it is stopped while handling
        return None

    async def convert(row: Recorded) -> Inbound | None:
        got.append(("second", row.id))
        return None

    holder = worker(first, stuck)
    holder.start()
    taker = worker(second, convert)
    try:
        async with asyncio.timeout(WITHIN):
            await in_hand.wait()  # the holder has the chat's first row in hand
            assert await second.pending() == []
            await holder.stop()
            taker.start()
            await taker.drain()
    finally:
        await holder.stop()
        await taker.stop()
    ids = [r for _, r in got]
    assert got[0][0] == "first" and [w for w, _ in got[1:]] == ["second", "second"]
    assert ids[1:] == sorted(ids[1:]) and ids[0] == ids[1]
    for db in dbs:
        await db.close()


async def test_asking_again_renews_a_live_workers_lease_and_takes_its_chats_new_rows(
    pg_schema: tuple[str, str],
) -> None:
    url, schema = pg_schema
    dbs = [await PgDatabase.open(url, schema=schema, size=2) for _ in range(2)]
    real = [NOW]
    mine, other = (PgIngressStore(db, "wechat", real=lambda: real[0]) for db in dbs)
    await mine.record("m:1", "o_1", "{}", "message", NOW)
    first = await mine.pending()
    await other.record("m:2", "o_1", "{}", "message", NOW)  # recorded by the other worker
    assert await other.pending() == []  # the chat is held: its new row waits for the holder
    real[0] = NOW + LEASE / 2
    again = await mine.pending()  # the holder's next scan: its lease renewed, the new row taken
    assert [r.id for r in again] == [first[0].id, first[0].id + 1]
    real[0] = NOW + LEASE + timedelta(seconds=1)  # past the first lease, within the renewed one
    assert await other.pending() == []
    await mine.handled(again[0].id, NOW)
    await mine.handled(again[1].id, NOW)
    await other.record("m:3", "o_1", "{}", "message", NOW)
    assert [r.chat_id for r in await other.pending()] == ["o_1"]  # free again: anyone's
    for db in dbs:
        await db.close()


async def renewed(store: PgIngressStore) -> None:
    """Wait for a renewal that began after now to end (polled; the caller's deadline)."""
    seen = store.renewals
    while True:
        if store.renewals > seen + 1:
            return
        await asyncio.sleep(0.005)


async def test_a_slow_live_worker_keeps_its_chats_across_several_leases(
    pg_schema: tuple[str, str],
) -> None:
    url, schema = pg_schema
    dbs = [await PgDatabase.open(url, schema=schema, size=3) for _ in range(2)]
    real = [NOW]
    mine = PgIngressStore(dbs[0], "wechat", real=lambda: real[0], heartbeat=0.01)
    other = PgIngressStore(dbs[1], "wechat", real=lambda: real[0])
    for n in range(2):
        await mine.record(f"m:{n}", "o_1", "{}", "message", NOW)
    async with dbs[0].pool.acquire() as conn:
        ids = [r[0] for r in await conn.fetch("SELECT id FROM ingress ORDER BY id")]
    entered, go = asyncio.Event(), asyncio.Event()
    seen: list[int] = []

    async def slow(row: Recorded) -> Inbound | None:
        entered.set()
        await go.wait()  # a turn that outlasts several leases
        seen.append(row.id)
        return None

    # No scan renews the lease here (the next is an hour away): the heartbeat must.
    holder = IngressWorker(mine, slow, nothing, lambda ids: None, lambda: NOW, rescan_every=3600)
    holder.start()
    try:
        async with asyncio.timeout(WITHIN):
            await entered.wait()
            for _ in range(8):  # four leases pass
                real[0] += LEASE / 2
                await renewed(mine)  # a whole renewal after the step
                assert await other.pending() == []  # still the live worker's
            go.set()
            await holder.drain()
    finally:
        await holder.stop()
    assert seen == ids  # each once, in order, by the live worker
    assert await other.pending() == []
    for db in dbs:
        await db.close()


ROOT = Path(__file__).resolve().parents[2]
CLAIMER = """
import asyncio, sys
from storage.pg import PgDatabase
from storage.pg_ingress import PgIngressStore

async def main() -> None:
    db = await PgDatabase.open(sys.argv[1], schema=sys.argv[2], size=1)
    rows = await PgIngressStore(db, "wechat").pending()
    print(" ".join(str(r.id) for r in rows), flush=True)
    await asyncio.Event().wait()  # holds the chats until killed

asyncio.run(main())
"""


async def test_a_sigkilled_worker_process_loses_its_chats_when_the_lease_ends(
    pg_schema: tuple[str, str],
) -> None:
    import signal
    import sys

    url, schema = pg_schema
    db = await PgDatabase.open(url, schema=schema, size=2)
    real = [datetime.now(UTC)]
    live = PgIngressStore(db, "wechat", real=lambda: real[0])
    for n in range(3):
        await live.record(f"m:{n}", "o_1", "{}", "message", NOW)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CLAIMER, url, schema, cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        async with asyncio.timeout(WITHIN):
            claimed = (await proc.stdout.readline()).decode().split()
        assert len(claimed) == 3
        proc.send_signal(signal.SIGKILL)
        assert await proc.wait() == -signal.SIGKILL
        assert await live.pending() == []  # its lease stands after its death
        real[0] = datetime.now(UTC) + LEASE  # past the lease it took before it was killed
        taken = await live.pending()
        assert [str(r.id) for r in taken] == claimed
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await db.close()


async def test_a_renewal_passes_over_a_row_being_written_and_renews_the_rest(
    pg_schema: tuple[str, str],
) -> None:
    url, schema = pg_schema
    db = await PgDatabase.open(url, schema=schema, size=3)
    real = [NOW]
    store = PgIngressStore(db, "wechat", real=lambda: real[0])
    for chat in ("o_1", "o_2"):
        await store.record(f"m:{chat}", chat, "{}", "message", NOW)
    rows = await store.pending()
    writer = await db.pool.acquire()
    try:
        async with writer.transaction():  # a handled mark under way holds o_1's row
            await writer.execute("SELECT 1 FROM ingress WHERE id = $1 FOR UPDATE", rows[0].id)
            real[0] = NOW + LEASE / 2
            async with asyncio.timeout(WITHIN):  # waiting here would block until the commit
                await store.renew()
        async with db.pool.acquire() as conn:
            until = dict(await conn.fetch("SELECT id, leased_until FROM ingress ORDER BY id"))
    finally:
        await db.pool.release(writer)
        await db.close()
    assert until[rows[0].id] < until[rows[1].id]  # the locked row passed over, the other renewed
