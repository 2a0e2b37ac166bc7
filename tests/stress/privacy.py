"""Part 5: /forgetme and `bot.py purge --older-than` erase a resident's name, phone and chat
identity from the database file itself, not just from the rows: the raw bytes of the file and its
WAL are searched for them. The concerns stay, anonymised, for the statistics.

On PostgreSQL (four workers) the search is of the operator's export: `pg_dump` of the schema, the
backup the README documents. The server's own files (dead row versions until VACUUM, the WAL) are
the server's to recycle and are not searched."""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.fakes import FakeBotAPI, fake_bot_api
from tests.stress import audit, store
from tests.stress.crowd import COORDINATOR, Crowd, Member, Resident, enrol, text_of
from tests.stress.proc import SOUND, TOKEN, BotProcess, integrity, query
from tests.stress.report import Row
from tests.stress.scale import Scale
from tests.stress.store import Store

PRIVATE_BASE = 8_123_456_000  # ten-digit chat ids: their digits occur nowhere else


@dataclass
class Secret:
    """What must vanish (or, for the control group, must still be there) of one resident."""

    resident: Resident
    group: str  # forget | purge | control

    def needles(self) -> dict[str, list[bytes]]:
        """The strings to look for, each as SQLite stores text (UTF-8) and as JSON escapes it
        (an update's payload: \\u738b...), also with the backslash doubled as pg_dump writes it."""
        found = {}
        for kind, text in (
            ("name", self.resident.name),
            ("phone", self.resident.phone),
            ("chat id", str(self.resident.id)),
        ):
            escaped = json.dumps(text).strip('"')
            forms = {text, escaped, escaped.replace("\\", "\\\\")}
            found[kind] = [form.encode() for form in sorted(forms)]
        return found


def raw_bytes(db: Path) -> bytes:
    """The database file and its WAL, as they are on disk."""
    wal = Path(f"{db}-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def found_in(blob: bytes, secrets: list[Secret]) -> dict[str, int]:
    """How many of each kind of needle occur in blob."""
    counts = {"name": 0, "phone": 0, "chat id": 0}
    for secret in secrets:
        for kind, needles in secret.needles().items():
            counts[kind] += sum(blob.count(needle) for needle in needles)
    return counts


def dumped(db: Store) -> bytes:
    """`pg_dump` of the schema as plain SQL: every row as the operator's backup holds it."""
    found = subprocess.run(
        ["pg_dump", "--format=plain", f"--schema={db.schema}", db.server],
        capture_output=True,
        check=True,
    )
    return found.stdout


def on_disk(db: Store) -> bytes:
    """What the search reads: the file and its WAL, or the export of the schema."""
    if db.postgres:
        return dumped(db)
    assert db.path is not None
    return raw_bytes(db.path)


def checkpoint(db: Path) -> None:
    """Move the WAL into the file and empty it, as the operator's `sqlite3 ... checkpoint`."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


async def close_case(member: Member, resident: Resident) -> None:
    """The member claims the resident's case, resolves it, and the resident rates it: closed."""
    notice = await member.user.wait_for(
        lambda m: f"新案件 #{resident.ref}" in text_of(m), 30, include_consumed=True
    )
    await member.user.press("✋ 认领", notice)
    card = f"案件 #{resident.ref}"
    await member.user.wait_for(
        lambda m: card in text_of(m) and "办理记录" in text_of(m), 30, include_consumed=True
    )
    await member.user.send_command("/resolve", f"{resident.ref} 已为您联系劳动监察部门，工资已补发")
    rating = await resident.user.wait_text("请评价办理结果", timeout=30)
    await resident.user.press("😊 满意", rating)
    await resident.user.wait_text("感谢您的评价", timeout=30)


async def forget(resident: Resident) -> None:
    """/forgetme and its confirmation."""
    await resident.user.send_command("/forgetme")
    ask = await resident.user.wait_text("将删除您在本平台的姓名", timeout=30)
    await resident.user.press("确认删除", ask)
    await resident.user.wait_text("已删除您的个人信息", timeout=30)


async def run(scale: Scale, workdir: Path, seed: int, database: str = "sqlite") -> list[Row]:
    """The privacy part on one process and a file, or on workers and PostgreSQL (database
    "postgres"); returns its table rows."""
    rng = random.Random(seed)
    async with (
        fake_bot_api(TOKEN) as server,
        store.fresh(database, workdir / "privacy.db") as db,
    ):
        bot = BotProcess(server, db, [COORDINATOR], workdir)
        crowd = await enrol(bot, server, rng, 0)
        secrets = people(server, crowd, scale.privacy_residents)
        await bot.start()
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(s.resident.file(20.0, loop.time() + 90) for s in secrets))
        members = {(m.tank, m.station): m for m in crowd.members}
        closing = [s for s in secrets if s.group == "purge"]
        for s in closing:  # one at a time: the member's flood limit
            r = s.resident
            await close_case(members[(r.tank or "law", r.station)], r)
        forgetting = [s for s in secrets if s.group == "forget"]
        await asyncio.gather(*(forget(s.resident) for s in forgetting))
        await audit.settled(db, 60.0)
        cases_before = query(db, "SELECT id, text FROM cases ORDER BY id")
        # What someone reading the disk would find now, with the bot running and no checkpoint.
        running = found_in(await asyncio.to_thread(on_disk, db), forgetting)
        code = await bot.stop()
        purged = await bot.cli("purge", "--older-than", "0")
        if db.path is not None:
            await asyncio.to_thread(checkpoint, db.path)
        blob = await asyncio.to_thread(on_disk, db)
        cases_after = query(db, "SELECT id, text FROM cases ORDER BY id")
        check = await asyncio.to_thread(integrity, db, workdir / "scratch")
        return judge(
            secrets, blob, running, cases_before, cases_after, purged,
            code == 0 and check in SOUND, db,
        )  # fmt: skip


