"""Intake beside a bare PTB echo bot, measured the same way, in alternating runs.

What is measured: N people at once, each making four round trips and waiting for each to be
answered before the next. Minqing's residents file a concern (the concern, a station button, a
contact, the confirmation button); the echo bot's users send four texts. A step's latency runs
from the moment its update reaches the fake Bot API to the moment the step's last reply does
(a message or a button answer): until the person can go on. Both bots talk to the same fake
server on 127.0.0.1, driven by the same simulated client, one after the other, alternating
(echo, Minqing, echo, Minqing, ...) so that the machine's load falls on both alike; the ratio of
each pair's p99, their median and spread are reported.

The echo bot is python-telegram-bot as its examples run it: its defaults, which handle one
update at a time over httpx. (The older echo row runs it with concurrent_updates=256 and 256
connections: httpcore's pool then costs it three times the CPU per reply and a tail of several
seconds, and its users make eight round trips, not four; that made Minqing look 3-5 times faster
than a bare echo bot when, measured alike, it was 9-14 times slower.) Minqing runs with Telegram's
limits lifted: its pace in all and per chat, and the number of new messages in flight.
"""

from __future__ import annotations

import asyncio
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from tests.bench.load import COORDINATORS, LIFTED, _quiet, _up, seed_members
from tests.bench.procs import TOKEN, BotProcess, spawn_echo, spawn_minqing
from tests.bench.report import Report, Row, below, ms, percentile
from tests.bench.users import STEPS_PER_RESIDENT, StampedServer, echo_user, resident
from tests.fakes import FakeBotAPI

TARGET_RATIO = 1.5
SETTLE = 1.0
MINQING = LIFTED | {"MINQING_SENDS_IN_FLIGHT": "32"}


@dataclass
class Run:
    """One bot's run: its steps' latencies (seconds), the time and the bot's CPU."""

    bot: str
    steps: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = float("nan")
    cpu: float = float("nan")

    def p(self, q: float) -> float:
        """A step latency percentile in seconds."""
        return percentile(self.steps, q)

    @property
    def cpu_per_step(self) -> float:
        """The bot's CPU seconds per step."""
        return self.cpu / len(self.steps) if self.steps else float("nan")

    def summary(self) -> str:
        """p50 / p95 / p99 and CPU, as the table shows them."""
        return (
            f"p50 {ms(self.p(50))} · p95 {ms(self.p(95))} · p99 {ms(self.p(99))}; "
            f"{self.cpu_per_step * 1000:.1f} ms CPU/step"
        )


async def _spawn(bot: str, server: FakeBotAPI, workdir: Path, n: int) -> BotProcess:
    log = workdir / f"side-{bot}-{n}.log"
    if bot == "echo":
        return await spawn_echo(server.api_url, log, concurrent_updates=0)
    database = workdir / f"side-minqing-{n}.db"
    for user_id, name in await seed_members(database):
        server.user(user_id, name)
    for user_id in COORDINATORS:
        server.user(user_id, f"协调员{user_id - 9_000_000}")
    settings = MINQING | {"MINQING_COORDINATORS": ",".join(map(str, COORDINATORS))}
    return await spawn_minqing(server.api_url, database, log, settings)


async def run_one(bot: str, users: int, workdir: Path, n: int) -> Run:
    """Start a fresh fake server and the bot; everyone makes their four round trips at once."""
    run = Run(bot)
    loop = asyncio.get_running_loop()
    async with FakeBotAPI(token=TOKEN) as server:
        stamps = StampedServer(server)
        process = await _spawn(bot, server, workdir, n)
        try:
            await _up(server, process)
            await asyncio.sleep(SETTLE)
            await _quiet(server)
            people = [server.user(10_000_001 + i, f"居民{i}") for i in range(users)]
            cpu, started = process.cpu_seconds(), loop.time()
            if bot == "echo":
                runs = [echo_user(stamps, u, i, STEPS_PER_RESIDENT) for i, u in enumerate(people)]
            else:
                runs = [resident(stamps, u, i, phone=i % 2 == 0) for i, u in enumerate(people)]
            outcomes = await asyncio.gather(*runs)
            run.seconds, run.cpu = loop.time() - started, process.cpu_seconds() - cpu
            for outcome in outcomes:
                run.steps.extend(outcome.steps)
                if outcome.error:
                    run.errors.append(outcome.error)
        except Exception as e:
            run.errors.append(f"{type(e).__name__}: {e}"[:500])
        finally:
            await process.stop()
        failed = [c for c in server.calls() if c.status >= 400 and c.method != "getUpdates"]
        run.errors += [f"{c.method} answered {c.status}" for c in failed]
        run.errors += [f"bot log: {line}" for line in process.errors()]
    return run


async def run(report: Report, users: int, workdir: Path, rounds: int) -> list[tuple[Run, Run]]:
    """Alternate echo and Minqing `rounds` times; adds the rows to report."""
    pairs = []
    for n in range(rounds):
        echo = await run_one("echo", users, workdir, n)
        minqing = await run_one("minqing", users, workdir, n)
        pairs.append((echo, minqing))
        print(
            f"side by side {n + 1}/{rounds}: echo {echo.summary()}; minqing {minqing.summary()}; "
            f"p99 ratio {minqing.p(99) / echo.p(99):.2f}; "
            f"errors {len(echo.errors)}/{len(minqing.errors)}",
            flush=True,
        )
    rows(report, pairs, users)
    return pairs


def rows(report: Report, pairs: list[tuple[Run, Run]], users: int) -> None:
    """The ratio row with its target, and the two bots' figures."""
    ratios = [m.p(99) / e.p(99) for e, m in pairs]
    ratio = statistics.median(ratios)
    met, margin = below(ratio, TARGET_RATIO)
    errors = sum(len(e.errors) + len(m.errors) for e, m in pairs)
    spread = ", ".join(f"{r:.2f}" for r in ratios)
    report.add(
        Row(
            "load",
            f"intake p99 vs a bare PTB echo bot's, {users} people x {STEPS_PER_RESIDENT} round "
            f"trips, per step, side by side ({len(pairs)} alternating pairs)",
            f"{ratio:.2f}x (median; pairs {spread}); {errors} errors",
            f"<= {TARGET_RATIO}x",
            met and errors == 0,
            margin,
            {"ratios": ratios, "errors": errors},
        )
    )
    for index, name in ((1, "Minqing, limits lifted"), (0, "bare PTB echo bot")):
        runs = [pair[index] for pair in pairs]
        middle = sorted(runs, key=lambda r: r.p(99))[len(runs) // 2]
        report.add(
            Row(
                "load",
                f"{name}: step latency, the run of median p99",
                f"{middle.summary()}; {len(middle.steps)} steps in {middle.seconds:.1f} s",
                values={
                    "p99_s": [r.p(99) for r in runs],
                    "p50_s": [r.p(50) for r in runs],
                    "cpu_ms_per_step": [r.cpu_per_step * 1000 for r in runs],
                },
            )
        )
    report.note(
        "intake side by side: each person makes 4 round trips and waits for each; a step is "
        "timed from its update reaching the fake Bot API to its last reply (message or button "
        "answer) doing so. The echo bot runs with PTB's defaults (one update at a time, httpx); "
        "Minqing with its limits lifted (rate, per-chat rate, 32 new messages in flight)"
    )
