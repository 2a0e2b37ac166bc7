"""The bot as the operator runs it: `python bot.py ...` subprocesses on one database file, or
`bot.py run --workers N` in Telegram's webhook mode on one PostgreSQL schema (stress/store.py)."""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.fakes import FakeBotAPI
from tests.stress.store import Store

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123:ABC-fake"
UP_WITHIN = 30.0
WEBHOOK = "https://stress.example"  # what the bot tells Telegram; the fake posts to the port
NOT_A_FILE = "n/a on PostgreSQL"  # what `integrity` says of a schema on the server
SOUND = ("ok", NOT_A_FILE)  # the answers of `integrity` that pass
READY = "minqing: ready in"  # each worker logs it once it serves
STARTED = re.compile(r"worker (\d+)/\d+ started \(pid (\d+)\)")  # the supervisor's line


def bot_command() -> list[str]:
    """How the operator starts the bot."""
    return [sys.executable, str(ROOT / "bot.py")]


class BotProcess:
    """`bot.py run` against a fake Bot API, on one database file; killed and restarted at will.
    On PostgreSQL, `bot.py run --workers N` in webhook mode: the fake posts the updates to the
    workers' shared port, as Telegram through a reverse proxy would."""

    def __init__(
        self,
        server: FakeBotAPI,
        database: Path | Store,
        coordinators: Sequence[int],
        workdir: Path,
    ) -> None:
        self.server, self.workdir = server, workdir
        self.store = database if isinstance(database, Store) else Store.sqlite(database)
        self.coordinators = tuple(coordinators)
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0
        self.kills = 0
        self.log = workdir / "bot.log"
        self.port = free_port() if self.store.postgres else 0
        self.rng = random.Random(workdir.name)
        self.killed_worker, self.ready_before = 0, 0
        if self.store.postgres:
            server.webhook.keep_alive = False  # a connection per post: every worker gets some
            server.webhook.deliver_to(f"http://127.0.0.1:{self.port}")

    @property
    def database(self) -> Path:
        """The SQLite file (the parts that read the file itself run on SQLite only)."""
        assert self.store.path is not None, "not a SQLite file"
        return self.store.path

    def env(self) -> dict[str, str]:
        """The environment of every bot.py command: the fake's URL, the database, the
        coordinators; on PostgreSQL the webhook and the workers' port too."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("MINQING_")}
        env.update(
            MINQING_BOT_TOKEN=TOKEN,
            MINQING_TELEGRAM_API_URL=self.server.api_url,
            MINQING_DATABASE=self.store.setting(),
            MINQING_COORDINATORS=",".join(str(c) for c in self.coordinators),
            MINQING_LOG_LEVEL="INFO",
            PYTHONPATH=str(ROOT),
        )
        if self.store.postgres:
            env.update(
                MINQING_WEBHOOK_URL=WEBHOOK,
                MINQING_HTTP_HOST="127.0.0.1",
                MINQING_HTTP_PORT=str(self.port),
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
        """Start `bot.py run` (with --workers on PostgreSQL) and wait until it polls, or until
        every worker is ready; returns how long that took (seconds)."""
        if self.proc is not None and self.store.postgres and self.killed_worker:
            return await self._worker_back()
        assert self.proc is None, "already running"
        if database is not None:
            self.store = Store.sqlite(database)
        started = time.perf_counter()
        polls_before = len(self.server.calls("getUpdates"))
        workers = ("--workers", str(self.store.workers)) if self.store.postgres else ()
        with self.log.open("ab") as log:
            log.write(f"--- start {self.starts + 1}\n".encode())
            offset = log.tell()
            self.proc = await asyncio.create_subprocess_exec(
                *bot_command(),
                "run",
                *workers,
                cwd=self.workdir,
                env=self.env(),
                stdout=log,
                stderr=log,
            )
        deadline = time.perf_counter() + UP_WITHIN * (2 if self.store.postgres else 1)
        polling = self.server.queue
        while not self._up(polls_before, offset, polling.polling):
            if self.proc.returncode is not None or time.perf_counter() > deadline:
                tail = self.log.read_text(errors="replace")[-2000:]
                code = self.proc.returncode
                raise RuntimeError(f"the bot did not come up (exit {code}):\n{tail}")
            await asyncio.sleep(0.05)  # the log and the fake's record are all a subprocess gives
        self.starts += 1
        return time.perf_counter() - started

    def _up(self, polls_before: int, offset: int, polling: bool) -> bool:
        """Polling (one process), or every worker ready and the webhook set (PostgreSQL)."""
        if not self.store.postgres:
            return len(self.server.calls("getUpdates")) > polls_before or polling
        with self.log.open("rb") as log:
            log.seek(offset)
            ready = log.read().decode(errors="replace").count(READY)
        return ready >= self.store.workers and bool(self.server.webhook.url)

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as after a power cut or the OOM killer. With
        workers, of one worker at random (`start` then waits for the supervisor to start it
        again)."""
        if self.store.postgres:
            return await self._kill_worker()
        proc, self.proc = self.proc, None
        assert proc is not None, "not running"
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
        self.kills += 1

    def _log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    async def _kill_worker(self) -> None:
        """SIGKILL one live worker, chosen at random (seeded: the same run kills the same)."""
        assert self.proc is not None, "not running"
        text = self._log_text()
        pids = {int(m.group(1)): int(m.group(2)) for m in STARTED.finditer(text)}
        worker, pid = self.rng.choice(sorted(pids.items()))
        self.ready_before = text.count(READY)
        os.kill(pid, signal.SIGKILL)
        self.killed_worker = worker
        self.kills += 1

    async def _worker_back(self) -> float:
        """Until the supervisor has started the killed worker again and it is ready."""
        started = time.perf_counter()
        deadline = started + UP_WITHIN * 2
        while self._log_text().count(READY) <= self.ready_before:
            assert self.proc is not None
            if self.proc.returncode is not None or time.perf_counter() > deadline:
                raise RuntimeError(f"worker {self.killed_worker} did not come back; see {self.log}")
            await asyncio.sleep(0.05)  # the log is all a subprocess gives
        self.killed_worker = 0
        self.starts += 1
        return time.perf_counter() - started

    async def stop(self) -> int:
        """SIGTERM, as systemd stops it: the bot finishes cleanly; returns its exit code."""
        proc, self.proc = self.proc, None
        if proc is None:
            return 0
        proc.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(60):
                return await proc.wait()
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise RuntimeError("the bot did not stop within 60 s of SIGTERM") from None


def free_port() -> int:
    """A port nobody listens on now: the workers' shared port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def integrity(where: Path | Store, scratch: Path) -> str:
    """PRAGMA integrity_check of a database as the next start will find it: a copy of the file
    with its WAL and shared memory, so the check itself changes nothing the restart sees. A
    PostgreSQL schema is no file a kill can tear: NOT_A_FILE (the server keeps its own pages)."""
    if isinstance(where, Store):
        if where.postgres:
            return NOT_A_FILE
        assert where.path is not None
        where = where.path
    path = where
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


def query(where: Path | Store, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Rows of a read-only query on a database file or the PostgreSQL schema (a running bot may
    be writing it); `?` placeholders on both."""
    if isinstance(where, Store):
        if where.postgres:
            return where.query(sql, *params)
        assert where.path is not None
        where = where.path
    conn = sqlite3.connect(where, timeout=30)
    try:
        conn.execute("PRAGMA query_only = ON")
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]
    finally:
        conn.close()
