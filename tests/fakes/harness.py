"""Helpers for e2e tests: a started fake server, and a PTB Application polling it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram.ext import Application

from tests.fakes.botapi import FakeBotAPI


@asynccontextmanager
async def fake_bot_api(
    token: str = "123:ABC", bot_username: str = "minqing_test_bot"
) -> AsyncIterator[FakeBotAPI]:
    """A started FakeBotAPI, stopped on exit."""
    async with FakeBotAPI(token=token, bot_username=bot_username) as server:
        yield server


@asynccontextmanager
async def polling(
    app: Application[Any, Any, Any, Any, Any, Any], poll_timeout: int = 5
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """Initialize, start and long-poll app until exit, then stop it cleanly."""
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=poll_timeout)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
