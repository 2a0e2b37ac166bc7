"""The sweep at a million cases on PostgreSQL: the real Service.sweep on a schema filled fast.

The people, the open cases and the latest closed ones are dbgen's (seeded alike), put in by COPY;
the older closed history, nine cases in ten, which the sweep never looks at but every index
carries, is made by generate_series in the server. The case timelines are left out (the sweep
only adds to them). The secondary indexes are dropped during the load and built again after it
from their own definitions, triggers are off for the load only (session_replication_role =
replica: the tallies are then added up once, exactly), then VACUUM ANALYZE: a table that has
been live a while has been vacuumed (autovacuum), and its visibility map lets the members' loads
(an index-only scan of cases_by_assignee) skip the heap, where a table just loaded by COPY and
never vacuumed makes them read thousands of heap pages. Between sweep runs the due
cases are put back as they were and what the sweep added is deleted, so each run does the same
work. The `due` query's plan is shown (EXPLAIN ANALYZE).

    python -m tests.bench --only pgscale [--quick | --cases N]
"""

from __future__ import annotations

import secrets
import time
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from core.service import Service
from storage.db import Database, to_ms
from storage.dialect import postgres
from storage.views import SqlViews
from tests.bench.dbgen import CHUNK, DAY, Shape, _Cases, _Maker
from tests.bench.dbscale import NOW, STEADY, TARGETS, district
from tests.bench.report import Report, Row, below, median, ms
from tests.pg import POSTGRES_URL
from tests.support import RULES, UNLIMITED, RuleClassifier

CASE_COLUMNS = [
    *("id", "resident_id", "channel", "text", "photos", "station", "latitude", "longitude"),
    *("contact_name", "contact_phone", "anonymous", "tank", "confidence", "keywords", "status"),
    *("assignee_id", "created_at", "updated_at", "claimed_at", "first_reply_at", "resolved_at"),
    *("closed_at", "rating", "due_kind", "due_from", "due_at", "remind_level", "next_check_at"),
    *("waiting_since", "extended", "wider_notice_at", "awaiting_member"),
]
PEOPLE_COLUMNS = [
    *("id", "channel", "external_id", "chat_id", "name", "locale", "role", "tank", "station"),
    "created_at",
]
OUTBOX_COLUMNS = [
    *("channel", "chat_id", "kind", "payload", "key", "case_id", "created_at", "status"),
    *("attempts", "next_attempt_at", "sent_at", "message_id"),
]
# What a sweep run changes, put back between runs (ids are from before the runs).
TALLIES = (
    "INSERT INTO case_tally_deltas SELECT status, coalesce(tank, ''), coalesce(rating, ''),"
    " count(*) FROM cases GROUP BY 1, 2, 3",
    "INSERT INTO duration_tally_deltas SELECT kind, tank, minutes, count(*) FROM ("
    " SELECT 'claim' AS kind, coalesce(tank, '') AS tank, (claimed_at - created_at) / 60000"
    " AS minutes FROM cases WHERE claimed_at IS NOT NULL UNION ALL"
    " SELECT 'reply', coalesce(tank, ''), (first_reply_at - created_at) / 60000 FROM cases"
    " WHERE first_reply_at IS NOT NULL UNION ALL"
    " SELECT 'resolve', coalesce(tank, ''), (resolved_at - created_at) / 60000 FROM cases"
    " WHERE resolved_at IS NOT NULL) d GROUP BY 1, 2, 3",
)
# Closed cases ids $1..$2, created over the years before the last 8 days, each claimed, answered,
# resolved and closed by a member of its tank, rated or not; the spread is arithmetic, not random.
HISTORY = (
    "INSERT INTO cases (id, resident_id, channel, text, tank, confidence, keywords, status,"
    " assignee_id, created_at, updated_at, claimed_at, first_reply_at, resolved_at, closed_at,"
    " rating) SELECT g, $5::BIGINT + (g * 7919) % $6::BIGINT, 'telegram',"
    " ($10::TEXT[])[1 + g % array_length($10, 1)],"
    " ($9::TEXT[])[1 + (g % $8::BIGINT) % array_length($9, 1)], 0.8, '[]', 'closed',"
    " $7::BIGINT + 1 + g % $8, c,"
    " c + 86400000 * 9, c + 60000 * (1 + g * 37 % 720), c + 60000 * (800 + g * 53 % 1200),"
    " c + 60000 * (2000 + g * 97 % 10000), c + 86400000 * 9,"
    " (ARRAY['good', 'good', 'good', 'fair', 'poor', NULL])[1 + g % 6]"
    " FROM (SELECT g, $3::BIGINT - $4::BIGINT + (g - $1) * ($4 - 8 * 86400000) / ($2 - $1 + 1)"
    " AS c"
    " FROM generate_series($1::BIGINT, $2::BIGINT) g) s"
)
DUE = (
    "SELECT id FROM cases WHERE next_check_at <= ? ORDER BY next_check_at LIMIT ?"
    " FOR UPDATE SKIP LOCKED"
)


