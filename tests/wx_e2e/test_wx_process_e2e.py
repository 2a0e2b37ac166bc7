"""`python bot.py run` with only WeChat and WeCom configured, as an operator runs it against the
fake platforms: it serves both callbacks, makes wecom:<userid> coordinators, and stops cleanly;
a template without the fields the bot fills stops it at start with one line naming the setting."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
import time
from pathlib import Path

import httpx

from tests.e2e.test_bot_process_e2e import BotRun
from tests.fakes.wechat_api import TEMPLATE_ID, FakeWeChatAPI
from tests.fakes.wecom_api import FakeWeComAPI
from tests.fakes.wx_platform import ManualClock
from tests.fakes.wx_users import CallbackPoster, WeChatResident
from tests.wx_e2e.conftest import ACCOUNT, WECHAT_AES, WECHAT_TOKEN, WECOM_AES, WECOM_TOKEN, got

ROOT = Path(__file__).resolve().parents[2]


def wx_env(
    tmp_path: Path, wechat: FakeWeChatAPI, wecom: FakeWeComAPI, **extra: str
) -> dict[str, str]:
    """The environment of a WeChat-and-WeCom-only bot on the fakes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINQING_")}
    env.update(
        MINQING_DATABASE=str(tmp_path / "m.db"),
        MINQING_WECHAT_APP_ID=wechat.app_id,
        MINQING_WECHAT_APP_SECRET=wechat.app_secret,
        MINQING_WECHAT_TOKEN=WECHAT_TOKEN,
        MINQING_WECHAT_AES_KEY=WECHAT_AES,
        MINQING_WECHAT_TEMPLATE_ID=TEMPLATE_ID,
        MINQING_WECHAT_API_URL=wechat.url,
        MINQING_WECOM_CORP_ID=wecom.corp_id,
        MINQING_WECOM_AGENT_ID=str(wecom.agent_id),
        MINQING_WECOM_SECRET=wecom.secret,
        MINQING_WECOM_TOKEN=WECOM_TOKEN,
        MINQING_WECOM_AES_KEY=WECOM_AES,
        MINQING_WECOM_API_URL=wecom.url,
        MINQING_HTTP_HOST="127.0.0.1",
        MINQING_HTTP_PORT="0",
        MINQING_COORDINATORS="wecom:zhao",
        MINQING_TOKENIZER="jieba",
    )
    env.update(extra)
    return env


async def start(tmp_path: Path, env: dict[str, str]) -> BotRun:
    """A `bot.py run` subprocess, its output read as it comes."""
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


def served_at(run: BotRun) -> str:
    """The callback server's address, from the start-up line."""
    for line in run.lines:
        found = re.search(r"serving WeChat/WeCom callbacks at (http://\S+)", line)
        if found:
            return found.group(1)
    raise AssertionError(run.text)


async def test_run_serves_wechat_and_wecom_only(tmp_path: Path) -> None:
    await serves_wechat_and_wecom(tmp_path)


async def test_run_serves_wechat_and_wecom_on_postgresql(
    tmp_path: Path, pg_schema: tuple[str, str]
) -> None:
    import asyncpg

    url, schema = pg_schema
    await serves_wechat_and_wecom(tmp_path, MINQING_DATABASE=f"{url}?search_path={schema}")
    assert not (tmp_path / "m.db").exists()  # nothing went to a SQLite file
    conn = await asyncpg.connect(url, server_settings={"search_path": schema})
    try:
        rows = await conn.fetch("SELECT chat_id, handled_at, leased_by FROM ingress")
    finally:
        await conn.close()
    # The subscription, recorded and handled on PostgreSQL; its chat given back.
    assert [(r[0], r[1] is not None, r[2]) for r in rows] == [("o_proc", True, None)]


async def serves_wechat_and_wecom(tmp_path: Path, **extra: str) -> None:
    """`bot.py run` serves both callbacks: a resident's subscription is answered by the bot."""
    clock = ManualClock(time.time())  # the bot checks callback times against the real clock
    async with FakeWeChatAPI(clock=clock) as wechat, FakeWeComAPI(clock=clock) as wecom:
        wecom.member("zhao")
        run = await start(tmp_path, wx_env(tmp_path, wechat, wecom, **extra))
        try:
            await run.wait_for("serving WeChat/WeCom callbacks at")
            await run.wait_for("ready in")
            url = served_at(run)
            async with httpx.AsyncClient(timeout=10.0) as http:
                assert (await http.get(f"{url}/health")).json() == {"status": "ok"}
                poster = CallbackPoster(
                    f"{url}/wechat", WECHAT_TOKEN, WECHAT_AES, wechat.app_id, clock, http
                )
                resident = WeChatResident(wechat, poster, "o_proc", ACCOUNT)
                assert (await resident.subscribe()).text == "success"
                await got(wechat, "o_proc", "民情")
            assert [b["name"] for b in wechat.menu] == ["我要反映", "我的反映", "使用帮助"]
        finally:
            if run.proc.returncode is None:
                run.proc.send_signal(signal.SIGTERM)
            code = await run.exit_code()
        assert code == 0, run.text
        assert WECHAT_AES not in run.text and wechat.app_secret not in run.text


async def test_a_template_without_the_fields_stops_start_up(tmp_path: Path) -> None:
    clock = ManualClock(time.time())
    async with FakeWeChatAPI(clock=clock) as wechat, FakeWeComAPI(clock=clock) as wecom:
        wechat.templates[TEMPLATE_ID] = "事项：{{thing2.DATA}}\n时间：{{time4.DATA}}"
        run = await start(tmp_path, wx_env(tmp_path, wechat, wecom))
        code = await run.exit_code()
    assert code == 2, run.text
    assert run.lines[-1].startswith("minqing: MINQING_WECHAT_TEMPLATE_KEYS: "), run.text
    assert "character_string1" in run.lines[-1]


async def test_a_channel_set_up_in_part_names_what_is_missing(tmp_path: Path) -> None:
    clock = ManualClock(time.time())
    async with FakeWeChatAPI(clock=clock) as wechat, FakeWeComAPI(clock=clock) as wecom:
        env = wx_env(tmp_path, wechat, wecom)
        del env["MINQING_WECOM_SECRET"]
        run = await start(tmp_path, env)
        code = await run.exit_code()
    assert code == 2
    assert run.lines == ["minqing: MINQING_WECOM_SECRET: not set (the channel needs it)"]


async def test_a_port_in_use_names_the_setting(tmp_path: Path) -> None:
    clock = ManualClock(time.time())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        async with FakeWeChatAPI(clock=clock) as wechat, FakeWeComAPI(clock=clock) as wecom:
            run = await start(tmp_path, wx_env(tmp_path, wechat, wecom, MINQING_HTTP_PORT=port))
            code = await run.exit_code()
    assert code == 2, run.text
    assert run.lines[-1].startswith(
        f"minqing: MINQING_HTTP_PORT: cannot listen on 127.0.0.1:{port}"
    )
