"""The bot as the operator runs it: `python bot.py ...` subprocesses on one database file."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sqlite3
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.fakes import FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123:ABC-fake"
UP_WITHIN = 30.0


def bot_command() -> list[str]:
    """How the operator starts the bot."""
    return [sys.executable, str(ROOT / "bot.py")]


class BotProcess:
    """`bot.py run` against a fake Bot API, on one database file; killed and restarted at will."""

    def __init__(
        self, server: FakeBotAPI, database: Path, coordinators: Sequence[int], workdir: Path
    ) -> None:
        self.server, self.database, self.workdir = server, database, workdir
        self.coordinators = tuple(coordinators)
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0
        self.kills = 0
        self.log = workdir / "bot.log"

    def env(self) -> dict[str, str]:
        """The environment of every bot.py command: the fake's URL, the file, the coordinators."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("MINQING_")}
        env.update(
            MINQING_BOT_TOKEN=TOKEN,
            MINQING_TELEGRAM_API_URL=self.server.api_url,
            MINQING_DATABASE=str(self.database),
            MINQING_COORDINATORS=",".join(str(c) for c in self.coordinators),
            MINQING_LOG_LEVEL="INFO",
            PYTHONPATH=str(ROOT),
        )
        return env

    async def cli(self, *args: str, database: Path | None = None) -> str:
        """Run one bot.py command to its end; returns its output, raises if it failed."""
        env = self.env()
        if database is not None:
            env["MINQING_DATABASE"] = str(database)
        proc = await asyncio.create_subprocess_exec(
            *bot_command(),
            *args,
            cwd=self.workdir,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"bot.py {' '.join(args)} exited {proc.returncode}: {err.decode()}")
        return out.decode()

    async def start(self, database: Path | None = None) -> float:
        """Start `bot.py run` and wait until it polls; returns how long that took (seconds)."""
        assert self.proc is None, "already running"
        if database is not None:
            self.database = database
        started = time.perf_counter()
        polls_before = len(self.server.calls("getUpdates"))
        with self.log.open("ab") as log:
            log.write(f"--- start {self.starts + 1}\n".encode())
            self.proc = await asyncio.create_subprocess_exec(
                *bot_command(),
                "run",
                cwd=self.workdir,
                env=self.env(),
                stdout=log,
                stderr=log,
            )
        deadline = time.perf_counter() + UP_WITHIN
        polling = self.server.queue
        while len(self.server.calls("getUpdates")) <= polls_before and not polling.polling:
            if self.proc.returncode is not None or time.perf_counter() > deadline:
                tail = self.log.read_text(errors="replace")[-2000:]
                code = self.proc.returncode
                raise RuntimeError(f"the bot did not come up (exit {code}):\n{tail}")
            await asyncio.sleep(0.05)
        self.starts += 1
        return time.perf_counter() - started

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as after a power cut or the OOM killer."""
        proc, self.proc = self.proc, None
        assert proc is not None, "not running"
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
        self.kills += 1

    async def stop(self) -> int:
        """SIGTERM, as systemd stops it: the bot finishes cleanly; returns its exit code."""
        proc, self.proc = self.proc, None
        if proc is None:
            return 0
        proc.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(30):
                return await proc.wait()
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise RuntimeError("the bot did not stop within 30 s of SIGTERM") from None


def integrity(path: Path, scratch: Path) -> str:
    """PRAGMA integrity_check of a database as the next start will find it: a copy of the file
    with its WAL and shared memory, so the check itself changes nothing the restart sees."""
    scratch.mkdir(parents=True, exist_ok=True)
    copy = scratch / path.name
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        target = Path(f"{copy}{suffix}")
        target.unlink(missing_ok=True)
        if source.exists():
            shutil.copyfile(source, target)
    conn = sqlite3.connect(copy)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    return "; ".join(str(r[0]) for r in rows)


def query(path: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Rows of a read-only query on a database file (a running bot may be writing it)."""
    conn = sqlite3.connect(path, timeout=30)
    try:
        conn.execute("PRAGMA query_only = ON")
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]
    finally:
        conn.close()
