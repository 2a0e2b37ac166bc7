"""Stopping the ingress worker at the moment its last message is handled: the chat's worker
wakes the scanning loop as it ends, and the stop must still end the loop (Python 3.11's
wait_for swallowed the cancellation then, and the stop waited for ever)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from core.messages import Inbound
from handlers.ingress_worker import IngressWorker
from storage.db import Database
from storage.ingress import IngressStore, Recorded

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


async def nothing(inbound: Inbound) -> list[int]:
    raise AssertionError("convert returns None: nothing reaches core here")


async def test_a_stop_as_the_last_message_is_handled_ends_the_worker(db: Database) -> None:
    store = IngressStore(db, "wechat")
    total = 60
    for n in range(total):
        await store.record(f"m:{n}", f"o_{n % 6}", "{}", "message", NOW)
    seen = 0
    last = asyncio.Event()

    async def convert(row: Recorded) -> Inbound | None:
        nonlocal seen
        await db.reader.execute_fetchall("SELECT 1")
        seen += 1
        if seen == total:
            last.set()
        return None

    worker = IngressWorker(store, convert, nothing, lambda ids: None, lambda: NOW)
    worker.start()
    async with asyncio.timeout(10.0):
        await last.wait()
    stopping = asyncio.create_task(worker.stop())
    done, _ = await asyncio.wait({stopping}, timeout=5.0)
    assert stopping in done, "the stop never ended"
    await stopping
