"""`bot.py run --workers N` as the operator (or systemd) runs it: the supervisor starts N real
workers against the fake Bot API, starts again one that is SIGKILLed, stops them all on SIGTERM
(exit 0), stops them all on a worker's fatal exit (its code, no restart loop), and refuses what N
workers cannot do (SQLite, Telegram polling) with one line."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from pathlib import Path

import pytest

from cli.main import main
from tests.e2e.test_bot_process_e2e import ROOT, TOKEN, WRONG, BotRun
from tests.fakes import FakeBotAPI

STARTED = re.compile(r"worker (\d+)/(\d+) started \(pid (\d+)\)")


async def start_workers(
    tmp_path: Path, api_url: str, token: str, workers: int, **settings: str
) -> BotRun:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINQING_")}
    env.update(
        MINQING_BOT_TOKEN=token,
        MINQING_TELEGRAM_API_URL=api_url,
        MINQING_DATABASE=str(tmp_path / "m.db"),
        PTB_TIMEDELTA="1",
    )
    env.update(settings)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        "run",
        "--workers",
        str(workers),
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    return BotRun(proc)


def pids(run: BotRun) -> list[int]:
    """The workers' pids, in the order they were started."""
    return [int(m.group(3)) for line in run.lines if (m := STARTED.search(line))]


def alive(pid: int) -> bool:
    """Whether a process of this id exists (the supervisor reaps its workers)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def stopped_cleanly(run: BotRun) -> None:
    """SIGTERM to the supervisor: exit 0, every worker gone, no traceback."""
    run.proc.send_signal(signal.SIGTERM)
    code = await run.exit_code()
    assert code == 0, run.text[-3000:]
    assert "Traceback" not in run.text, run.text[-3000:]
    assert not [pid for pid in pids(run) if alive(pid)]
    assert "every worker stopped" in run.text


async def test_a_killed_worker_is_started_again_and_sigterm_stops_it(tmp_path: Path) -> None:
    async with FakeBotAPI(token=TOKEN) as server:
        run = await start_workers(tmp_path, server.api_url, TOKEN, 1)
        try:
            await run.wait_for("[worker 1/1] minqing: ready in")
            [first] = pids(run)
            os.kill(first, signal.SIGKILL)
            await run.wait_for(f"worker 1/1 (pid {first}) died (killed by SIGKILL)")
            await run.wait_for("[worker 1/1] minqing: ready in", count=2)
            assert not alive(first) and alive(pids(run)[1])
            await stopped_cleanly(run)
        finally:
            if run.proc.returncode is None:
                run.proc.kill()
    assert len(pids(run)) == 2


async def test_a_worker_that_fails_fatally_stops_the_supervisor_without_restarts(
    tmp_path: Path,
) -> None:
    async with FakeBotAPI(token=TOKEN) as server:
        run = await start_workers(tmp_path, server.api_url, WRONG, 1)
        code = await run.exit_code()
    assert code == 2, run.text[-3000:]
    assert len(pids(run)) == 1, run.text[-3000:]  # not started again
    assert "stopped with exit code 2 (settings or a refused token)" in run.text
    assert WRONG.partition(":")[2] not in run.text


async def test_two_workers_on_postgresql_one_killed_then_all_stopped(
    tmp_path: Path, pg_schema: tuple[str, str]
) -> None:
    url, schema = pg_schema
    async with FakeBotAPI(token=TOKEN) as server:
        run = await start_workers(
            tmp_path,
            server.api_url,
            TOKEN,
            2,
            MINQING_DATABASE=f"{url}?search_path={schema}",
            MINQING_WEBHOOK_URL="https://bot.example.org",
            MINQING_HTTP_PORT=str(free_port()),
        )
        try:
            await run.wait_for("minqing: ready in", count=2)
            first = pids(run)
            assert len(first) == 2 and all(alive(pid) for pid in first)
            os.kill(first[1], signal.SIGKILL)
            await run.wait_for("minqing: ready in", count=3)
            now = pids(run)
            assert len(now) == 3 and alive(first[0]) and not alive(first[1]) and alive(now[2])
            assert f"worker 2/2 started (pid {now[2]})" in run.text
            await stopped_cleanly(run)
        finally:
            if run.proc.returncode is None:
                run.proc.kill()


@pytest.mark.parametrize(
    ("database", "said"),
    [
        ("sqlite", "minqing: MINQING_DATABASE: --workers 2 needs PostgreSQL"),
        ("postgresql", "minqing: MINQING_WEBHOOK_URL: --workers 2 with Telegram needs webhook"),
    ],
)
def test_n_workers_refuse_sqlite_and_telegram_polling(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    database: str,
    said: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in [k for k in os.environ if k.startswith("MINQING_") and k != "MINQING_STRICT_TEXTS"]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("MINQING_BOT_TOKEN", TOKEN)
    where = "postgresql://nobody@127.0.0.1:1/none" if database == "postgresql" else "m.db"
    monkeypatch.setenv("MINQING_DATABASE", where)
    assert main(["run", "--workers", "2"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(said), err
    assert not (tmp_path / "m.db").exists()  # refused before anything opened the database
