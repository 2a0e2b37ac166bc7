"""WeChat residents against `bot.py run` (WeChat and WeCom only, on the fake platforms):

- the time the bot takes to answer a callback (what WeChat's five seconds are about) while every
  resident files a concern at once (subscribe, words, a tapped station, a typed phone number, a
  tapped confirm), and whether every one got its number;
- the SIGKILL drill with WeChat residents: the bot killed at random moments and restarted on
  the same file while they file, the platform retrying every callback that got no `success`;
  afterwards no acknowledged case (a resident told #N) may be missing, and every case's notice
  must have reached the member.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import re
import signal
import socket
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import httpx
from aiohttp import web

from tests.bench.report import Report, Row, below, percentile
from tests.fakes.records import WaitTimeout
from tests.fakes.wechat_api import TEMPLATE_ID, FakeWeChatAPI
from tests.fakes.wecom_api import FakeWeComAPI
from tests.fakes.wx_platform import ManualClock
from tests.fakes.wx_users import CallbackPoster, Posted, WeChatResident

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "benchtoken"
AES = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
WECOM_AES = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
ANSWER_P99_MS = 500.0
STEP_WITHIN = 120.0
UP_WITHIN = 60.0
CONCERNS = ("老板拖欠工资三个月了，怎么办", "工地欠薪不给，包工头跑了", "公司不发工资还不签合同")
_ACK = re.compile(r"编号是?\s*#(\d+)")


class RealClock(ManualClock):
    """The fakes on the real clock: the bot checks callback times against its own."""

    def __call__(self) -> float:
        return time.time()


class BenchWeChatAPI(FakeWeChatAPI):
    """The fake, waking only the resident a message reached: with hundreds of residents
    waiting, one shared signal would wake them all at every message, and the bench's own loop,
    not the bot, would set the figures."""

    def __init__(self, clock: ManualClock) -> None:
        super().__init__(clock=clock)
        self.arrived: dict[str, asyncio.Event] = {}

    def arrival(self, open_id: str) -> asyncio.Event:
        """Set whenever something reaches this resident."""
        return self.arrived.setdefault(open_id, asyncio.Event())

    async def _custom_send(
        self, query: dict[str, str], body: dict[str, Any] | None, raw: bytes
    ) -> web.Response:
        try:
            return await super()._custom_send(query, body, raw)
        finally:
            self.arrival(str((body or {}).get("touser", ""))).set()


class RetryingPoster(CallbackPoster):
    """The platform's side: a callback that got no `success` (a 500, no connection: the bot was
    down) is sent again, byte for byte, until it gets one; answer times are recorded."""

    def __init__(
        self, *args: object, times: list[float], session: aiohttp.ClientSession, **kw: object
    ) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.times, self.session = times, session
        self.retries = 0

    async def send(self, method: str, params: dict[str, str], body: bytes = b"") -> Posted:
        """Send until answered with 200."""
        pause = 0.2
        while True:
            started = time.perf_counter()
            status, text = 0, ""
            try:
                async with self.session.request(
                    method, self.url, params=params, data=body
                ) as response:
                    status, text = response.status, await response.text()
            except (aiohttp.ClientError, TimeoutError):
                pass
            if status == 200:
                self.times.append(time.perf_counter() - started)
                posted = Posted(method, params, body, 200, text)
                self.history.append(posted)
                return posted
            self.retries += 1
            await asyncio.sleep(pause)
            pause = min(2.0, pause * 1.5)


def client_session() -> aiohttp.ClientSession:
    """The platform's HTTP client: a connection per resident, as many as there are."""
    timeout = aiohttp.ClientTimeout(total=30.0)
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=timeout)


