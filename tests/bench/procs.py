"""The bots under test as subprocesses (Minqing's bot.py, the echo bot), their memory and CPU."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123:ABC-fake"
HIDE_SNIFFIO = Path(__file__).resolve().parent / "no_sniffio"
STOP_WITHIN = 20.0


@dataclass
class BotProcess:
    """A running bot: its process, when it was spawned (bench loop time) and its log."""

    proc: asyncio.subprocess.Process
    spawned: float
    log: Path

    @property
    def pid(self) -> int:
        """The process id."""
        return self.proc.pid

    def rss_mb(self) -> float:
        """Resident memory (VmRSS) in MiB, or nan once the process is gone."""
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def cpu_seconds(self) -> float:
        """User and system CPU time the process has used so far."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks

    def errors(self) -> list[str]:
        """Logged errors and tracebacks (first lines)."""
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return [
            line
            for line in text.splitlines()
            if " ERROR " in line or " CRITICAL " in line or line.startswith("Traceback")
        ]

    async def stop(self) -> int | None:
        """SIGTERM, then SIGKILL if it does not leave in time; returns the exit code."""
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(STOP_WITHIN):
                    await self.proc.wait()
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        return self.proc.returncode


def _env(extra: dict[str, str], hide_sniffio: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINQING_")}
    env.update(extra)
    env["PTB_TIMEDELTA"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(
        [str(HIDE_SNIFFIO)] * hide_sniffio + [str(ROOT)] + env.get("PYTHONPATH", "").split(":")
    ).rstrip(os.pathsep)
    if hide_sniffio:
        env["MINQING_BENCH_HIDE_SNIFFIO"] = "1"
    return env


async def _spawn(argv: list[str], env: dict[str, str], log: Path) -> BotProcess:
    loop = asyncio.get_running_loop()
    with log.open("wb") as out:
        spawned = loop.time()
        proc = await asyncio.create_subprocess_exec(
            *argv, cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=out
        )
    return BotProcess(proc, spawned, log)


async def spawn_minqing(
    api_url: str,
    database: Path,
    log: Path,
    settings: dict[str, str],
    hide_sniffio: bool = False,
) -> BotProcess:
    """`python bot.py run` against the fake Bot API at api_url, on `database`."""
    env = _env(
        {
            "MINQING_BOT_TOKEN": TOKEN,
            "MINQING_TELEGRAM_API_URL": api_url,
            "MINQING_DATABASE": str(database),
            **settings,
        },
        hide_sniffio,
    )
    return await _spawn([sys.executable, str(ROOT / "bot.py"), "run"], env, log)


async def spawn_echo(
    api_url: str,
    log: Path,
    pool_size: int = 256,
    hide_sniffio: bool = False,
    concurrent_updates: int = 256,
) -> BotProcess:
    """The minimal PTB echo bot (tests/fakes/echo_bot.py) against the fake Bot API."""
    argv = [sys.executable, "-m", "tests.fakes.echo_bot", "--api-url", api_url, "--token", TOKEN]
    argv += ["--pool-size", str(pool_size), "--concurrent-updates", str(concurrent_updates)]
    return await _spawn(argv, _env({}, hide_sniffio), log)


def sniffio_installed() -> bool:
    """Whether sniffio can be imported here (httpcore looks for it on every request)."""
    return importlib.util.find_spec("sniffio") is not None
