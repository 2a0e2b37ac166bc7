"""The sweep on PostgreSQL reading ahead for its batches and sending its writes gathered
(storage/pg_unit.py): it decides and writes exactly what it does reading case by case, and a
batch that fails is rolled back whole, its reminders sent once when the sweep runs again.

The district is the bench's (tests/bench/pgscale.py), small: residents, members of several
tanks, cases due at every rung (reminders, auto-assignments that edit earlier notices, wider
notices, escalations, cases closed unrated)."""

from __future__ import annotations

import asyncio
import re
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, cast

import asyncpg
import pytest

from core.cases.sweep import BATCH
from core.ports import UnitOfWork
from core.service import Service
from storage.db import Database, to_ms
from storage.pg import PgDatabase, PgUnitOfWork, pg_unit_factory
from storage.views import SqlViews
from tests.bench import pgscale
from tests.bench.dbgen import Shape
from tests.bench.dbscale import NOW, district
from tests.support import RULES, UNLIMITED, RuleClassifier

ACTIONS = re.compile(r"(act:\d+:)[0-9a-f]+")  # a message's actions key ends in a random token


class CaseByCase:
    """A PostgreSQL unit of work that does not read ahead: the sweep reads case by case."""

    def __init__(self, unit: PgUnitOfWork) -> None:
        self.unit = unit

    def __getattr__(self, name: str) -> Any:
        if name == "read_ahead":
            raise AttributeError(name)
        return getattr(self.unit, name)

    async def __aenter__(self) -> CaseByCase:
        await self.unit.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.unit.__aexit__(exc_type, exc, tb)


@dataclass
class Bench:
    """A filled schema, the due set kept aside, and sweeps on it."""

    db: PgDatabase
    conn: asyncpg.Connection
    reset: pgscale.Reset
    due: int

    def service(self, units: Callable[[], UnitOfWork]) -> Service:
        views = SqlViews(cast(Database, self.db))
        return Service(units, district(), RuleClassifier(RULES), lambda: NOW, views, UNLIMITED)

    async def told(self) -> Counter[int | None]:
        """How many messages the sweeps since the reset queued about each case (None: edits)."""
        rows = await self.conn.fetch(
            "SELECT case_id FROM outbox WHERE id > $1", self.reset.marks["outbox"]
        )
        return Counter(row[0] for row in rows)

    async def outcome(self) -> tuple[dict[Any, Counter[Any]], dict[int, list[Any]], set[Any]]:
        """What the sweeps since the reset wrote: each chat's messages (their actions keys'
        random tokens left out), each case's new events in order, and the due cases' rows."""
        messages: dict[Any, Counter[Any]] = defaultdict(Counter)
        for row in await self.conn.fetch(
            "SELECT channel, chat_id, kind, payload, key, case_id, status FROM outbox"
            " WHERE id > $1 ORDER BY id",
            self.reset.marks["outbox"],
        ):
            kept = tuple(ACTIONS.sub(r"\1", v) if isinstance(v, str) else v for v in row[2:])
            messages[(row[0], row[1])][kept] += 1
        events: dict[int, list[Any]] = defaultdict(list)
        for row in await self.conn.fetch(
            "SELECT case_id, kind, actor_id, at, data FROM case_events WHERE id > $1 ORDER BY id",
            self.reset.marks["case_events"],
        ):
            events[row[0]].append(tuple(row[1:]))
        cases = {
            tuple(row)
            for row in await self.conn.fetch(
                "SELECT c.* FROM cases c JOIN sweep_saved s ON s.id = c.id"
            )
        }
        return dict(messages), dict(events), cases


@pytest.fixture
async def bench(pg_schema: tuple[str, str]) -> AsyncIterator[Bench]:
    url, schema = pg_schema
    db = await PgDatabase.open(url, schema=schema)
    conn = await db.pool.acquire()
    try:
        await pgscale.fill(conn, Shape.scaled(20_000, 200))
        reset = pgscale.Reset(conn, NOW)
        yield Bench(db, conn, reset, await reset.capture())
    finally:
        await db.pool.release(conn)
        await db.close()


