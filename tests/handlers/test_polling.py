"""The poller confirms a batch of updates to Telegram only once every update in it is handled,
so a crash while it is being handled leaves the batch for Telegram to deliver again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, TypeHandler

from handlers.polling import ConfirmingPoller
from handlers.processor import ChatOrderedProcessor
from tests.fakes import Call, FakeBotAPI, WaitTimeout, fake_bot_api


class Gate:
    """A handler that holds every update until released."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.started: list[int] = []
        self.handled: list[int] = []
        self.all_started = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.started.append(update.update_id)
        if len(self.started) == self.expected:
            self.all_started.set()
        await self.release.wait()
        self.handled.append(update.update_id)


@asynccontextmanager
async def polled(server: FakeBotAPI, gate: Gate) -> AsyncIterator[ConfirmingPoller]:
    app: Any = (
        ApplicationBuilder()
        .token(server.token)
        .base_url(server.base_url)
        .updater(None)
        .concurrent_updates(ChatOrderedProcessor(8))
        .build()
    )
    app.add_handler(TypeHandler(Update, gate))
    async with app:
        await app.start()
        poller = ConfirmingPoller(app, ["message"], timeout=1)
        await poller.start()
        try:
            yield poller
        finally:
            gate.release.set()
            await poller.stop()
            await app.stop()
            await poller.confirm()


def confirming(update_id: int) -> Any:
    def probe(call: Call) -> bool:
        return int(call.params.get("offset", 0)) > update_id

    return probe


async def test_a_batch_is_confirmed_only_after_every_update_in_it_is_handled() -> None:
    gate = Gate(expected=2)
    async with fake_bot_api() as server, polled(server, gate):
        ann, bob = server.user(1, "Ann"), server.user(2, "Bob")
        await server.wait_until_polling()
        await ann.send_text("一")
        last = await bob.send_text("二")
        await asyncio.wait_for(gate.all_started.wait(), 10)
        # Both are being handled; PTB's Updater would have confirmed them by now.
        with pytest.raises(WaitTimeout):
            await server.wait_for_call("getUpdates", confirming(last["update_id"]), timeout=0.5)
        assert len(server.pending_updates) == 2
        gate.release.set()
        await server.wait_for_call("getUpdates", confirming(last["update_id"]))
        assert server.pending_updates == []
        assert sorted(gate.handled) == sorted(gate.started)


async def test_a_stop_confirms_what_was_handled() -> None:
    gate = Gate(expected=1)
    async with fake_bot_api() as server:
        async with polled(server, gate):
            ann = server.user(1, "Ann")
            await server.wait_until_polling()
            await ann.send_text("一")
            await asyncio.wait_for(gate.all_started.wait(), 10)
        assert gate.handled == gate.started
        assert server.pending_updates == []


async def test_an_update_that_cannot_be_read_is_skipped_and_polling_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    gate = Gate(expected=2)
    gate.release.set()  # handled at once
    async with fake_bot_api() as server, polled(server, gate):
        ann = server.user(1, "Ann")
        await server.wait_until_polling()
        # A poll without fields PTB requires: PTB cannot read it, nor the batch it is in.
        unreadable = await ann.send_message(poll={"id": "1", "question": "?", "options": []})
        first = await ann.send_text("一")
        await server.wait_for_call("getUpdates", confirming(first["update_id"]))
        second = await ann.send_text("二")
        await server.wait_for_call("getUpdates", confirming(second["update_id"]))
    assert gate.handled == [first["update_id"], second["update_id"]]
    assert f"skipping update {unreadable['update_id']}" in caplog.text
