"""A message Telegram rejects (400) never vanishes: its row stays with the reason, it is logged,
and `python bot.py outbox --failed` lists it."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.messages import Outbound
from tests.e2e.conftest import RunningBot, barrier

ROOT = Path(__file__).resolve().parents[2]


def outbox_command(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINQING_")}
    env["MINQING_DATABASE"] = str(database)
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "outbox", *args],
        cwd=database.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_a_rejected_message_is_kept_logged_and_listed(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.clock.now = datetime.now(UTC)  # `bot.py outbox` looks back from the real now
    resident = bot.server.user(1701, "王小明")
    await barrier(resident)
    # What core decided, and Telegram refuses: over 4,096 characters.
    async with bot.service.open_unit() as uow:
        row = await uow.outbox.add(
            Outbound(chat_id=str(resident.id), text="很长的回复" * 1000, case_id=None), bot.clock()
        )
        await uow.commit()
    assert bot.channel.sender is not None
    bot.channel.sender.submit([row])
    await bot.drain()
    assert await bot.rows("SELECT status, error FROM outbox WHERE id = ?", row) == [
        ("failed", "Message is too long")
    ]
    assert any(
        r.levelno >= logging.WARNING and f"outbox {row}" in r.getMessage() for r in caplog.records
    )
    await bot.stop()

    listed = outbox_command(bot.path, "--failed")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0] == "last 7 days: 0 waiting, 1 sent, 1 given up", lines  # and /help's answer
    (given_up,) = [line for line in lines if line.startswith(f"{row} ")]
    assert f"chat {resident.id}" in given_up and "Message is too long" in given_up
    assert "很长" not in listed.stdout  # the text may quote a resident: never shown

    counted = outbox_command(bot.path)
    assert counted.stdout.splitlines() == [lines[0]]


def test_the_outbox_command_explains_itself(tmp_path: Path) -> None:
    helped = outbox_command(tmp_path / "m.db", "--help")
    assert helped.returncode == 0
    for option in ("--failed", "--days", "--limit"):
        assert option in helped.stdout
    refused = outbox_command(tmp_path / "m.db", "--days", "0")
    assert refused.returncode == 2
    assert refused.stderr.strip() == "minqing: --days and --limit must be at least 1"
