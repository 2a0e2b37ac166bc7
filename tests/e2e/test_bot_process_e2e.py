"""`python bot.py run` as the operator (or systemd) runs it, against the fake Bot API: a refused or
revoked token ends it non-zero with one line and never shows the token, even at DEBUG; no
network at start-up is waited out, one log line per attempt."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

from tests.fakes import FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:RealSecretTokenOfTheBot"
WRONG = "123456:WrongSecretTokenOfTheBot"
WITHIN = 60.0


class BotRun:
    """One `bot.py run` subprocess, its output read line by line as it comes."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self._more = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        async for raw in self.proc.stdout:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))
            self._more.set()
        self._more.set()

    async def wait_for(self, part: str, count: int = 1) -> None:
        """Until count lines hold part."""
        async with asyncio.timeout(WITHIN):
            while sum(part in line for line in self.lines) < count:
                if self._reader.done():
                    raise AssertionError(f"the bot ended first:\n{self.text}")
                self._more.clear()
                await self._more.wait()

    async def exit_code(self) -> int:
        """Wait for the process to end; its exit code."""
        async with asyncio.timeout(WITHIN):
            code = await self.proc.wait()
            await self._reader
        return code

    @property
    def text(self) -> str:
        """Everything it wrote, standard output and error together."""
        return "\n".join(self.lines)


async def start_bot(tmp_path: Path, api_url: str, token: str) -> BotRun:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINQING_")}
    env.update(
        MINQING_BOT_TOKEN=token,
        MINQING_TELEGRAM_API_URL=api_url,
        MINQING_DATABASE=str(tmp_path / "m.db"),
        MINQING_LOG_LEVEL="DEBUG",  # python-telegram-bot logs its URLs, token and all, here
        PTB_TIMEDELTA="1",
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        "run",
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    return BotRun(proc)


def assert_one_line_about_the_token(run: BotRun, code: int, secret: str) -> None:
    assert code == 2, run.text[-3000:]
    assert secret.partition(":")[2] not in run.text
    assert "Traceback" not in run.text, run.text[-3000:]
    # At DEBUG, a line of the database's thread may end up glued to it: the line's start.
    said = [line for line in run.lines if line.startswith("minqing: ")]
    assert len(said) == 1 and said[0].startswith(
        "minqing: MINQING_BOT_TOKEN: the Bot API refused the token (401 Unauthorized): it was"
        " revoked or is wrong; set the one @BotFather shows now"
    ), said


async def test_a_wrong_token_ends_the_run_with_one_line_and_never_shows_it(
    tmp_path: Path,
) -> None:
    async with FakeBotAPI(token=TOKEN) as server:
        run = await start_bot(tmp_path, server.api_url, WRONG)
        code = await run.exit_code()
    assert_one_line_about_the_token(run, code, WRONG)


async def test_a_token_revoked_while_running_ends_it_non_zero(tmp_path: Path) -> None:
    async with FakeBotAPI(token=TOKEN) as server:
        run = await start_bot(tmp_path, server.api_url, TOKEN)
        try:
            await server.wait_until_polling(WITHIN)
        except BaseException:
            run.proc.kill()
            raise
        server.revoke_token()
        code = await run.exit_code()
    assert_one_line_about_the_token(run, code, TOKEN)
    assert any(" CRITICAL " in line and "refused the token" in line for line in run.lines)


async def test_no_network_at_start_up_is_waited_out_one_line_per_attempt(
    tmp_path: Path,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    run = await start_bot(tmp_path, f"http://127.0.0.1:{port}", TOKEN)
    server = FakeBotAPI(token=TOKEN)
    try:
        await run.wait_for("cannot reach the Bot API", count=2)
        await server.start(port)
        await server.wait_until_polling(WITHIN)
        run.proc.send_signal(signal.SIGTERM)
        code = await run.exit_code()
    finally:
        if run.proc.returncode is None:
            run.proc.kill()
        await server.stop()
    assert code == 0, run.text[-3000:]
    assert "Traceback" not in run.text, run.text[-3000:]
    attempts = [line for line in run.lines if "cannot reach the Bot API" in line]
    assert len(attempts) >= 2
    assert all(" WARNING handlers.telegram_app: " in line for line in attempts), attempts
    assert "RealSecretTokenOfTheBot" not in run.text