async def test_reading_ahead_decides_and_writes_what_reading_case_by_case_does(
    bench: Bench,
) -> None:
    plain = pg_unit_factory(bench.db)
    ahead = await bench.service(plain).sweep()
    read_ahead = await bench.outcome()
    await bench.reset.restore()
    by_case = cast(Callable[[], UnitOfWork], lambda: CaseByCase(plain()))
    one_by_one = await bench.service(by_case).sweep()
    assert len(ahead) == len(one_by_one) > bench.due
    assert await bench.outcome() == read_ahead
    messages, events, _ = read_ahead
    kinds = Counter(e[0] for timeline in events.values() for e in timeline)
    # every path that reads what the unit wrote before it: notices edited after they were
    # sent wider, a timeline shown with the event just added
    assert {"reminder", "escalated", "auto_assigned"} <= set(kinds), kinds
    edits = Counter(m[0] for chat in messages.values() for m in chat)
    assert edits["edit"] > 0 and edits["send"] > 0, edits


async def test_a_batch_that_fails_is_rolled_back_whole_and_sent_once_later(bench: Bench) -> None:
    units = pg_unit_factory(bench.db)
    clean = await bench.service(units).sweep()
    reference = await bench.outcome()
    await bench.reset.restore()
    # the 70th case due (the second batch) cannot be written
    poisoned = await bench.conn.fetchval(
        "SELECT id FROM cases WHERE next_check_at <= $1 ORDER BY next_check_at OFFSET 69 LIMIT 1",
        to_ms(NOW),
    )
    await bench.conn.execute(
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN RAISE EXCEPTION 'refused'; END $$"
    )
    await bench.conn.execute(
        "CREATE TRIGGER refuse BEFORE UPDATE ON cases FOR EACH ROW"
        f" WHEN (OLD.id = {int(poisoned)}) EXECUTE FUNCTION refuse()"
    )
    with pytest.raises(asyncpg.RaiseError):
        await bench.service(units).sweep()
    messages, events, cases = await bench.outcome()
    before = {tuple(row) for row in await bench.conn.fetch("SELECT * FROM sweep_saved")}
    # each due case is as the first batch left it (committed whole), or as it was
    assert cases <= reference[2] | before
    swept = {row[0] for row in cases & reference[2]}
    untouched = {row[0] for row in cases - reference[2]}
    assert poisoned in untouched and len(untouched) >= BATCH  # and the rest of its batch
    assert swept and not swept & untouched
    assert {m[3] for chat in messages.values() for m in chat} - {None} <= swept
    assert set(events) <= swept
    await bench.conn.execute("DROP TRIGGER refuse ON cases")
    again = await bench.service(units).sweep()
    assert len(again) < len(clean)
    assert await bench.outcome() == reference  # nothing lost, nothing twice


class Trips:
    """A pooled connection's statements, counted (each is one round trip to the server)."""

    def __init__(self, raw: asyncpg.Connection, counted: Counter[str]) -> None:
        self.raw, self.counted = raw, counted

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.raw, name)
        if name in ("execute", "executemany", "fetch", "fetchrow", "fetchval"):
            self.counted[name] += 1
        return found


async def test_the_sweep_makes_a_few_round_trips_a_batch_not_a_few_a_case(bench: Bench) -> None:
    counted: Counter[str] = Counter()

    class Counted(PgUnitOfWork):
        async def __aenter__(self) -> Counted:
            await super().__aenter__()
            self.conn.raw = Trips(self.conn.raw, counted)
            return self

    sent = await bench.service(lambda: Counted(bench.db)).sweep()
    batches = -(-bench.due // BATCH) + 1  # and the one that finds nothing more
    assert len(sent) > 3 * bench.due
    # a batch: BEGIN, the due cases, three reads ahead, outbox ids, the loads (writes sent
    # before them), three runs of writes, COMMIT; case by case it was over four a case
    assert sum(counted.values()) <= 20 * batches < bench.due, counted


async def test_two_workers_sweeping_at_once_act_on_each_case_once(
    bench: Bench, pg_schema: tuple[str, str]
) -> None:
    await bench.service(pg_unit_factory(bench.db)).sweep()
    _, reference, _ = await bench.outcome()
    told = await bench.told()
    await bench.reset.restore()
    other = await PgDatabase.open(*pg_schema)
    try:
        runs = await asyncio.gather(
            *(bench.service(pg_unit_factory(db)).sweep() for db in (bench.db, other))
        )
    finally:
        await other.close()
    assert all(runs)  # both took a share
    _, events, _ = await bench.outcome()
    # each case's timeline grew as one sweep alone grew it (the member a case is given to may
    # differ: each sweep counts the loads it changes), and each case was told as often
    assert {c: [e[0] for e in t] for c, t in events.items()} == {
        c: [e[0] for e in t] for c, t in reference.items()
    }
    again = await bench.told()
    assert again == told
