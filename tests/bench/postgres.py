"""PostgreSQL beside SQLite: residents' turns on the storage path (a unit of work that reads the
sender and the chat's conversation, files a case with its event and a reply in the outbox, and
commits), 200 residents at once, against 1, 2 and 4 worker processes on one PostgreSQL server
and against the single SQLite process. Each worker is a process of its own with its own pool.

    python -m tests.bench --only postgres
    python -m tests.bench.postgres --worker URL SCHEMA FIRST COUNT TURNS   (one worker, internal)
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.messages import Outbound
from core.models import Case, CaseEvent, CaseStatus, Person
from core.ports import UnitOfWork
from tests.bench.report import Report, Row, percentile
from tests.pg import POSTGRES_URL

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
TURNS = 10  # per resident
WORKERS = (1, 2, 4)


async def add_residents(open_unit: Callable[[], UnitOfWork], count: int) -> None:
    """The residents, once."""
    async with open_unit() as uow:
        for uid in range(count):
            await uow.people.add(Person(0, "telegram", str(uid), str(uid)), NOW)
        await uow.commit()


async def turn(open_unit: Callable[[], UnitOfWork], uid: int) -> float:
    """One resident's turn; returns its seconds."""
    started = time.perf_counter()
    chat = str(uid)
    async with open_unit() as uow:
        uow.expect_turn("telegram", chat, chat)  # type: ignore[attr-defined]
        person = await uow.people.by_external("telegram", chat)
        assert person is not None
        await uow.dialogs.get("telegram", chat)
        case = await uow.cases.add(
            Case(0, person.id, "路灯坏了", NOW, NOW, status=CaseStatus.OPEN, tank="law")
        )
        await uow.events.add(CaseEvent(case.id, "filed", NOW, person.id, {}))
        await uow.outbox.add(Outbound(channel="telegram", chat_id=chat, text="已受理"), NOW)
        await uow.commit()
    return time.perf_counter() - started


async def residents(open_unit: Callable[[], UnitOfWork], uids: range, turns: int) -> list[float]:
    """Each resident's turns one after another, every resident at once; the turns' seconds."""

    async def one(uid: int) -> list[float]:
        return [await turn(open_unit, uid) for _ in range(turns)]

    return [s for found in await asyncio.gather(*(one(u) for u in uids)) for s in found]


async def worker(url: str, schema: str, first: int, count: int, turns: int) -> dict[str, Any]:
    """One worker process's share of the residents: when it began and ended its turns (the
    machine's clock, so that the processes' spans can be joined), and each turn's seconds."""
    from storage.pg import PgDatabase

    db = await PgDatabase.open(url, schema=schema, size=10, migrate=False)
    try:
        began = time.time()
        found = await residents(db.unit_factory(), range(first, first + count), turns)
        return {"began": began, "ended": time.time(), "turns": found}
    finally:
        await db.close()


async def pg_run(users: int, workers: int, turns: int) -> tuple[float, list[float]]:
    """users residents over workers processes on a fresh schema: (seconds, turn seconds)."""
    import asyncpg

    from storage.pg import PgDatabase

    schema = f"minqing_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(POSTGRES_URL)
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        db = await PgDatabase.open(POSTGRES_URL, schema=schema)
        await add_residents(db.unit_factory(), users)
        await db.close()
        share = users // workers
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.bench.postgres",
                "--worker",
                POSTGRES_URL,
                schema,
                str(k * share),
                str(share),
                str(turns),
                stdout=asyncio.subprocess.PIPE,
            )
            for k in range(workers)
        ]
        outs = [
            json.loads(out) for out, _ in await asyncio.gather(*(p.communicate() for p in procs))
        ]
        # From the first worker's first turn to the last one's last: start-up is not counted.
        seconds = max(o["ended"] for o in outs) - min(o["began"] for o in outs)
        return seconds, [s for o in outs for s in o["turns"]]
    finally:
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()


async def sqlite_run(users: int, turns: int, workdir: Path) -> tuple[float, list[float]]:
    """The same turns in the single SQLite process."""
    from storage.db import Database
    from storage.unit_of_work import unit_factory

    path = workdir / f"bench-{secrets.token_hex(4)}.db"
    db = await Database.open(path)
    try:
        await add_residents(unit_factory(db), users)
        started = time.perf_counter()
        latencies = await residents(unit_factory(db), range(users), turns)
        return time.perf_counter() - started, latencies
    finally:
        await db.close()


def row(what: str, seconds: float, latencies: list[float], extra: dict[str, Any]) -> Row:
    """A row of turns a second and p99."""
    rate = len(latencies) / seconds
    p99 = percentile(latencies, 99) * 1000
    figure = f"{rate:.0f} turns/s, p99 {p99:.1f} ms ({len(latencies)} turns)"
    return Row("postgres", what, figure, values={"turns_s": rate, "p99_ms": p99, **extra})


async def run(report: Report, users: int, workdir: Path, turns: int = TURNS) -> None:
    """SQLite's single process, then 1, 2 and 4 workers on PostgreSQL."""
    seconds, latencies = await sqlite_run(users, turns, workdir)
    report.add(row(f"{users} residents, SQLite, one process", seconds, latencies, {}))
    try:
        import asyncpg

        await (await asyncpg.connect(POSTGRES_URL, timeout=3)).close()
    except (ImportError, OSError, TimeoutError) as e:
        report.note(f"postgres: not run, no server at MINQING_TEST_POSTGRES ({e})")
        return
    for n in WORKERS:
        seconds, latencies = await pg_run(users, n, turns)
        what = f"{users} residents, PostgreSQL, {n} worker{'s' if n > 1 else ''}"
        report.add(row(what, seconds, latencies, {"workers": n}))
    report.note(
        "postgres: storage turns only (read sender and conversation, file a case, its event and"
        " a reply, commit); each worker a process with a pool of 10 connections"
    )


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    url, schema, first, count, turns = sys.argv[2:7]
    found = asyncio.run(worker(url, schema, int(first), int(count), int(turns)))
    print(json.dumps(found))
