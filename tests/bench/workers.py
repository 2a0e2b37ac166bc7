"""Workers on PostgreSQL beside the single SQLite process: the real bot in Telegram's webhook mode.

    python -m tests.bench --only workers [--quick] [--users N] [--worker-cpu 0.25]

For each run: a fresh fake Bot API (limits lifted, so the sender is not the bottleneck), a fresh
database (a new PostgreSQL database on MINQING_TEST_POSTGRES's server, or a new SQLite file), and
`bot.py run --workers N` (N = 1, 2, 4; plain `bot.py run` on SQLite) with MINQING_WEBHOOK_URL set.
The residents' updates are taken from the fake's queue and posted to the workers' one shared port
(SO_REUSEPORT) over many connections at once, as a reverse proxy in front of them would; each
resident files a real concern (concern, station, contact, confirmation: four turns) and waits for
each reply before going on, so a chat has at most one update in flight (Telegram's order).

Measured: turns per second from the first post to the last reply reaching the fake, each reply's
latency from its update's post, the bot processes' CPU per turn, and the PostgreSQL backends'
CPU per turn (/proc, the server's processes serving the bench's database). With --worker-cpu C
each serving process (each worker, found as the supervisor's children, also one it restarts; the
single SQLite process) runs in a cgroup of its own limited to C cores (tests/bench/cgroups.py), as
if each had a small machine of its own, and 6 workers are measured too. Checked while
measuring: every resident got every reply, exactly one acknowledgement per chat, case numbers
1..N each once, and the database holds N cases. A benchmark prints: it never fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import socket
import sqlite3
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from tests.bench.cgroups import Quotas, children
from tests.bench.load import LIFTED
from tests.bench.procs import ROOT, TOKEN, BotProcess, _env, _spawn
from tests.bench.report import Report, Row, ms, percentile
from tests.bench.users import STEPS_PER_RESIDENT, StampedServer, resident, text_of
from tests.fakes import FakeBotAPI
from tests.pg import POSTGRES_URL

WORKERS = (1, 2, 4)
QUOTA_WORKERS = (1, 2, 4, 6)  # with --worker-cpu: until the machine's cores are full
WATCH_EVERY = 0.25  # seconds between looks for a restarted worker to put in its cgroup
CONNECTIONS = 100  # the reverse proxy's connections to the workers' port (Telegram's maximum)
UP_WITHIN = 90.0
WEBHOOK = "https://bench.example"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
STARTED = re.compile(r"worker \d+/\d+ started \(pid (\d+)\)")


@dataclass
class Run:
    """What one configuration measured."""

    name: str
    workers: int
    residents: int
    latencies: list[float] = field(default_factory=list)
    seconds: float = float("nan")
    bot_cpu: float = float("nan")
    pg_cpu: float = float("nan")
    bench_cpu: float = float("nan")  # this process: the fake Bot API, the proxy, the residents
    machine_busy: float = float("nan")  # share of the machine's CPU busy during the run (all)
    posts: list[float] = field(default_factory=list)  # post to 200: what Telegram waits for
    errors: list[str] = field(default_factory=list)
    worker_cpu: float | None = None  # each serving process's CPU quota in cores (cgroup), if any
    throttled: float = float("nan")  # seconds the serving processes waited for their quota
    load: tuple[float, float, float] = (float("nan"),) * 3  # the load average as the run ended

    @property
    def turns(self) -> int:
        """Updates handled: those posted and answered 200 (four or five per resident)."""
        return len(self.posts) or self.residents * STEPS_PER_RESIDENT

    @property
    def rate(self) -> float:
        """Turns handled and answered per second."""
        return self.turns / self.seconds if self.seconds > 0 else float("nan")

    def per_turn(self, cpu: float) -> float:
        """CPU milliseconds per turn."""
        return cpu / self.turns * 1000

    def ours(self) -> float:
        """Share of the machine's CPU (every core) the bot, its database and the bench used."""
        used = self.bot_cpu + self.bench_cpu + (self.pg_cpu if self.pg_cpu == self.pg_cpu else 0)
        return used / (self.seconds * (os.cpu_count() or 1))

    def values(self) -> dict[str, Any]:
        """The figures for the JSON file."""
        return {
            "workers": self.workers,
            "turns": self.turns,
            "seconds": self.seconds,
            "turns_per_s": self.rate,
            "p50_s": percentile(self.latencies, 50),
            "p99_s": percentile(self.latencies, 99),
            "bot_cpu_ms_per_turn": self.per_turn(self.bot_cpu),
            "pg_cpu_ms_per_turn": self.per_turn(self.pg_cpu),
            "bench_cpu_ms_per_turn": self.per_turn(self.bench_cpu),
            "post_answered_p99_s": percentile(self.posts, 99),
            "machine_busy": self.machine_busy,
            "worker_cpu": self.worker_cpu,
            "throttled_s": self.throttled,
            "load_average": self.load,
            "ours_of_the_machine": self.ours(),
            "errors": self.errors[:20],
        }


