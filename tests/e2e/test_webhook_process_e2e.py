"""`python bot.py run` in webhook mode against the fake Bot API: it serves /health and /telegram
on MINQING_HTTP_HOST:PORT, sets the webhook with the secret derived from the token, answers a
resident through the fake's posts, and never shows the token or the secret, even at DEBUG."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import httpx

from config.settings import derive_webhook_secret
from tests.e2e.test_bot_process_e2e import ROOT, TOKEN, BotRun
from tests.fakes import FakeBotAPI


async def start(tmp_path: Path, api_url: str) -> BotRun:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINQING_")}
    env.update(
        MINQING_BOT_TOKEN=TOKEN,
        MINQING_TELEGRAM_API_URL=api_url,
        MINQING_DATABASE=str(tmp_path / "m.db"),
        MINQING_WEBHOOK_URL="https://bot.example.gov.cn",
        MINQING_HTTP_HOST="127.0.0.1",
        MINQING_HTTP_PORT="0",
        MINQING_LOG_LEVEL="DEBUG",  # PTB logs every call's parameters here, secret_token too
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


async def test_run_in_webhook_mode(tmp_path: Path) -> None:
    async with FakeBotAPI(token=TOKEN) as server:
        run = await start(tmp_path, server.api_url)
        try:
            await run.wait_for("serving HTTP at")
            found = re.search(r"serving HTTP at (http://\S+)", run.text)
            assert found is not None, run.text
            url = found.group(1)
            server.webhook.deliver_to(url)  # the reverse proxy: https://bot.example.gov.cn -> url
            await run.wait_for("minqing: ready in")  # not "already initialized"
            assert server.webhook.url == "https://bot.example.gov.cn/telegram", run.text
            assert server.webhook.secret == derive_webhook_secret(TOKEN)
            async with httpx.AsyncClient(timeout=10.0) as http:
                health = await http.get(f"{url}/health")
                assert (health.status_code, health.json()) == (200, {"status": "ok"})
            resident = server.user(4001, "王小明")
            await resident.send_command("/start")
            await resident.wait_text("民情直通车", timeout=30)
            assert server.calls("getUpdates") == []
        finally:
            if run.proc.returncode is None:
                run.proc.send_signal(signal.SIGTERM)
            code = await run.exit_code()
        assert code == 0, run.text
        assert TOKEN.split(":")[1] not in run.text
        assert derive_webhook_secret(TOKEN) not in run.text
