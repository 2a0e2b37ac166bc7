"""`minqing run --workers N`: a small supervisor of N worker processes.

Each worker is the ordinary `minqing run` (same settings, same working directory), with
MINQING_WORKER=i/N in its environment; the supervisor opens no database and no channel itself.

Invariants (what a newcomer can break):
- N > 1 needs PostgreSQL (the SQLite file has one writer: one process serves it) and, with
  Telegram, webhook mode (only one process may poll the Bot API); otherwise it refuses to start,
  one line, exit 2, before any worker runs.
- A worker that dies (a signal, or any exit code other than 1 and 2) is started again after a
  back-off that doubles from FIRST_PAUSE up to LONGEST_PAUSE (handlers/supervision.py's), and
  starts afresh once a worker has run STEADY seconds; every death and restart is logged.
- A worker that exits 1 (a fatal error) or 2 (settings, a refused token) would only fail again:
  the supervisor stops every worker and exits with that code. No restart loop; its own
  supervisor (systemd) decides what comes next.
- A worker that cannot be started at all (the command missing) stops the others: exit 1.
- SIGTERM or SIGINT is forwarded to every worker; the supervisor waits for them (SIGKILL after
  GRACE seconds) and exits 0. A worker restart waiting out its back-off is called off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from config.settings import Settings, SettingsError
from handlers.supervision import FIRST_PAUSE, LONGEST_PAUSE, STEADY, pause

log = logging.getLogger(__name__)

FATAL = {1: "a fatal error", 2: "settings or a refused token"}
GRACE = 30.0  # seconds a worker has to finish after SIGTERM
WORKER = "MINQING_WORKER"  # i/N, in each worker's environment


def refusal(settings: Settings, workers: int) -> str | None:
    """Why N workers cannot run on these settings (one line naming the setting), or None."""
    if workers <= 1:
        return None
    if settings.postgres_url is None:
        return (
            f"MINQING_DATABASE: --workers {workers} needs PostgreSQL"
            " (MINQING_DATABASE=postgresql://...): the SQLite file has one writer, so one"
            " process serves it; run without --workers or with --workers 1"
        )
    webhook = getattr(settings, "webhook_url", None) or os.environ.get("MINQING_WEBHOOK_URL")
    if settings.bot_token is not None and not webhook:
        return (
            f"MINQING_WEBHOOK_URL: --workers {workers} with Telegram needs webhook mode (set"
            " MINQING_WEBHOOK_URL): in polling mode only one process may poll the Bot API"
        )
    return None


def worker_command() -> list[str]:
    """The command a worker runs: this Python, `bot.py run`."""
    return [sys.executable, "-m", "bot", "run"]


def described(code: int) -> str:
    """An exit code as words: `exit code 3`, `killed by SIGKILL`."""
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


@dataclass
class Workers:
    """N worker processes kept running until a stop or a fatal exit."""

    count: int
    command: Sequence[str] = field(default_factory=worker_command)
    first: float = FIRST_PAUSE
    longest: float = LONGEST_PAUSE
    grace: float = GRACE
    running: dict[int, asyncio.subprocess.Process] = field(default_factory=dict)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    fatal: int | None = None

    async def run(self) -> int:
        """Run the workers until SIGTERM/SIGINT (exit 0) or a fatal exit of one (its code)."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.stop)
        try:
            slots = [asyncio.create_task(self._keep(i)) for i in range(1, self.count + 1)]
            await self.stopping.wait()
            await self._forward(signal.SIGTERM)
            done = await asyncio.wait(slots, timeout=self.grace)
            if done[1]:
                log.warning("workers still running after %.0f s: killing them", self.grace)
                await self._forward(signal.SIGKILL)
                await asyncio.wait(slots)
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
        log.info("every worker stopped")
        return self.fatal or 0

    def stop(self) -> None:
        """Stop every worker (the signal handler)."""
        if not self.stopping.is_set():
            log.info("stopping the workers (%d running)", len(self.running))
            self.stopping.set()

    async def _forward(self, sig: signal.Signals) -> None:
        for proc in list(self.running.values()):
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                    proc.send_signal(sig)

    async def _keep(self, index: int) -> None:
        """Keep worker `index` running; a failure of the supervisor's own (a worker that cannot
        be started at all) stops every worker and ends it with exit code 1."""
        try:
            await self._keep_running(index)
        except Exception as e:
            log.critical(
                "worker %d/%d cannot be kept running (%s: %s): stopping every worker",
                index,
                self.count,
                type(e).__name__,
                e,
            )
            self.fatal = self.fatal or 1
            self.stop()

    async def _keep_running(self, index: int) -> None:
        """Start worker `index`, wait for it, start it again after a death."""
        loop = asyncio.get_running_loop()
        name = f"worker {index}/{self.count}"
        failures = 0
        while not self.stopping.is_set():
            env = {**os.environ, WORKER: f"{index}/{self.count}"}
            proc = await asyncio.create_subprocess_exec(*self.command, env=env)
            self.running[index] = proc
            began = loop.time()
            log.info("%s started (pid %d)", name, proc.pid)
            if self.stopping.is_set():  # a stop that came while it was being started
                proc.send_signal(signal.SIGTERM)
            code = await proc.wait()
            del self.running[index]
            if self.stopping.is_set():
                log.info("%s (pid %d) stopped: %s", name, proc.pid, described(code))
                return
            if code in FATAL:
                log.critical(
                    "%s (pid %d) stopped with exit code %d (%s): stopping every worker",
                    name,
                    proc.pid,
                    code,
                    FATAL[code],
                )
                self.fatal = self.fatal or code
                self.stop()
                return
            failures = 1 if loop.time() - began > STEADY else failures + 1
            wait = pause(failures, self.first, self.longest)
            log.critical(
                "%s (pid %d) died (%s); starting it again in %.1f s",
                name,
                proc.pid,
                described(code),
                wait,
            )
            with contextlib.suppress(TimeoutError):  # the back-off, or a stop before its end
                await asyncio.wait_for(self.stopping.wait(), wait)


def run_workers(settings: Settings, workers: int) -> int:
    """`minqing run --workers N`: refuse what cannot work, else supervise N workers."""
    why = refusal(settings, workers)
    if why is not None:
        raise SettingsError(why)
    return asyncio.run(Workers(workers).run())
