"""A district's database after some years: a million cases with the real schema, made in a minute.

The schema comes from the migrations (Database.open); rows go in with executemany in large
transactions, with the indexes dropped during the load and built again after it (the same indexes,
from the same SQL, only faster), synchronous=OFF and no journal while generating only.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from core.cases.lifecycle import ESCALATE_AFTER, RATING_WINDOW, REMIND_AT
from core.context import District
from storage.db import Database, to_ms

HOUR = 3_600_000
DAY = 24 * HOUR
CHUNK = 50_000
STATUSES = ("triage", "open", "claimed")
ISSUES = {
    "law": (
        "老板拖欠工资三个月了",
        "房东不退租房押金",
        "劳动合同到期单位不续签也不给补偿",
        "邻居长期占用楼道堆放杂物",
        "工伤认定一直办不下来",
    ),
    "economy": (
        "小微企业贷款审批太慢",
        "个体户营业执照变更跑了好几趟",
        "商铺租金上涨太快经营困难",
        "合作社分红账目不公开",
        "电商创业想了解扶持政策",
    ),
    "agriculture": (
        "大棚蔬菜受冻损失严重",
        "玉米收购价格压得太低",
        "灌溉水渠堵塞多年没人修",
        "农机补贴申请没有下文",
        "土地流转合同到期纠纷",
    ),
    None: (
        "小区路灯坏了半年没人修",
        "垃圾清运不及时味道很大",
        "公交线路调整后出行不便",
        "学校门口早晚高峰太拥堵",
        "噪音扰民晚上睡不着",
    ),
}
DETAILS = (
    "，已经反映过好几次都没有结果",
    "，家里老人孩子都受影响",
    "，村里很多人都是这个情况",
    "，找过相关部门但互相推诿",
    "，不知道该找哪个部门",
    "，损失大概有两三万元",
)
ASKS = ("，希望有关部门尽快处理。", "，请委员帮忙协调解决。", "，盼望能给个答复，谢谢！", "。")
KEYWORDS = {"law": "工资", "economy": "贷款", "agriculture": "大棚", None: None}
RESOLUTIONS = ("已协调相关部门处理完毕", "已电话回访，问题已解决", "已转交主管单位并跟进落实")
KIND_CLOSED, KIND_RESOLVED, KIND_OPEN = 0, 1, 2
RATING_SHARES = (("good", 0.55), ("fair", 0.75), ("poor", 0.80))  # cumulative; the rest unrated


@dataclass(frozen=True)
class Shape:
    """How big a district to make."""

    cases: int = 1_000_000
    open_share: float = 0.10
    residents: int = 200_000
    members: int = 50
    coordinators: int = 3
    years: float = 3.0
    due: int = 1000
    seed: int = 6

    @classmethod
    def scaled(cls, cases: int, due: int | None = None) -> Shape:
        """A district of `cases` cases with people and the due set in proportion."""
        residents = max(100, cases // 5)
        return cls(cases=cases, residents=residents, due=due if due is not None else cases // 1000)


@dataclass
class Generated:
    """What was made, and the handles the timings need."""

    path: Path
    now: datetime
    cases: int
    events: int
    people: int
    outbox: int
    open_cases: int
    due_ids: list[int]
    coordinators: list[str]
    sample_cases: list[int]
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)


class _Maker:
    """The random choices, kept together so that a seed makes the same district."""

    def __init__(self, shape: Shape, district: District, now_ms: int) -> None:
        self.shape, self.district, self.now = shape, district, now_ms
        self.rng = random.Random(shape.seed)
        self.tanks = [t.code for t in district.tanks]
        self.stations = [s.code for s in district.stations]
        self.first_resident = shape.coordinators + shape.members + 1
        self.members: dict[str, list[int]] = {code: [] for code in self.tanks}
        for i in range(shape.members):
            self.members[self.tanks[i % len(self.tanks)]].append(shape.coordinators + 1 + i)
        self.texts = {
            tank: [
                f"{issue}{detail}{ask}"
                for issue in ISSUES[tank]
                for detail in DETAILS
                for ask in ASKS
            ]
            for tank in ISSUES
        }

    def people(self, now_ms: int) -> Iterator[tuple[Any, ...]]:
        shape, rng = self.shape, self.rng
        for i in range(shape.coordinators):
            yield (i + 1, str(9_000_001 + i), f"协调员{i + 1}", "coordinator", None, None, now_ms)
        for tank, ids in self.members.items():
            for person_id in ids:
                station = self.stations[person_id % len(self.stations)]
                name = f"委员{person_id}"
                ext = str(8_000_000 + person_id)
                yield (person_id, ext, name, "member", tank, station, now_ms)
        start = now_ms - int(shape.years * 365 * DAY)
        for j in range(shape.residents):
            person_id = self.first_resident + j
            yield (
                person_id,
                str(100_000_000 + person_id),
                f"居民{person_id}",
                "resident",
                None,
                None,
                rng.randint(start, now_ms),
            )

    def text(self, tank: str | None) -> str:
        return self.rng.choice(self.texts[tank])


def _ladder(due_from: int, due_at: int) -> tuple[int, int, int]:
    span = due_at - due_from
    return (
        due_from + int(span * REMIND_AT),
        due_at,
        due_at + int(span * ESCALATE_AFTER),
    )


class _Cases:
    """Generates cases and their events in id order (ids follow creation time, as in life)."""

    def __init__(self, maker: _Maker) -> None:
        self.m = maker
        shape, now, rng = maker.shape, maker.now, maker.rng
        n_open = int(shape.cases * shape.open_share)
        n_resolved = min(shape.cases - n_open, max(1, shape.cases * 6 // 1000))
        n_closed = shape.cases - n_open - n_resolved
        start = now - int(shape.years * 365 * DAY)
        # Creation times with the kind in the two low bits, so that one sort orders both.
        spans = (
            (KIND_CLOSED, n_closed, start, now - 8 * DAY),
            (KIND_RESOLVED, n_resolved, now - 21 * DAY, now - 2 * DAY),
            (KIND_OPEN, n_open, now - 180 * DAY, now - 60_000),
        )
        stamps = [rng.randint(lo, hi) * 4 + kind for kind, n, lo, hi in spans for _ in range(n)]
        stamps.sort()
        self.stamps = stamps
        open_ids = [i + 1 for i, s in enumerate(stamps) if s % 4 == KIND_OPEN]
        self.open_ids = open_ids
        self.due = set(rng.sample(open_ids, min(shape.due, len(open_ids))))
        self.events = 0
        self.outbox: list[tuple[Any, ...]] = []
        self.counts: dict[str, int] = {}

    def rows(self, first: int, last: int, events: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """The cases first..last (ids), appending their events to `events`."""
        out = []
        for case_id in range(first, last + 1):
            stamp = self.stamps[case_id - 1]
            out.append(self._case(case_id, stamp // 4, stamp % 4, events))
        return out

    def _case(
        self, case_id: int, created: int, kind: int, events: list[tuple[Any, ...]]
    ) -> tuple[Any, ...]:
        m, rng, now = self.m, self.m.rng, self.m.now
        resident = m.first_resident + rng.randrange(m.shape.residents)
        tank: str | None = rng.choice(m.tanks) if rng.random() > 0.04 else None
        c: dict[str, Any] = {
            "id": case_id,
            "resident_id": resident,
            "text": m.text(tank),
            "photos": "[]",
            "station": rng.choice(m.stations) if rng.random() < 0.85 else None,
            "contact_name": f"居民{resident}",
            "contact_phone": f"13{rng.randrange(10**9):09d}",
            "anonymous": 0,
            "tank": tank,
            "confidence": round(rng.uniform(0.5, 0.99), 4) if tank else 0.0,
            "keywords": "[]",
            "assignee_id": None,
            "created_at": created,
            "claimed_at": None,
            "first_reply_at": None,
            "resolved_at": None,
            "closed_at": None,
            "rating": None,
            "due_kind": None,
            "due_from": None,
            "due_at": None,
            "remind_level": 0,
            "next_check_at": None,
            "waiting_since": None,
            "wider_notice_at": None,
            "awaiting_member": 0,
        }
        if rng.random() < 0.15:
            c["photos"] = json.dumps([f"AgACAgUAAxkBAAI{case_id:010d}"])
        if rng.random() < 0.05:
            c["anonymous"], c["contact_name"], c["contact_phone"] = 1, None, None
        if tank:
            word = KEYWORDS[tank]
            c["keywords"] = json.dumps([[word, 2.0, 1]], ensure_ascii=False)
        created_event = json.dumps({"tank": tank, "via": "classifier"})
        events.append((case_id, "created", resident, created, created_event))
        if kind == KIND_OPEN:
            self._open(c, events)
        else:
            self._done(c, kind, events)
        status = c["status"]
        self.counts[status] = self.counts.get(status, 0) + 1
        updated = max(
            v for v in (created, c["claimed_at"], c["resolved_at"], c["closed_at"]) if v is not None
        )
        return (
            case_id,
            resident,
            "telegram",
            c["text"],
            c["photos"],
            c["station"],
            None,
            None,
            c["contact_name"],
            c["contact_phone"],
            c["anonymous"],
            tank,
            c["confidence"],
            c["keywords"],
            status,
            c["assignee_id"],
            created,
            min(updated, now),
            c["claimed_at"],
            c["first_reply_at"],
            c["resolved_at"],
            c["closed_at"],
            c["rating"],
            c["due_kind"],
            c["due_from"],
            c["due_at"],
            c["remind_level"],
            c["next_check_at"],
            c["waiting_since"],
            0,
            c["wider_notice_at"],
            c["awaiting_member"],
        )

    def _member(self, tank: str | None) -> int:
        m = self.m
        pool = m.members.get(tank or "") or m.members[m.tanks[0]]
        return m.rng.choice(pool)

    def _done(self, c: dict[str, Any], kind: int, events: list[tuple[Any, ...]]) -> None:
        rng, case_id = self.m.rng, c["id"]
        created = c["created_at"]
        tank = c["tank"] or rng.choice(self.m.tanks)
        member = self._member(tank)
        c["tank"] = tank
        claimed = created + int(rng.expovariate(1 / (6 * HOUR))) + 60_000
        replied = claimed + int(rng.expovariate(1 / (10 * HOUR))) + 60_000
        resolved = replied + int(rng.expovariate(1 / (5 * DAY))) + HOUR
        c.update(assignee_id=member, claimed_at=claimed, first_reply_at=replied)
        c["resolved_at"] = resolved
        name = json.dumps({"member": f"委员{member}"})
        events.append((case_id, "claimed", member, claimed, name))
        text = json.dumps({"text": rng.choice(RESOLUTIONS)}, ensure_ascii=False)
        events.append((case_id, "resolved", member, resolved, text))
        window = int(RATING_WINDOW.total_seconds() * 1000)
        if kind == KIND_RESOLVED:
            now = self.m.now  # still inside its rating window
            replied = min(replied, now - 2 * HOUR)
            claimed = min(claimed, replied)
            c.update(claimed_at=claimed, first_reply_at=replied)
            resolved = rng.randint(max(replied, now - 6 * DAY - 20 * HOUR), now - HOUR)
            c["resolved_at"] = resolved
            c.update(status="resolved", due_kind="rating", due_from=resolved)
            c.update(due_at=resolved + window, next_check_at=resolved + window)
            return
        roll = rng.random()
        rating = next((r for r, share in RATING_SHARES if roll < share), None)
        c["rating"] = rating
        if rating is None:
            c["closed_at"] = resolved + window
            events.append((case_id, "closed_unrated", None, c["closed_at"], "{}"))
        else:
            c["closed_at"] = resolved + int(rng.expovariate(1 / DAY)) + 60_000
            rated = json.dumps({"rating": rating})
            events.append((case_id, "rated", c["resident_id"], c["closed_at"], rated))
        c["status"] = "closed"

    def _open(self, c: dict[str, Any], events: list[tuple[Any, ...]]) -> None:
        m, rng, now, case_id = self.m, self.m.rng, self.m.now, c["id"]
        tank, created = c["tank"], c["created_at"]
        deadlines = m.district.deadlines(tank)
        roll = rng.random()
        status = "triage" if tank is None else "open" if roll < 0.27 else "claimed"
        c["status"] = status
        due_kind, hours = "claim", deadlines.claim
        if status == "claimed":
            member = self._member(tank)
            claimed = min(created + int(rng.expovariate(1 / (6 * HOUR))) + 60_000, now - 1000)
            c.update(assignee_id=member, claimed_at=claimed, awaiting_member=1)
            name = json.dumps({"member": f"委员{member}"})
            events.append((case_id, "claimed", member, claimed, name))
            due_kind, hours = "reply", deadlines.first_reply
            if rng.random() < 0.6:
                replied = min(claimed + int(rng.expovariate(1 / (10 * HOUR))), now - 500)
                c.update(first_reply_at=replied, awaiting_member=0)
                due_kind, hours = "resolve", deadlines.resolve
                text = json.dumps(
                    {"side": "member", "text": "您好，已收到，正在了解情况。", "question": False},
                    ensure_ascii=False,
                )
                events.append((case_id, "message", member, replied, text))
                if rng.random() < 0.1:
                    c["waiting_since"] = replied
        elif status == "open":
            self.outbox.append((case_id, self._member(tank), created))
        due_from = created
        due_at = created + int(hours * HOUR)
        rungs = _ladder(due_from, due_at)
        level = sum(1 for r in rungs if r <= now)
        if case_id in self.due:
            level, due_from, due_at = self._due_now(int(hours * HOUR))
            rungs = _ladder(due_from, due_at)
            c["waiting_since"] = None
            if status == "open" and rng.random() < 0.1:
                c["wider_notice_at"] = now - 60_000
        c.update(due_kind=due_kind, due_from=due_from, due_at=due_at, remind_level=level)
        if c["waiting_since"] is None and level < 3:
            c["next_check_at"] = rungs[level]
        if status == "open" and created > now - 2 * HOUR and c["wider_notice_at"] is None:
            c["wider_notice_at"] = created + 2 * HOUR
            planned = (c["next_check_at"], c["wider_notice_at"])
            c["next_check_at"] = min(x for x in planned if x is not None)

    def _due_now(self, span: int) -> tuple[int, int, int]:
        """A deadline whose next rung has just come: (level reached before, due_from, due_at)."""
        rng, now = self.m.rng, self.m.now
        level = rng.choices((0, 1, 2), weights=(50, 35, 15))[0]
        marks = (REMIND_AT, 1.0, 1.0 + ESCALATE_AFTER, 1.0 + ESCALATE_AFTER + 0.01)
        lo, hi = marks[level], marks[level + 1]
        elapsed = int(span * (lo + (hi - lo) * rng.uniform(0.001, 0.05)))
        due_from = now - elapsed
        return level, due_from, due_from + span


def _indexes(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall()
    return [(str(name), str(sql)) for name, sql in rows]


CASE_COLUMNS = (
    "id, resident_id, channel, text, photos, station, latitude, longitude, contact_name,"
    " contact_phone, anonymous, tank, confidence, keywords, status, assignee_id, created_at,"
    " updated_at, claimed_at, first_reply_at, resolved_at, closed_at, rating, due_kind,"
    " due_from, due_at, remind_level, next_check_at, waiting_since, extended, wider_notice_at,"
    " awaiting_member"
)
CASE_SQL = f"INSERT INTO cases ({CASE_COLUMNS}) VALUES ({', '.join('?' * 32)})"  # noqa: S608


def _load(conn: sqlite3.Connection, shape: Shape, district: District, now_ms: int) -> _Cases:
    maker = _Maker(shape, district, now_ms)
    conn.executemany(
        "INSERT INTO people (id, channel, external_id, chat_id, name, locale, role, tank,"
        " station, created_at) VALUES (?, 'telegram', ?, ?, ?, 'zh', ?, ?, ?, ?)",
        ((p[0], p[1], p[1], p[2], p[3], p[4], p[5], p[6]) for p in maker.people(now_ms)),
    )
    cases = _Cases(maker)
    total_events = 0
    for first in range(1, shape.cases + 1, CHUNK):
        last = min(first + CHUNK - 1, shape.cases)
        events: list[tuple[Any, ...]] = []
        conn.executemany(CASE_SQL, cases.rows(first, last, events))
        conn.executemany(
            "INSERT INTO case_events (case_id, kind, actor_id, at, data) VALUES (?, ?, ?, ?, ?)",
            events,
        )
        total_events += len(events)
    cases.events = total_events
    conn.executemany(
        "INSERT INTO outbox (channel, chat_id, kind, payload, key, case_id, created_at, status,"
        " attempts, next_attempt_at, sent_at, message_id)"
        " VALUES ('telegram', ?, 'send', '{}', ?, ?, ?, 'sent', 1, ?, ?, ?)",
        (
            (str(8_000_000 + member), f"notice:{case_id}:{member}", case_id, at, at, at + 500, 1)
            for case_id, member, at in cases.outbox
        ),
    )
    conn.execute(
        "INSERT OR REPLACE INTO sqlite_sequence (name, seq) VALUES ('cases', ?)", (shape.cases,)
    )
    return cases


async def generate(path: Path, shape: Shape, district: District, now: datetime) -> Generated:
    """Make a district's database of `shape` at `path` (replacing any), as of `now`."""
    started = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)  # noqa: ASYNC240
    db = await Database.open(path)  # the real schema, by the real migrations
    await db.close()
    now_ms = to_ms(now)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -1000000")
        conn.execute("BEGIN")
        indexes = _indexes(conn)
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        cases = _load(conn, shape, district, now_ms)
        for _, sql in indexes:
            conn.execute(sql)
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode = WAL")
        people = conn.execute("SELECT count(*) FROM people").fetchone()[0]
    finally:
        conn.close()
    return Generated(
        path=path,
        now=now,
        cases=shape.cases,
        events=cases.events,
        people=int(people),
        outbox=len(cases.outbox),
        open_cases=len(cases.open_ids),
        due_ids=sorted(cases.due),
        coordinators=[str(9_000_001 + i) for i in range(shape.coordinators)],
        sample_cases=_samples(cases),
        seconds=time.perf_counter() - started,
        counts=dict(cases.counts),
    )


def _samples(cases: _Cases) -> list[int]:
    """Case numbers to show with /case: old and new, open and closed."""
    rng = random.Random(cases.m.shape.seed + 1)
    total = len(cases.stamps)
    picks = [rng.randint(1, total) for _ in range(8)]
    return picks + rng.sample(cases.open_ids, min(4, len(cases.open_ids)))
