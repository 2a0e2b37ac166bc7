"""Part 6: four workers on one PostgreSQL (`bot.py run --workers 4`), WeChat residents filing
through the workers' shared callback port while random workers are SIGKILLed (the supervisor
starts each again); the platform retries every callback that got no `success`. Afterwards: no
acknowledged case lost, none filed twice, each chat's messages sent in the order decided, at most
one duplicate per chat per kill, the member's notice of every case; then two sweeps at once (two
pools, ten days on) send nothing twice, and SIGTERM stops every worker with exit code 0.

A chat whose messages a killed worker had claimed waits for their lease (storage/pg_claims.py,
LEASE, seconds) before another worker sends them: the residents here wait up to STALL per step.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import secrets
import signal
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from tests.bench import wechat
from tests.bench.wechat import (
    CONCERNS,
    ROOT,
    UP_WITHIN,
    BenchWeChatAPI,
    RealClock,
    WxBot,
    client_session,
    file_concern,
    residents,
)
from tests.fakes.wecom_api import FakeWeComAPI
from tests.pg import POSTGRES_URL
from tests.stress.report import Row
from tests.stress.scale import Scale

WORKERS = 4
STALL = 420.0  # a step's longest wait: far beyond the lease of a killed worker's chats
STARTED = re.compile(r"worker (\d+)/\d+ started \(pid (\d+)\)")


class Workers(WxBot):
    """`bot.py run --workers 4` on PostgreSQL serving WeChat and WeCom on the fakes."""

    def __init__(self, workdir: Path, wechat_api: Any, wecom: FakeWeComAPI, database: str) -> None:
        super().__init__(workdir, wechat_api, wecom)
        self.target = database
        self.log = workdir / "workers.log"

    def env(self) -> dict[str, str]:
        """The operator's settings: the shared server instead of a file."""
        return {**super().env(), "MINQING_DATABASE": self.target, "MINQING_LOG_LEVEL": "INFO"}

    async def start(self) -> None:
        """Start the supervisor and wait until every worker is up (each logs `ready in`)."""
        with self.log.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                str(ROOT / "bot.py"),
                "run",
                "--workers",
                str(WORKERS),
                env=self.env(),
                cwd=self.workdir,
                stdout=log,
                stderr=log,
            )
        await self.until_ready(WORKERS)

    async def until_ready(self, count: int) -> None:
        """Until count `ready in` lines are in the log and /health answers."""
        deadline = time.monotonic() + UP_WITHIN * 2
        async with httpx.AsyncClient(timeout=2.0) as http:
            while time.monotonic() < deadline:
                if self.text().count("minqing: ready in") >= count:
                    try:
                        if (await http.get(f"{self.url}/health")).status_code == 200:
                            return
                    except httpx.TransportError:
                        pass
                assert self.proc is not None
                if self.proc.returncode is not None:
                    break
                await asyncio.sleep(0.2)  # the log file is the only signal a subprocess gives
        raise RuntimeError(f"the workers did not come up; see {self.log}")

    def text(self) -> str:
        """The supervisor's and the workers' log so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def pids(self) -> dict[int, int]:
        """Each worker's latest pid."""
        return {int(m.group(1)): int(m.group(2)) for m in STARTED.finditer(self.text())}

    async def kill_one(self, rng: random.Random) -> None:
        """SIGKILL one worker at random, as an OOM kill would."""
        _, pid = rng.choice(sorted(self.pids().items()))
        try:
            os.kill(pid, signal.SIGKILL)
            self.kills += 1
        except ProcessLookupError:
            pass


async def run(scale: Scale, workdir: Path, seed: int) -> list[Row]:
    """The drill on a fresh schema; its rows."""
    import asyncpg

    try:
        admin = await asyncpg.connect(POSTGRES_URL, timeout=3)
    except (OSError, TimeoutError, asyncpg.PostgresError) as e:
        return [
            Row("part postgres", "0", f"not run: no server at MINQING_TEST_POSTGRES ({e})", True)
        ]
    schema = f"minqing_stress_{secrets.token_hex(4)}"
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    wechat.STEP_WITHIN, step = STALL, wechat.STEP_WITHIN  # the residents wait out a lease
    try:
        return await drill(scale, workdir, seed, schema)
    finally:
        wechat.STEP_WITHIN = step
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()


