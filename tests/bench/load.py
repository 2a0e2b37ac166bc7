"""Intake under load, start-up and memory: the real bot.py as a subprocess against the fake Bot API.

Each scenario starts a fresh fake server in this process and a fresh bot process, lets N simulated
people go at it at once, and notes every reply's latency, the throughput, the errors, the bot's
start-up time, its memory (VmRSS) and the CPU it used. Minqing runs with Telegram's limits (as in
production) and with them lifted, beside the minimal PTB echo bot as the floor that the library
and the transport set.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from core import roster
from storage.db import Database
from storage.unit_of_work import unit_factory
from tests.bench.dbscale import district
from tests.bench.procs import TOKEN, BotProcess, sniffio_installed, spawn_echo, spawn_minqing
from tests.bench.report import Report, Row, below, median, ms, percentile
from tests.bench.users import REPLIES_PER_RESIDENT, StampedServer, echo_user, resident
from tests.fakes import FakeBotAPI

COORDINATORS = (9_000_001, 9_000_002, 9_000_003)
MEMBERS = 15
UP_WITHIN = 60.0
SETTLE = 1.0  # after the first poll: start-up deliveries (menus, welcomes) go out
QUIET_FOR = 1.0  # after the load: the bot has sent nothing for this long
LIFTED = {
    "MINQING_SEND_RATE": "1000000",
    "MINQING_CHAT_RATE": "1000000",
    "MINQING_CHAT_BURST": "1000000",
}
TARGET_STARTUP = 2.0
DEFAULT_CONCURRENCY = 32
TARGET_RSS = 150.0


@dataclass
class Scenario:
    """One run: which bot, with what settings."""

    name: str
    bot: str  # "minqing" | "echo"
    settings: dict[str, str] = field(default_factory=dict)
    hide_sniffio: bool = False
    latency: float = 0.0  # added to every Bot API call (a round trip), in seconds


@dataclass
class Result:
    """What one scenario measured."""

    scenario: Scenario
    users: int
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = float("nan")
    startup: float = float("nan")
    rss_start: float = float("nan")
    rss_after: float = float("nan")
    cpu: float = float("nan")
    cases: list[int] = field(default_factory=list)

    @property
    def replies(self) -> int:
        """Replies timed."""
        return len(self.latencies)

    def p(self, q: float) -> float:
        """A latency percentile in seconds."""
        return percentile(self.latencies, q)

    @property
    def rate(self) -> float:
        """Replies per second over the run."""
        return self.replies / self.seconds if self.seconds > 0 else float("nan")

    @property
    def cpu_per_reply(self) -> float:
        """The bot's CPU seconds per reply during the load."""
        return self.cpu / self.replies if self.replies else float("nan")

    def summary(self) -> str:
        """p50 / p95 / p99, as the table shows them."""
        return f"p50 {ms(self.p(50))} · p95 {ms(self.p(95))} · p99 {ms(self.p(99))}"


async def seed_members(path: Path) -> list[tuple[int, str]]:
    """Members in each tank at several stations, as `bot.py member add` makes them."""
    dist = district()
    db = await Database.open(path)
    made = []
    try:
        async with unit_factory(db)() as uow:
            for i in range(MEMBERS):
                tank = dist.tanks[i % len(dist.tanks)].code
                station = dist.stations[i % len(dist.stations)].code
                user_id = 8_000_001 + i
                name = f"委员{i + 1}"
                await roster.add_member(
                    uow, dist, "telegram", str(user_id), tank, datetime.now(UTC), name, station
                )
                made.append((user_id, name))
            await uow.commit()
    finally:
        await db.close()
    return made


async def _up(server: FakeBotAPI, bot: BotProcess) -> None:
    """Wait until the bot polls; raise if it exits first."""
    polling = asyncio.create_task(server.wait_until_polling(UP_WITHIN))
    exited = asyncio.create_task(bot.proc.wait())
    done, _ = await asyncio.wait({polling, exited}, return_when=asyncio.FIRST_COMPLETED)
    for task in (polling, exited):
        if task not in done:
            task.cancel()
    if polling not in done:
        tail = bot.log.read_text(errors="replace")[-800:]
        raise RuntimeError(f"the bot exited with {bot.proc.returncode} before polling: {tail}")
    polling.result()