def cpu_seconds(pid: int) -> float:
    """User and system CPU a process has used so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, every core (/proc/stat)."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    ticks = os.sysconf("SC_CLK_TCK")
    return (sum(fields) - idle) / ticks, sum(fields) / ticks


def free_port() -> int:
    """A port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def fresh_database() -> AsyncIterator[str | None]:
    """A new, empty database on the test server (its URL), dropped afterwards; None without one."""
    try:
        import asyncpg
    except ImportError:
        yield None
        return
    try:
        admin = await asyncpg.connect(POSTGRES_URL, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        yield None
        return
    name = f"minqing_bench_{secrets.token_hex(5)}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


async def backends(url: str) -> list[int]:
    """The PostgreSQL server processes serving the database at url (not this query's own)."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        )
        return [r["pid"] for r in rows]
    finally:
        await conn.close()


async def count_cases(url: str | None, path: Path) -> int:
    """The cases the database holds."""
    if url is None:
        with contextlib.closing(sqlite3.connect(path)) as conn:
            return int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM cases"))
    finally:
        await conn.close()


class Proxy:
    """The reverse proxy in front of the workers: takes each update the fake queues and posts it
    to the shared port on one of many connections, again after a pause if not answered 200."""

    def __init__(self, server: FakeBotAPI, target: str, secret: str, connections: int) -> None:
        self.queue, self.url, self.secret = server.queue, target + "/telegram", secret
        self.connections = connections
        self.failures = 0
        self.answered: list[float] = []  # seconds from each post to its 200 (what Telegram waits)

    async def run(self) -> None:
        """Post until cancelled."""
        connector = aiohttp.TCPConnector(limit=self.connections)
        async with aiohttp.ClientSession(connector=connector) as http, asyncio.TaskGroup() as tg:
            while True:
                self.queue.arrived.clear()
                queued = self.queue.first()
                if queued is None:
                    await self.queue.arrived.wait()
                    continue
                self.queue.remove(queued)
                tg.create_task(self.post(http, queued.update))

    async def post(self, http: aiohttp.ClientSession, update: dict[str, Any]) -> None:
        """One update until answered 200."""
        pause = 0.02
        while True:
            began = time.perf_counter()
            try:
                async with http.post(self.url, json=update, headers={HEADER: self.secret}) as r:
                    await r.read()
                    if r.status == 200:
                        self.answered.append(time.perf_counter() - began)
                        return
            except aiohttp.ClientError:
                pass
            self.failures += 1
            await asyncio.sleep(pause)
            pause = min(0.5, pause * 2)


async def spawn(workers: int, api_url: str, database: str, port: int, log: Path) -> BotProcess:
    """`bot.py run` (SQLite) or `bot.py run --workers N`, in webhook mode on port."""
    env = _env(
        {
            "MINQING_BOT_TOKEN": TOKEN,
            "MINQING_TELEGRAM_API_URL": api_url,
            "MINQING_DATABASE": database,
            "MINQING_WEBHOOK_URL": WEBHOOK,
            "MINQING_HTTP_HOST": "127.0.0.1",
            "MINQING_HTTP_PORT": str(port),
            **LIFTED,
        },
        False,
    )
    argv = [sys.executable, str(ROOT / "bot.py"), "run"]
    if database.startswith("postgresql"):
        argv += ["--workers", str(workers)]
    return await _spawn(argv, env, log)


async def ready(bot: BotProcess, count: int) -> None:
    """Wait until `count` processes logged that they are ready; raise if the bot exits first."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + UP_WITHIN
    while bot.log.read_text(errors="replace").count("minqing: ready in") < count:
        if bot.proc.returncode is not None or loop.time() > deadline:
            tail = bot.log.read_text(errors="replace")[-1500:]
            raise RuntimeError(f"the bot did not get ready ({bot.proc.returncode}): {tail}")
        await asyncio.sleep(0.1)  # polling a log file: nothing to wait on


def processes(bot: BotProcess, workers: int, postgres: bool) -> list[int]:
    """The processes that serve: the workers (their supervisor idles), or the one SQLite bot."""
    if not postgres:
        return [bot.pid]
    return [int(m[1]) for m in STARTED.finditer(bot.log.read_text(errors="replace"))][:workers]


def serving_now(bot: BotProcess, postgres: bool) -> list[int]:
    """The serving processes alive now: the supervisor's children, or the one SQLite bot."""
    return children(bot.pid) if postgres else [bot.pid]


async def watch(quotas: Quotas, bot: BotProcess, postgres: bool) -> None:
    """Put every serving process in its cgroup, also a worker restarted later, until cancelled."""
    while True:
        quotas.place(serving_now(bot, postgres))
        await asyncio.sleep(WATCH_EVERY)  # no event tells of a new child process


async def measure(
    name: str,
    workers: int,
    residents: int,
    url: str | None,
    workdir: Path,
    worker_cpu: float | None = None,
) -> Run:
    """One configuration: start it, let every resident file a concern at once, check, stop.
    With worker_cpu, each serving process gets that many cores (a cgroup each) once ready."""
    from config.settings import derive_webhook_secret

    run = Run(name, workers, residents, worker_cpu=worker_cpu)
    quotas, why = Quotas.open(worker_cpu) if worker_cpu else (None, "")
    if worker_cpu and quotas is None:
        run.worker_cpu = None
        print(f"{name}: no CPU quota: {why}", flush=True)
    watching: asyncio.Task[None] | None = None
    path = workdir / f"{name}.db"
    async with FakeBotAPI(token=TOKEN) as server:
        stamps = StampedServer(server)
        port = free_port()
        bot = await spawn(workers, server.api_url, url or str(path), port, workdir / f"{name}.log")
        proxy = Proxy(server, f"http://127.0.0.1:{port}", derive_webhook_secret(TOKEN), CONNECTIONS)
        posting = asyncio.create_task(proxy.run())
        try:
            await ready(bot, workers)
            serving = processes(bot, workers, url is not None)
            if quotas is not None:
                quotas.place(serving_now(bot, url is not None))
                watching = asyncio.create_task(watch(quotas, bot, url is not None))
            pg = await backends(url) if url else []
            bot_cpu = sum(cpu_seconds(p) for p in serving)
            pg_cpu = sum(cpu_seconds(p) for p in pg)
            bench_cpu = time.process_time()
            busy, total = machine_cpu()
            people = [server.user(20_000_001 + i, f"居民{i}") for i in range(residents)]
            loop = asyncio.get_running_loop()
            began = loop.time()
            outcomes = await asyncio.gather(
                *(resident(stamps, u, i, phone=i % 2 == 0) for i, u in enumerate(people))
            )
            run.seconds = max(stamps.arrived.values(), default=began) - began
            run.bot_cpu = sum(cpu_seconds(p) for p in serving) - bot_cpu
            run.bench_cpu = time.process_time() - bench_cpu
            now_busy, now_total = machine_cpu()
            run.load = os.getloadavg()
            run.machine_busy = (now_busy - busy) / (now_total - total)
            run.posts = list(proxy.answered)
            if quotas is not None:
                run.throttled = quotas.throttled_s()
            if url:
                run.pg_cpu = sum(cpu_seconds(p) for p in await backends(url)) - pg_cpu
            for outcome in outcomes:
                run.latencies.extend(outcome.latencies)
                if outcome.error:
                    run.errors.append(outcome.error)
            run.errors += check(server, people, [o.case for o in outcomes])
        except Exception as e:
            run.errors.append(f"{type(e).__name__}: {e}"[:800])
        finally:
            posting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await posting
            code = await bot.stop()
            if watching is not None:
                watching.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watching
            if quotas is not None:
                run.errors += [f"cgroup left behind: {e}" for e in quotas.close()]
        if code not in (0, -15):
            run.errors.append(f"the bot exited with {code}")
        run.errors += [f"bot log: {line}" for line in bot.errors()][:20]
        run.errors += [f"fake Bot API: {e!r}" for e in server.errors]
    if not run.errors:
        filed = await count_cases(url, path)
        if filed != residents:
            run.errors.append(f"{filed} cases in the database for {residents} residents")
    return run


def check(server: FakeBotAPI, people: list[Any], cases: list[int | None]) -> list[str]:
    """Every resident acknowledged once, the case numbers 1..N each once."""
    errors = []
    for user in people:
        acks = [m for m in server.messages(user.id) if "已受理" in text_of(m)]
        if len(acks) != 1:
            errors.append(f"chat {user.id}: {len(acks)} acknowledgements")
    numbers = sorted(c for c in cases if c is not None)
    if numbers != list(range(1, len(people) + 1)):
        errors.append(f"case numbers are not 1..{len(people)} each once: {len(numbers)} numbers")
    return errors


async def run(
    report: Report,
    residents: int,
    workdir: Path,
    quick: bool = False,
    worker_cpu: float | None = None,
) -> list[Run]:
    """The single SQLite process, then 1, 2 and 4 workers on PostgreSQL (and 6 with a CPU quota
    per worker); adds the rows. Without writable cgroups the quota is left out and noted."""
    if worker_cpu:
        quotas, why = Quotas.open(worker_cpu)
        if quotas is None:
            report.note(f"workers: --worker-cpu {worker_cpu} left out: {why}")
            print(f"workers: --worker-cpu {worker_cpu} left out: {why}", flush=True)
            worker_cpu = None
    counts = QUOTA_WORKERS if worker_cpu else WORKERS
    runs = [await measure("sqlite-1-process", 1, residents, None, workdir, worker_cpu)]
    show(runs[-1])
    for workers in counts[:2] if quick else counts:
        async with fresh_database() as url:
            if url is None:
                report.note(f"workers: PostgreSQL half not run, no server at {POSTGRES_URL}")
                break
            name = f"postgresql-{workers}-workers"
            runs.append(await measure(name, workers, residents, url, workdir, worker_cpu))
            show(runs[-1])
    rows(report, runs, residents)
    return runs


def show(r: Run) -> None:
    """One run's line as it ends."""
    print(
        f"{r.name}: {r.turns} turns in {r.seconds:.1f} s ({r.rate:.0f}/s), "
        f"p50 {ms(percentile(r.latencies, 50))} p99 {ms(percentile(r.latencies, 99))}, "
        f"CPU ms/turn: bot {r.per_turn(r.bot_cpu):.1f}, PostgreSQL {r.per_turn(r.pg_cpu):.1f}, "
        f"bench {r.per_turn(r.bench_cpu):.1f}; post answered p99 {ms(percentile(r.posts, 99))}; "
        f"machine busy {r.machine_busy:.0%}, ours {r.ours():.0%}; {quota(r)}load average "
        f"{' '.join(f'{x:.2f}' for x in r.load)}; {len(r.errors)} errors",
        flush=True,
    )


def quota(r: Run) -> str:
    """The CPU quota each serving process had, and how long they waited for it ('' if none)."""
    if not r.worker_cpu:
        return ""
    return f"{r.worker_cpu:g} core each, throttled {r.throttled:.1f} s in all; "


def rows(report: Report, runs: list[Run], residents: int) -> None:
    """One row per configuration, the errors row, and the note on where growth stops."""
    cores = os.cpu_count() or 1
    for r in runs:
        where = (
            "SQLite, 1 process"
            if r.name.startswith("sqlite")
            else f"PostgreSQL, {r.workers} worker{'s' * (r.workers > 1)}"
        ) + (f", {r.worker_cpu:g} core each (cgroup)" if r.worker_cpu else "")
        pg = f", PostgreSQL {r.per_turn(r.pg_cpu):.1f}" if r.pg_cpu == r.pg_cpu else ""
        report.add(
            Row(
                "workers",
                f"webhook, {residents} residents at once, {r.turns} turns: {where}",
                f"{r.rate:.0f} turns/s; p50 {ms(percentile(r.latencies, 50))} · "
                f"p99 {ms(percentile(r.latencies, 99))}; CPU ms/turn: bot "
                f"{r.per_turn(r.bot_cpu):.1f}{pg}, bench {r.per_turn(r.bench_cpu):.1f}; machine "
                f"busy {r.machine_busy:.0%} (ours {r.ours():.0%})",
                values=r.values(),
            )
        )
    errors = sum(len(r.errors) for r in runs)
    report.add(
        Row(
            "workers",
            "workers: residents missing a reply, chats acknowledged twice, cases missing or twice",
            str(errors),
            "0",
            errors == 0,
            values={r.name: r.errors[:20] for r in runs},
        )
    )
    report.note(growth(runs, cores))


def growth(runs: list[Run], cores: int) -> str:
    """Where throughput stops growing with workers, and why (the CPU the machine has)."""
    pg = [r for r in runs if r.name.startswith("postgresql")]
    if not pg:
        return f"workers: no PostgreSQL runs ({cores} cores)"
    curve = " → ".join(f"{r.workers}: {r.rate:.0f}/s" for r in pg)
    best = pg[0]
    for r in pg[1:]:
        if r.rate > best.rate * 1.05:
            best = r
    bot, pg_ms, bench = (best.per_turn(c) for c in (best.bot_cpu, best.pg_cpu, best.bench_cpu))
    per_turn = bot + pg_ms + bench
    ceiling = cores * 1000 / per_turn if per_turn > 0 else float("nan")
    busy = best.machine_busy
    limited = ""
    if best.worker_cpu:
        waits = ", ".join(f"{r.workers}: {r.throttled:.1f} s" for r in pg)
        limited = (
            f" Each worker ran in a cgroup of its own limited to {best.worker_cpu:g} core (as if "
            f"on a small machine of its own); the workers waited for their quota, in all, by "
            f"worker count: {waits}: where that wait is long the workers' quota is the limit, "
            "where it falls away the machine's cores are."
        )
    where = (
        f"still grows at {best.workers} worker(s), the most measured"
        if best is pg[-1] and len(pg) > 1
        else f"stops growing at {best.workers} worker(s)"
    )
    return (
        f"workers on PostgreSQL, turns/s by worker count: {curve}, on {cores} cores. Throughput "
        f"{where}: a turn costs {per_turn:.1f} ms of CPU on "
        f"this machine (the bot {bot:.1f}, the PostgreSQL server {pg_ms:.1f} = "
        f"{pg_ms / per_turn:.0%}, the bench's fake Bot API, proxy and residents {bench:.1f}), "
        f"so {cores} cores carry at most ~{ceiling:.0f} turns/s whatever the worker count, and "
        f"only if nothing else runs: the machine was {busy:.0%} busy during that run, the bench "
        f"and its bot {best.ours():.0%} of it. Once the cores are busy, workers beyond the first "
        "only share them (more processes, context switches, lock and connection traffic). On "
        "separate machines the workers' share scales out; the server's share is the part one "
        "PostgreSQL keeps."
    ) + limited
