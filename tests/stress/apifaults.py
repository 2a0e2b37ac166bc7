"""Part 2: for a minute a fifth of the bot's Bot API calls fail (429 with retry_after, 502, a hang
the bot must time out, a dropped connection) while residents keep filing and members keep working;
afterwards every message has arrived, in order per chat, once."""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

from tests.fakes import FakeBotAPI, fake_bot_api
from tests.fakes.faults import SEND_METHODS
from tests.stress import audit, store
from tests.stress.crowd import COORDINATOR, enrol, run_residents, staff_done, start_staff
from tests.stress.proc import SOUND, TOKEN, BotProcess, integrity, query
from tests.stress.report import Row
from tests.stress.scale import Scale
from tests.stress.store import Store

KINDS = ("429", "502", "timeout", "drop")
# Every call the running bot makes: its sends and edits, button answers, command menus, and its
# own polling (getMe at start-up aside: the faults begin once the bot is up).
METHODS = SEND_METHODS | {"getUpdates", "setMyCommands"}
# A hang is held longer than the bot's read timeout for a call (PTB's default, 5 s), as a real one
# would be, and ended after 10 s: a proxy resetting a stuck connection. A long poll (25 s, read
# timeout 30 s) caught by a hang is then retried after 10 s rather than 30.
HOLD_SECONDS = 10.0
PATIENCE = 45.0  # a person waits this long before sending again


def repeats(server: FakeBotAPI, db: Store, delivery: audit.Delivery) -> str:
    """For --keep: each repeated message, the calls to its chat and the chat's outbox rows."""
    lines = []
    for chat, text, seqs in delivery.repeat_log:
        lines.append(f"chat {chat}: {text[:60]!r} delivered at {seqs}")
        for call in server.calls():
            if str(call.params.get("chat_id")) == chat:
                said = str(call.params.get("text", ""))[:30]
                lines.append(f"  call {call.seq} {call.method} {call.status} {call.fault} {said!r}")
        sql = "SELECT id, kind, status, attempts FROM outbox WHERE chat_id = ? ORDER BY id"
        lines += [f"  row {r}" for r in query(db, sql, chat)]
    return "\n".join(lines)


async def run(scale: Scale, workdir: Path, seed: int, database: str = "sqlite") -> list[Row]:
    """The faulty minute on one process and a file, or on workers and PostgreSQL (database
    "postgres": the faults hit the same calls, polling aside); returns its table rows."""
    rng = random.Random(seed)
    count = max(1, round(scale.fault_residents_per_second * scale.fault_seconds))
    async with (
        fake_bot_api(TOKEN) as server,
        store.fresh(database, workdir / "faults.db") as db,
    ):
        bot = BotProcess(server, db, [COORDINATOR], workdir)
        crowd = await enrol(bot, server, rng, count)
        await bot.start()
        faults = server.faults
        faults.hold_seconds = HOLD_SECONDS
        calls_before = len(server.calls())
        faults.set_random(scale.fault_rate, KINDS, METHODS, seed=seed)
        began = time.perf_counter()
        start_staff(crowd, PATIENCE)
        load = asyncio.create_task(
            run_residents(crowd.residents, scale.fault_seconds, PATIENCE, scale.within + 120)
        )
        await asyncio.sleep(scale.fault_seconds)
        faults.clear()
        window = len(server.calls()) - calls_before
        injected = dict(faults.injected)
        await load
        staff_ok = await staff_done(crowd, 120.0)
        drained = await audit.settled(db, 120.0)
        code = await bot.stop()
        check = await asyncio.to_thread(integrity, db, workdir / "scratch")
        where = f"{db.workers} workers on PostgreSQL" if db.postgres else "one process on SQLite"
        took = time.perf_counter() - began
        delivery = audit.compare(server, db)
        (workdir / "repeats.txt").write_text(repeats(server, db, delivery))
        stuck = [r for r in crowd.residents if r.ref is None]
        lost_updates = audit.unhandled(db, crowd.ledger.pushed)
        kinds = ", ".join(f"{injected.get(k, 0)} × {k}" for k in KINDS)
        total = sum(injected.values())
        rows = [
            Row(
                f"Bot API faults for {scale.fault_seconds:.0f} s: {scale.fault_rate:.0%} of calls "
                f"(sends, edits, answers, menus{'' if db.postgres else ', polling'}) fail while"
                f" {count} residents file "
                f"concerns and members work ({where})",
                str(total),
                f"{delivery.lost} messages lost, {delivery.duplicates} repeated, "
                f"{delivery.out_of_order_chats} chats out of order, "
                f"{delivery.unfinished} undelivered, {delivery.answers_lost} button answers lost",
                delivery.lost == delivery.duplicates == delivery.out_of_order_chats == 0
                and delivery.unfinished == delivery.answers_lost == 0
                and drained,
                f"{kinds} of {window} calls in the window; {delivery.decided} messages decided, "
                f"{delivery.delivered} delivered; hang held {HOLD_SECONDS:.0f} s vs the bot's "
                f"5 s read timeout; all done {took:.0f} s after the faults began",
            ),
            Row(
                "Conversations and updates through the faulty minute",
                str(count),
                f"{len(stuck)} residents stuck, {len(lost_updates)} updates never handled",
                not stuck and not lost_updates and staff_ok and check in SOUND and code == 0,
                f"sent again after {PATIENCE:.0f} s of silence: {crowd.ledger.resends}; "
                f"integrity {check}",
            ),
        ]
        if server.errors:
            rows.append(Row("fake Bot API itself", "1", f"{len(server.errors)} errors", False))
        return rows