async def _quiet(server: FakeBotAPI, within: float = 120.0) -> None:
    """Wait until the bot has made no call but getUpdates for QUIET_FOR seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        calls = [c for c in server.calls() if c.method != "getUpdates"]
        last = calls[-1].time if calls else 0.0
        if loop.time() - last >= QUIET_FOR:
            return
        await asyncio.sleep(0.2)


async def run_scenario(scenario: Scenario, users: int, workdir: Path) -> Result:
    """Start a fake server and the bot, run the load, and measure."""
    result = Result(scenario, users)
    loop = asyncio.get_running_loop()
    async with FakeBotAPI(token=TOKEN, latency=scenario.latency) as server:
        stamps = StampedServer(server)
        log = workdir / f"{scenario.name}.log"
        if scenario.bot == "minqing":
            database = workdir / f"{scenario.name}.db"
            for user_id, name in await seed_members(database):
                server.user(user_id, name)
            for user_id in COORDINATORS:
                server.user(user_id, f"协调员{user_id - 9_000_000}")
            settings = {"MINQING_COORDINATORS": ",".join(map(str, COORDINATORS))}
            bot = await spawn_minqing(
                server.api_url,
                database,
                log,
                settings | scenario.settings,
                scenario.hide_sniffio,
            )
        else:
            pool = int(scenario.settings.get("pool", "256"))
            bot = await spawn_echo(server.api_url, log, pool, scenario.hide_sniffio)
        try:
            await _up(server, bot)
            assert stamps.first_poll is not None
            result.startup = stamps.first_poll - bot.spawned
            await asyncio.sleep(SETTLE)
            await _quiet(server)
            result.rss_start = bot.rss_mb()
            cpu = bot.cpu_seconds()
            people = [server.user(10_000_001 + i, f"居民{i}") for i in range(users)]
            started = loop.time()
            if scenario.bot == "minqing":
                runs = [resident(stamps, u, i, phone=i % 2 == 0) for i, u in enumerate(people)]
            else:
                runs = [echo_user(stamps, u, i, REPLIES_PER_RESIDENT) for i, u in enumerate(people)]
            outcomes = await asyncio.gather(*runs)
            result.seconds = loop.time() - started
            result.cpu = bot.cpu_seconds() - cpu
            await _quiet(server)
            result.rss_after = bot.rss_mb()
            for outcome in outcomes:
                result.latencies.extend(outcome.latencies)
                if outcome.error:
                    result.errors.append(outcome.error)
                if outcome.case is not None:
                    result.cases.append(outcome.case)
        except Exception as e:
            result.errors.append(f"{type(e).__name__}: {e}"[:500])
        finally:
            code = await bot.stop()
        failed = [c for c in server.calls() if c.status >= 400 and c.method != "getUpdates"]
        result.errors += [f"{c.method} answered {c.status}" for c in failed]
        result.errors += [f"fake Bot API: {e!r}" for e in server.errors]
        result.errors += [f"bot log: {line}" for line in bot.errors()]
        if code not in (0, -15):
            result.errors.append(f"the bot exited with {code}")
    numbers = sorted(result.cases)
    if scenario.bot == "minqing" and numbers and numbers != list(range(1, len(numbers) + 1)):
        result.errors.append("case numbers are not 1..N, each once")
    return result


def scenarios(quick: bool) -> list[Scenario]:
    """The runs: production limits, lifted limits, the echo floor; pool sizes and sniffio."""
    runs = [
        Scenario("minqing-telegram-limits", "minqing"),
        Scenario("minqing-lifted", "minqing", dict(LIFTED)),
        Scenario("echo", "echo"),
    ]
    if not quick:
        for size in (8, 128, 256):
            runs.append(
                Scenario(
                    f"minqing-lifted-concurrency-{size}",
                    "minqing",
                    LIFTED | {"MINQING_CONCURRENCY": str(size)},
                )
            )
    if sniffio_installed():
        runs.append(Scenario("minqing-lifted-without-sniffio", "minqing", dict(LIFTED), True))
    return runs


async def run(report: Report, users: int, workdir: Path, quick: bool = False) -> list[Result]:
    """Every load scenario; adds the rows to report."""
    results = []
    for scenario in scenarios(quick):
        result = await run_scenario(scenario, users, workdir)
        print(
            f"{scenario.name}: {result.replies} replies in {result.seconds:.1f} s, "
            f"{result.summary()}, {len(result.errors)} errors, start-up {result.startup:.2f} s, "
            f"RSS {result.rss_start:.0f}/{result.rss_after:.0f} MiB, "
            f"CPU {result.cpu_per_reply * 1000:.2f} ms/reply",
            flush=True,
        )
        results.append(result)
    rows(report, results, users)
    from tests.bench import pace

    results.append(await pace.run(report, users, workdir))
    return results


def _by_name(results: list[Result]) -> dict[str, Result]:
    return {r.scenario.name: r for r in results}


def rows(report: Report, results: list[Result], users: int) -> None:
    """The table's rows for the load, start-up and memory."""
    named = _by_name(results)
    prod, lifted, echo = (
        named.get("minqing-telegram-limits"),
        named.get("minqing-lifted"),
        named.get("echo"),
    )
    section = "load"
    if prod is not None:
        report.add(
            Row(
                section,
                f"intake, {users} residents at once, Telegram's limits (30/s, 1/s/chat)",
                f"{prod.summary()}; {prod.rate:.0f} replies/s",
                "- (the 30/s limit sets it)",
                values=_values(prod),
            )
        )
    if lifted is not None and echo is not None:
        report.add(
            Row(
                section,
                f"intake, {users} residents at once, limits lifted (per message)",
                f"{lifted.summary()}; {lifted.rate:.0f} replies/s",
                "- (see the side-by-side row)",
                values=_values(lifted),
            )
        )
        report.add(
            Row(
                section,
                f"echo bot with concurrent_updates=256 and 256 connections, {users} users x "
                f"{REPLIES_PER_RESIDENT} messages (not comparable: see side by side)",
                f"{echo.summary()}; {echo.rate:.0f} replies/s",
                values=_values(echo),
            )
        )
    errors = sum(len(r.errors) for r in results)
    report.add(
        Row(
            section,
            f"errors over {len(results)} runs ({sum(r.replies for r in results):,} replies)",
            str(errors),
            "0",
            errors == 0,
            values={r.scenario.name: r.errors[:20] for r in results},
        )
    )
    _pool_rows(report, named)
    _startup_rows(report, results)