def people(server: FakeBotAPI, crowd: Crowd, count: int) -> list[Secret]:
    """Residents with a distinctive name, phone and chat id, in three equal groups."""
    groups = ("forget", "purge", "control")
    found = []
    for i in range(max(3, count)):
        group = groups[i % 3]
        resident = Resident(
            server,
            crowd.ledger,
            PRIVATE_BASE + i,
            "law",
            ("qianying", "huanggezhuang", "daodi")[i % 3],
            f"1381234{i:04d}",
            name=f"隐私测试{group}{i:02d}号",
        )
        found.append(Secret(resident, group))
    return found


def built_secure() -> bool:
    """Whether this SQLite zeroes deleted content even when not asked to."""
    conn = sqlite3.connect(":memory:")
    try:
        return any("SECURE_DELETE" in r[0] for r in conn.execute("PRAGMA compile_options"))
    finally:
        conn.close()


def judge(
    secrets: list[Secret],
    blob: bytes,
    running: dict[str, int],
    before: list[tuple[object, ...]],
    after: list[tuple[object, ...]],
    purged: str,
    healthy: bool,
    db: Store,
) -> list[Row]:
    """The privacy rows of the table."""
    forgot = [s for s in secrets if s.group == "forget"]
    purged_people = [s for s in secrets if s.group == "purge"]
    control = [s for s in secrets if s.group == "control"]
    left_forgot = found_in(blob, forgot)
    left_purged = found_in(blob, purged_people)
    seen_control = found_in(blob, control)
    kept = len(after) == len(before) and [r[1] for r in after] == [r[1] for r in before]

    def show(counts: dict[str, int]) -> str:
        return ", ".join(f"{n} × {kind}" for kind, n in counts.items())

    method_works = all(n > 0 for n in seen_control.values())
    if db.postgres:
        searched = f"`pg_dump` of the schema ({db.workers} workers on PostgreSQL)"
        while_running = "in a `pg_dump` with the workers still running"
        built = "the server's dead row versions and WAL not searched (VACUUM's to recycle)"
    else:
        searched = "the raw bytes of the .db and -wal after a checkpoint"
        while_running = "with the bot still running and no checkpoint"
        built = (
            f"this SQLite built with SECURE_DELETE: {'yes' if built_secure() else 'no'} "
            "(the bot sets it on regardless)"
        )
    return [
        Row(
            f"/forgetme, confirmed: name, phone and chat id searched in {searched}",
            str(len(forgot)),
            show(left_forgot) + " left",
            not any(left_forgot.values())
            and kept
            and method_works
            and healthy
            # PostgreSQL's export holds only live rows: it must be clean at once, not only after
            # a purge (SQLite's file holds old pages until the checkpoint).
            and not (db.postgres and any(running.values())),
            f"{while_running}: {show(running)}; the concerns "
            f"stay ({len(after)} cases, texts unchanged: {'yes' if kept else 'no'})",
        ),
        Row(
            "`bot.py purge --older-than 0` on closed cases: the same search",
            str(len(purged_people)),
            show(left_purged) + " left",
            not any(left_purged.values()) and method_works and healthy,
            f"{purged.strip()}; control residents (not erased) found: {show(seen_control)}; "
            + built,
        ),
    ]