async def drill(scale: Scale, workdir: Path, seed: int, schema: str) -> list[Row]:
    """Residents filing while workers are killed; then the audit and two sweeps at once."""
    rng = random.Random(seed)
    users = max(20, min(scale.residents // 2, 100))
    kills = max(2, scale.kills)
    clock = RealClock()
    database = f"{POSTGRES_URL}?search_path={schema}"
    async with (
        BenchWeChatAPI(clock) as platform,
        FakeWeComAPI(clock=clock, per_member_per_minute=10**6) as wecom,
    ):
        wecom.member("bench_law")
        bot = Workers(workdir, platform, wecom, database)
        await bot.cli("member", "add", "bench_law", "law", "--channel", "wecom", "--name", "张律师")
        await bot.start()
        began = time.perf_counter()
        try:
            async with httpx.AsyncClient(timeout=30.0) as http, client_session() as session:
                crowd = residents(bot, http, users, [], session)

                async def filing() -> list[int]:
                    jobs = []
                    for i, r in enumerate(crowd):
                        jobs.append(asyncio.create_task(file_concern(r, CONCERNS[i % 3])))
                        await asyncio.sleep(rng.uniform(0, 0.1))  # arrivals spread over the kills
                    return list(await asyncio.gather(*jobs))

                load = asyncio.create_task(filing())
                for _ in range(kills):
                    await asyncio.sleep(rng.uniform(1.0, 3.0))
                    await bot.kill_one(rng)
                numbers = await load
                seconds = time.perf_counter() - began
                retries = sum(r.poster.retries for r in crowd)  # type: ignore[attr-defined]
                noticed = await wechat._noticed(wecom, set(numbers))
                received = {
                    r.open_id: [m.text for m in platform.received(r.open_id)] for r in crowd
                }
        finally:
            assert bot.proc is not None
            if bot.proc.returncode is None:
                bot.proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(bot.proc.wait(), UP_WITHIN)
        restarts = bot.text().count("died (killed by SIGKILL)")
        left = [pid for pid in bot.pids().values() if _alive(pid)]
    filed, *rows = await audit(database, schema, crowd, numbers, received, kills)
    rows.insert(
        0,
        Row(
            f"SIGKILL of random workers ({WORKERS} on one PostgreSQL) while {users} WeChat"
            " residents file concerns",
            str(bot.kills),
            filed.lost,
            filed.ok,
            f"started again by the supervisor: {restarts}; callbacks retried by the platform:"
            f" {retries}; load {seconds:.0f} s",
        ),
    )
    rows.append(
        Row(
            "The member's notice of every acknowledged case",
            str(len(numbers)),
            f"{len(numbers) - noticed} not delivered",
            noticed == len(numbers),
        )
    )
    rows.append(
        Row(
            "SIGTERM to the supervisor: every worker stops",
            "1",
            f"exit code {code}, {len(left)} workers left running",
            code == 0 and not left,
        )
    )
    rows.append(await two_sweeps(schema))
    return rows


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def audit(
    database: str,
    schema: str,
    crowd: list[Any],
    numbers: list[int],
    received: dict[str, list[str]],
    kills: int,
) -> list[Row]:
    """What the database and the residents' phones say after the drill."""
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_URL, server_settings={"search_path": schema})
    try:
        owners = await conn.fetch(
            "SELECT c.id, p.external_id FROM cases c JOIN people p ON p.id = c.resident_id"
        )
        sent = await conn.fetch(
            "SELECT chat_id, id, sent_at FROM outbox WHERE status = 'sent' ORDER BY chat_id, id"
        )
    finally:
        await conn.close()
    owner = {int(r[0]): str(r[1]) for r in owners}
    told = {n: crowd[i].open_id for i, n in enumerate(numbers)}
    lost = [n for n, who in told.items() if owner.get(n) != who]
    twice = [who for who, n in Counter(owner.values()).items() if n > 1]
    out_of_order = set()
    last: dict[str, int] = {}
    for chat, _, at in sent:
        if at < last.get(chat, 0):
            out_of_order.add(chat)
        last[chat] = at
    dups = {who: sum(n - 1 for n in Counter(texts).values()) for who, texts in received.items()}
    most = max(dups.values(), default=0)
    filed = Row(
        "",
        "",
        f"{len(told)} acknowledged, {len(lost)} lost, {len(twice)} filed twice,"
        f" {len(owner)} cases in the database",
        not lost and not twice and len(owner) == len(crowd),
    )
    return [
        filed,
        Row(
            "Notifications sent in the order decided, per chat (outbox ids against sent_at)",
            str(len(sent)),
            f"{len(out_of_order)} chats out of order",
            not out_of_order,
            f"{len(last)} chats",
        ),
        Row(
            "Messages that reached a resident twice because of a kill (at most one per chat per"
            " kill)",
            str(kills),
            f"{sum(dups.values())} duplicates, at most {most} in one chat",
            most <= kills,
        ),
    ]


async def two_sweeps(schema: str) -> Row:
    """Two workers' sweeps at once, ten days on (every open case due, outside the quiet hours):
    nothing sent twice."""
    from datetime import UTC, datetime

    from core.cases.sweep import sweep
    from storage.pg import PgDatabase, pg_unit_factory
    from tests.bench.dbscale import district

    dbs = [await PgDatabase.open(POSTGRES_URL, schema=schema) for _ in range(2)]
    # 10:00 in Shanghai ten days on: outside the quiet hours, when reminders are sent.
    later = (datetime.now(UTC) + timedelta(days=10)).replace(
        hour=2, minute=0, second=0, microsecond=0
    )
    try:
        async with dbs[0].pool.acquire() as conn:
            mark = int(await conn.fetchval("SELECT coalesce(max(id), 0) FROM outbox"))
        runs = await asyncio.gather(*(sweep(pg_unit_factory(db), district(), later) for db in dbs))
        async with dbs[0].pool.acquire() as conn:
            twice = await conn.fetchval(
                "SELECT count(*) FROM (SELECT chat_id, payload FROM outbox WHERE id > $1"
                " GROUP BY chat_id, payload HAVING count(*) > 1) d",
                mark,
            )
            events = await conn.fetchval(
                "SELECT count(*) FROM (SELECT case_id, kind FROM case_events WHERE at = $1"
                " GROUP BY case_id, kind HAVING count(*) > 1) d",
                int(later.timestamp() * 1000),
            )
    finally:
        for db in dbs:
            await db.close()
    queued = sum(len(r) for r in runs)
    return Row(
        "Two sweeps at once (two workers' pools), every open case due",
        str(queued),
        f"{twice} messages sent twice, {events} case steps taken twice",
        queued > 0 and twice == 0 and events == 0,
        f"messages queued: {' + '.join(str(len(r)) for r in runs)}",
    )