def free_port() -> int:
    """A port nobody listens on now (the bot keeps it across restarts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class WxBot:
    """`bot.py run` serving WeChat and WeCom on the fakes, killed and restarted at will."""

    def __init__(self, workdir: Path, wechat: FakeWeChatAPI, wecom: FakeWeComAPI) -> None:
        self.workdir, self.wechat, self.wecom = workdir, wechat, wecom
        self.database = workdir / "wechat.db"
        self.port = free_port()
        self.proc: asyncio.subprocess.Process | None = None
        self.kills = 0

    @property
    def url(self) -> str:
        """The callback server."""
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """The operator's settings for this bot."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("MINQING_")}
        env.update(
            MINQING_DATABASE=str(self.database),
            MINQING_WECHAT_APP_ID=self.wechat.app_id,
            MINQING_WECHAT_APP_SECRET=self.wechat.app_secret,
            MINQING_WECHAT_TOKEN=TOKEN,
            MINQING_WECHAT_AES_KEY=AES,
            MINQING_WECHAT_TEMPLATE_ID=TEMPLATE_ID,
            MINQING_WECHAT_API_URL=self.wechat.url,
            MINQING_WECOM_CORP_ID=self.wecom.corp_id,
            MINQING_WECOM_AGENT_ID=str(self.wecom.agent_id),
            MINQING_WECOM_SECRET=self.wecom.secret,
            MINQING_WECOM_TOKEN=TOKEN,
            MINQING_WECOM_AES_KEY=WECOM_AES,
            MINQING_WECOM_API_URL=self.wecom.url,
            MINQING_HTTP_PORT=str(self.port),
            MINQING_LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        return env

    async def cli(self, *args: str) -> None:
        """One bot.py command to its end."""
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "bot.py"),
            *args,
            env=self.env(),
            cwd=self.workdir,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        assert await proc.wait() == 0, args

    async def start(self) -> None:
        """Start it and wait until /health answers."""
        with (self.workdir / "wechat-bot.log").open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                str(ROOT / "bot.py"),
                "run",
                env=self.env(),
                cwd=self.workdir,
                stdout=log,
                stderr=log,
            )
        async with httpx.AsyncClient(timeout=2.0) as http:
            deadline = time.monotonic() + UP_WITHIN
            while time.monotonic() < deadline:
                try:
                    if (await http.get(f"{self.url}/health")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if self.proc.returncode is not None:
                    break
                await asyncio.sleep(0.1)
        raise RuntimeError(f"the bot did not come up; see {self.workdir / 'wechat-bot.log'}")

    async def kill(self) -> None:
        """SIGKILL, as a power cut would."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
            await self.proc.wait()
            self.kills += 1

    async def stop(self) -> None:
        """SIGTERM and wait."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.proc.wait(), UP_WITHIN)


async def wait_text(api: FakeWeChatAPI, open_id: str, text: str) -> str:
    """The first message to the resident holding text."""
    return await wait_any(api, open_id, (text,))


async def wait_any(api: FakeWeChatAPI, open_id: str, texts: tuple[str, ...]) -> str:
    """The first message to the resident holding any of texts."""
    assert isinstance(api, BenchWeChatAPI)
    arrival = api.arrival(open_id)
    async with asyncio.timeout(STEP_WITHIN):
        while True:
            received = api.received(open_id)
            found = next((r.text for r in received if any(x in r.text for x in texts)), None)
            if found is not None:
                return found
            arrival.clear()
            await arrival.wait()


async def file_concern(resident: WeChatResident, text: str) -> int:
    """The whole intake; returns the number the resident was told."""
    api, who = resident.api, resident.open_id
    await resident.subscribe()
    await resident.send_text(text)
    await wait_text(api, who, "哪个镇")
    await resident.tap("钱营镇")
    await wait_text(api, who, "联系电话")
    await resident.send_text("13800138000")
    step = await wait_any(api, who, ("请确认您的反映", "您的邻居也反映过"))
    if "您的邻居也反映过" in step:
        await resident.tap("继续提交新的反映")
        await wait_text(api, who, "请确认您的反映")
    await resident.tap("✅ 确认提交")
    ack = await wait_text(api, who, "已受理")
    found = _ACK.search(ack)
    assert found is not None, ack
    return int(found.group(1))


def residents(
    bot: WxBot,
    http: httpx.AsyncClient,
    count: int,
    times: list[float],
    session: aiohttp.ClientSession,
) -> list[WeChatResident]:
    """count residents posting to the bot, each through the retrying platform."""
    made = []
    for n in range(count):
        poster = RetryingPoster(
            f"{bot.url}/wechat",
            TOKEN,
            AES,
            bot.wechat.app_id,
            bot.wechat.clock,
            http,
            times=times,
            session=session,
        )
        made.append(WeChatResident(bot.wechat, poster, f"o_bench_{n:04d}", "gh_bench"))
    return made


async def answer_times(report: Report, users: int, workdir: Path) -> None:
    """The callback answer time with every resident filing at once."""
    clock = RealClock()
    async with (
        BenchWeChatAPI(clock) as wechat,
        FakeWeComAPI(clock=clock, per_member_per_minute=10**6) as wecom,
    ):
        wecom.member("bench_law")
        bot = WxBot(workdir / "answers", wechat, wecom)
        bot.workdir.mkdir(parents=True, exist_ok=True)
        await bot.cli("member", "add", "bench_law", "law", "--channel", "wecom", "--name", "张律师")
        await bot.start()
        times: list[float] = []
        limits = httpx.Limits(max_connections=users + 50, max_keepalive_connections=users + 50)
        try:
            async with (
                httpx.AsyncClient(timeout=30.0, limits=limits) as http,
                client_session() as session,
            ):
                crowd = residents(bot, http, users, times, session)
                began = time.perf_counter()
                numbers = await asyncio.gather(
                    *(file_concern(r, CONCERNS[i % len(CONCERNS)]) for i, r in enumerate(crowd))
                )
                seconds = time.perf_counter() - began
        finally:
            await bot.stop()
    p50, p99 = percentile(times, 50) * 1000, percentile(times, 99) * 1000
    met, margin = below(p99, ANSWER_P99_MS)
    report.add(
        Row(
            "wechat",
            f"callback answer time, p99 ({users} WeChat residents filing at once)",
            f"{p99:.0f} ms (p50 {p50:.0f} ms, max {max(times) * 1000:.0f} ms,"
            f" {len(times)} callbacks)",
            f"< {ANSWER_P99_MS:.0f} ms",
            met,
            margin,
            {"p50_ms": p50, "p99_ms": p99, "callbacks": len(times)},
        )
    )
    distinct = len(set(numbers))
    report.add(
        Row(
            "wechat",
            f"{users} residents filed a concern on WeChat and got its number",
            f"{distinct} distinct numbers in {seconds:.1f} s",
            f"{users}",
            distinct == users,
        )
    )


async def kill_drill(report: Report, users: int, kills: int, workdir: Path, seed: int = 7) -> None:
    """SIGKILL the bot at random moments while WeChat residents file; then audit."""
    rng = random.Random(seed)
    clock = RealClock()
    # A kill cuts the fakes' calls in flight: aiohttp logs each with its traceback.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    async with (
        BenchWeChatAPI(clock) as wechat,
        FakeWeComAPI(clock=clock, per_member_per_minute=10**6) as wecom,
    ):
        wecom.member("bench_law")
        bot = WxBot(workdir / "kills", wechat, wecom)
        bot.workdir.mkdir(parents=True, exist_ok=True)
        await bot.cli("member", "add", "bench_law", "law", "--channel", "wecom", "--name", "张律师")
        await bot.start()
        times: list[float] = []
        try:
            async with httpx.AsyncClient(timeout=30.0) as http, client_session() as session:
                crowd = residents(bot, http, users, times, session)

                async def filing() -> list[int]:
                    jobs = []
                    for i, r in enumerate(crowd):
                        jobs.append(asyncio.create_task(file_concern(r, CONCERNS[i % 3])))
                        await asyncio.sleep(rng.uniform(0, 0.2))  # arrivals spread over the kills
                    return list(await asyncio.gather(*jobs))

                load = asyncio.create_task(filing())
                for _ in range(kills):
                    await asyncio.sleep(rng.uniform(0.5, 2.0))
                    await bot.kill()
                    await asyncio.sleep(rng.uniform(0.1, 0.5))
                    await bot.start()
                numbers = await load
                retries = sum(r.poster.retries for r in crowd)  # type: ignore[attr-defined]
                noticed = await _noticed(wecom, set(numbers))
        finally:
            await bot.stop()
    with sqlite3.connect(bot.database) as db:
        rows = db.execute(
            "SELECT c.id, p.external_id FROM cases c JOIN people p ON p.id = c.resident_id"
        ).fetchall()
        check = db.execute("PRAGMA integrity_check").fetchone()[0]
    owner = {int(case): str(who) for case, who in rows}
    told = {n: crowd[i].open_id for i, n in enumerate(numbers)}
    lost = [n for n, who in told.items() if owner.get(n) != who]
    report.add(
        Row(
            "wechat",
            f"SIGKILL drill: {bot.kills} kills while {users} WeChat residents filed",
            f"{len(told)} acknowledged, {len(lost)} lost, {len(rows)} cases in the file,"
            f" {retries} callbacks retried by the platform, integrity {check}",
            "0 lost, one case each",
            not lost and len(rows) == users and check == "ok",
        )
    )
    report.add(
        Row(
            "wechat",
            "SIGKILL drill: the member's notice of every acknowledged case",
            f"{noticed}/{len(told)} delivered",
            f"{len(told)}",
            noticed == len(told),
        )
    )


async def _noticed(wecom: FakeWeComAPI, numbers: set[int]) -> int:
    """How many of the cases' notices reached the member (waiting for the last ones)."""

    def probe() -> int | None:
        seen = {
            int(m.group(1))
            for d in wecom.received("bench_law")
            for m in [re.search(r"#(\d+)", d.text)]
            if m
        }
        return len(numbers & seen) if numbers <= seen else None

    try:
        return await wecom.changed.wait_until(probe, STEP_WITHIN, lambda: "the notices")
    except WaitTimeout:
        seen = {
            int(m.group(1))
            for d in wecom.received("bench_law")
            for m in [re.search(r"#(\d+)", d.text)]
            if m
        }
        return len(numbers & seen)


async def run(report: Report, users: int, workdir: Path, quick: bool) -> None:
    """Both parts."""
    await answer_times(report, users, workdir)
    await kill_drill(report, max(20, users // 4), 2 if quick else 3, workdir)