async def fill(conn: Any, shape: Shape) -> _Cases:
    """A district of `shape` into the (migrated, empty) schema of conn: the people, the open
    cases and the latest closed ones by dbgen's generator, by COPY; the older closed history
    (nine in ten cases, which the sweep never looks at) by generate_series, in the server."""
    live = int(shape.cases * shape.open_share)
    made = min(shape.cases, live * 11 // 10)
    recent = replace(shape, cases=made, open_share=live / made)
    maker = _Maker(recent, district(), to_ms(NOW))
    indexes = await conn.fetch(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema()"
        " AND i.tablename IN ('cases', 'people', 'outbox') AND NOT EXISTS (SELECT 1 FROM"
        " pg_constraint c WHERE c.conname = i.indexname)"
    )
    await conn.execute("SET session_replication_role = replica")
    for name, _ in indexes:
        await conn.execute(f'DROP INDEX "{name}"')
    people = [
        (p[0], "telegram", str(p[1]), str(p[1]), p[2], "zh", p[3], p[4], p[5], p[6])
        for p in maker.people(to_ms(NOW))
    ]
    await conn.copy_records_to_table("people", records=people, columns=PEOPLE_COLUMNS)
    cases = _Cases(maker)
    for first in range(1, made + 1, CHUNK):
        last = min(first + CHUNK - 1, made)
        rows = cases.rows(first, last, [])
        await conn.copy_records_to_table("cases", records=rows, columns=CASE_COLUMNS)
    texts = [text for tank in maker.tanks for text in maker.texts[tank]]
    await conn.execute(
        HISTORY,
        made + 1,
        shape.cases,
        to_ms(NOW),
        int(shape.years * 365 * DAY),
        maker.first_resident,
        shape.residents,
        shape.coordinators,
        shape.members,
        maker.tanks,
        texts,
    )
    notices = [
        (
            "telegram",
            str(8000000 + m),
            "send",
            "{}",
            f"notice:{c}:{m}",
            c,
            at,
            "sent",
            1,
            at,
            at + 500,
            1,
        )
        for c, m, at in cases.outbox
    ]
    await conn.copy_records_to_table("outbox", records=notices, columns=OUTBOX_COLUMNS)
    for _, sql in indexes:
        await conn.execute(sql)
    for sql in TALLIES:
        await conn.execute(sql)
    await conn.execute("SET session_replication_role = DEFAULT")
    for table in ("people", "cases", "outbox"):
        await conn.execute(
            "SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT max(id) FROM "  # noqa: S608
            + table
            + "))",
            table,
        )
    await conn.execute("VACUUM ANALYZE")
    return cases


class Reset:
    """The due cases as they were before a sweep, and the ids after which rows are the sweep's."""

    def __init__(self, conn: Any, now: datetime) -> None:
        self.conn, self.now = conn, now
        self.marks: dict[str, int] = {}
        self.columns: list[str] = []

    async def capture(self) -> int:
        """Keep the due set aside; returns its size."""
        await self.conn.execute(
            "CREATE TABLE sweep_saved AS SELECT * FROM cases WHERE next_check_at <= $1",
            to_ms(self.now),
        )
        for table in ("case_events", "outbox"):
            self.marks[table] = int(
                await self.conn.fetchval(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
            )
        self.columns = [
            r[0]
            for r in await self.conn.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'cases'"
                " AND table_schema = current_schema() AND column_name <> 'id'"
            )
        ]
        return int(await self.conn.fetchval("SELECT count(*) FROM sweep_saved"))

    async def keep_due(self, keep: int) -> None:
        """Leave only the `keep` earliest of the due cases due (the rest a day later)."""
        await self.conn.execute(
            "UPDATE cases SET next_check_at = next_check_at + 86400000 WHERE id IN (SELECT id"
            " FROM cases WHERE next_check_at <= $1 ORDER BY next_check_at OFFSET $2)",
            to_ms(self.now),
            keep,
        )

    async def restore(self) -> None:
        """Undo a sweep: its events and messages deleted, the due cases as they were."""
        columns = ", ".join(self.columns)
        saved = ", ".join(f"s.{c}" for c in self.columns)
        async with self.conn.transaction():
            for table, mark in self.marks.items():
                await self.conn.execute(f"DELETE FROM {table} WHERE id > $1", mark)  # noqa: S608
            await self.conn.execute(
                f"UPDATE cases c SET ({columns}) = ({saved})"  # noqa: S608
                " FROM sweep_saved s WHERE c.id = s.id"
            )


async def run(report: Report, cases: int, runs: int) -> None:
    """Fill a fresh schema with `cases` cases and time the sweep on it; adds the rows."""
    try:
        import asyncpg

        admin = await asyncpg.connect(POSTGRES_URL, timeout=3)
    except (ImportError, OSError, TimeoutError) as e:
        report.note(f"pgscale: not run, no server at MINQING_TEST_POSTGRES ({e})")
        return
    from storage.pg import PgDatabase, pg_unit_factory

    schema = f"minqing_bench_{secrets.token_hex(4)}"
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        db = await PgDatabase.open(POSTGRES_URL, schema=schema)
        started = time.perf_counter()
        conn = await db.pool.acquire()
        try:
            shape = Shape.scaled(cases, min(1000, max(20, cases // 1000)))
            made = await fill(conn, shape)
            filled = time.perf_counter() - started
            views = SqlViews(cast(Database, db))
            units = pg_unit_factory(db)
            service = Service(
                units, district(), RuleClassifier(RULES), lambda: NOW, views, UNLIMITED
            )
            reset = Reset(conn, NOW)
            due = await reset.capture()
            plan = await conn.fetch("EXPLAIN (ANALYZE, COSTS OFF) " + postgres(DUE), to_ms(NOW), 50)
            sweeps, sent, steady = [], [], []
            for _ in range(runs):
                began = time.perf_counter()
                sent.append(len(await service.sweep()))
                sweeps.append(time.perf_counter() - began)
                await reset.restore()
            for _ in range(runs):
                await reset.keep_due(STEADY)
                began = time.perf_counter()
                await service.sweep()
                steady.append(time.perf_counter() - began)
                await reset.restore()
        finally:
            await db.pool.release(conn)
            await db.close()
    finally:
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()
    n = f"{cases:,}"
    for what, times in (
        (f"PostgreSQL reminder sweep, {min(STEADY, due)} cases due of {n}", steady),
        (
            f"PostgreSQL catch-up sweep, {due} cases due of {n} ({median(sent):.0f} messages)",
            sweeps,
        ),
    ):
        extra = {"sent": sent} if times is sweeps else {}
        value = median(times)
        met, margin = below(value, TARGETS["sweep"])
        report.add(
            Row(
                "pgscale",
                what,
                f"{ms(value)} (median of {len(times)})",
                f"< {ms(TARGETS['sweep'])}",
                met,
                margin,
                {"median_s": value, "runs_s": times, **extra},
            )
        )
    steps = " / ".join(str(r[0]).strip() for r in plan if "->" in r[0] or r is plan[0])
    report.note(
        f"pgscale: {cases:,} cases ({len(made.open_ids):,} open) filled in {filled:.0f} s;"
        f" the due query's plan: {steps}"
    )