def _values(r: Result) -> dict[str, float]:
    return {
        "p50_s": r.p(50),
        "p95_s": r.p(95),
        "p99_s": r.p(99),
        "replies": r.replies,
        "seconds": r.seconds,
        "replies_per_s": r.rate,
        "cpu_ms_per_reply": r.cpu_per_reply * 1000,
        "startup_s": r.startup,
        "rss_start_mib": r.rss_start,
        "rss_after_mib": r.rss_after,
    }


def _pool_rows(report: Report, named: dict[str, Result]) -> None:
    sizes = [
        (size, named.get(name))
        for size, name in (
            (8, "minqing-lifted-concurrency-8"),
            (32, "minqing-lifted"),
            (128, "minqing-lifted-concurrency-128"),
            (256, "minqing-lifted-concurrency-256"),
        )
    ]
    measured = [(size, r) for size, r in sizes if r is not None]
    if len(measured) > 1:
        figure = " · ".join(
            f"{size}{' (default)' if size == DEFAULT_CONCURRENCY else ''}: p99 {ms(r.p(99))}, "
            f"{r.rate:.0f}/s, {r.cpu_per_reply * 1000:.1f} ms CPU/reply"
            for size, r in measured
        )
        report.add(
            Row(
                "load",
                "concurrency (HTTP pool = concurrency + 8), limits lifted",
                figure,
                values={str(size): _values(r) for size, r in measured},
            )
        )
    hidden, lifted = named.get("minqing-lifted-without-sniffio"), named.get("minqing-lifted")
    if hidden is not None and lifted is not None:
        saved = 1 - lifted.cpu_per_reply / hidden.cpu_per_reply
        report.add(
            Row(
                "load",
                "sniffio installed vs hidden: bot CPU per reply, limits lifted",
                f"{lifted.cpu_per_reply * 1000:.2f} vs {hidden.cpu_per_reply * 1000:.2f} ms "
                f"({saved:.0%} less); p99 {ms(lifted.p(99))} vs {ms(hidden.p(99))}",
                values={"with": _values(lifted), "without": _values(hidden)},
            )
        )


def _startup_rows(report: Report, results: list[Result]) -> None:
    minqing = [r for r in results if r.scenario.bot == "minqing"]
    if not minqing:
        return
    startup = median([r.startup for r in minqing])
    met, margin = below(startup, TARGET_STARTUP)
    report.add(
        Row(
            "start-up",
            f"start-up: spawn to first getUpdates (median of {len(minqing)} starts)",
            f"{startup:.2f} s",
            f"< {TARGET_STARTUP:.0f} s",
            met,
            margin,
            {"starts_s": [r.startup for r in minqing]},
        )
    )
    start = max(r.rss_start for r in minqing)
    after = max(r.rss_after for r in minqing)
    for what, value in (("after start-up", start), ("after the load", after)):
        met, margin = below(value, TARGET_RSS)
        report.add(
            Row(
                "memory",
                f"resident memory (VmRSS) {what}, largest of {len(minqing)} runs",
                f"{value:.0f} MiB",
                f"< {TARGET_RSS:.0f} MiB",
                met,
                margin,
            )
        )
    echo = [r for r in results if r.scenario.bot == "echo"]
    if echo:
        report.note(
            f"the echo bot for comparison: start-up {echo[0].startup:.2f} s, "
            f"VmRSS {echo[0].rss_start:.0f} MiB after start-up, {echo[0].rss_after:.0f} MiB after"
        )
