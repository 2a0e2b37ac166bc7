"""The database failing while updates are handled: an update that could not be handled (not even
answered with an apology) is logged at CRITICAL and fetched again, never confirmed and lost."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import pytest

from core.ports import UnitOfWorkFactory
from tests.e2e.conftest import RunningBot


class Broken:
    """A unit of work that cannot begin, as on a failing disk."""

    async def __aenter__(self) -> Any:
        raise sqlite3.OperationalError("disk I/O error (injected)")

    async def __aexit__(self, *exc: object) -> None:
        return None


class FlakyUnits:
    """The unit-of-work factory (a port core owns) whose next units fail to open."""

    def __init__(self, real: UnitOfWorkFactory, failures: int) -> None:
        self.real, self.failures = real, failures

    def __call__(self) -> Any:
        if self.failures > 0:
            self.failures -= 1
            return Broken()
        return self.real()


async def test_an_update_the_database_failed_is_fetched_again_not_lost(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    resident = bot.server.user(2001, "王小明")
    # Handling fails, and so does the apology's own transaction, twice over.
    bot.service.open_unit = FlakyUnits(bot.service.open_unit, failures=4)
    update = await resident.send_command("/start")
    welcome = await resident.wait_text("民情直通车", timeout=20)
    assert welcome is not None
    assert await bot.rows(
        "SELECT count(*) FROM processed_updates WHERE update_id = ?", update["update_id"]
    ) == [(1,)]
    failed = [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.CRITICAL and "disk I/O error" in r.getMessage()
    ]
    assert failed and f"update {update['update_id']}" in failed[0], failed
    assert len([m for m in resident.messages if "民情直通车" in (m.text or "")]) == 1
