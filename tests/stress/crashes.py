"""Parts 1 and 4: SIGKILL the bot at random moments under a crowd's load and restart it on the same
file; meanwhile a backup with `bot.py backup`; afterwards restore it and run a bot on it.

On PostgreSQL (database "postgres"): four workers in webhook mode, and each kill is of one worker
at random, which the supervisor starts again. The kills right after a poll, the file's backup
and its restore are the single process's (polling, the file) and are not run there."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.fakes import FakeBotAPI, fake_bot_api
from tests.stress import audit, store
from tests.stress.crowd import (
    COORDINATOR,
    RESIDENT_BASE,
    Crowd,
    Resident,
    enrol,
    run_residents,
    staff_done,
    start_staff,
)
from tests.stress.proc import SOUND, TOKEN, BotProcess, integrity, query
from tests.stress.report import Row
from tests.stress.scale import Scale
from tests.stress.store import Store


@dataclass
class Backup:
    """A backup taken under load, and what had been promised before it began."""

    path: Path
    promised: set[int]
    seconds: float
    output: str


async def take_backup(bot: BotProcess, crowd: Crowd, target: Path) -> Backup:
    """`bot.py backup` while the bot runs; remembers the numbers given out before it started."""
    promised = {n for r in crowd.residents for n in r.refs()}
    started = time.perf_counter()
    output = await bot.cli("backup", str(target))
    return Backup(target, promised, time.perf_counter() - started, output.strip())


async def run(scale: Scale, workdir: Path, seed: int, database: str = "sqlite") -> list[Row]:
    """The crash part and the backup-and-restore drill; returns their table rows."""
    rng = random.Random(seed)
    async with (
        fake_bot_api(TOKEN) as server,
        store.fresh(database, workdir / "crash.db") as db,
    ):
        files = db.path is not None
        bot = BotProcess(server, db, [COORDINATOR], workdir)
        crowd = await enrol(bot, server, rng, scale.residents)
        await bot.start()
        start_staff(crowd, scale.patience)
        load = asyncio.create_task(
            run_residents(crowd.residents, scale.spread, scale.patience, scale.within)
        )
        began = time.perf_counter()
        # Kill while the crowd is at it: somewhere in the first three quarters of its arrival
        # and the minute of deliveries that follows it.
        horizon = scale.spread + 20.0
        moments = sorted(rng.uniform(0.1, 0.75) * horizon for _ in range(scale.kills))
        checks: list[str] = []
        downtimes: list[float] = []
        kill_seqs: list[int] = []
        backup: Backup | None = None
        for n, moment in enumerate(moments):
            await asyncio.sleep(max(0.0, began + moment - time.perf_counter()))
            if files and (n == 1 or (scale.kills == 1 and backup is None)):
                backup = await take_backup(bot, crowd, workdir / "backup.db")
            # The moment a person acts, give or take the time the bot takes to handle it: the
            # update is then fetched, or being handled, or its answers are on their way.
            try:
                async with asyncio.timeout(2.0):  # unless the crowd has gone quiet
                    await crowd.ledger.next_push()
            except TimeoutError:
                pass
            await asyncio.sleep(rng.uniform(0.0, 0.03))
            await bot.kill()
            kill_seqs.append(server.last_seq)
            checks.append(await asyncio.to_thread(integrity, db, workdir / "scratch"))
            down = time.perf_counter()
            await asyncio.sleep(rng.uniform(0.0, 1.0))
            await bot.start()
            downtimes.append(time.perf_counter() - down)
        if files and backup is None:
            backup = await take_backup(bot, crowd, workdir / "backup.db")
        await load
        burst = Burst()
        if files:  # the moment a poll has fetched a batch: polling's, one process's
            burst = await burst_kills(bot, server, crowd, rng, scale, checks, downtimes, kill_seqs)
        staff_ok = await staff_done(crowd, 90.0)
        drained = await audit.settled(db, 120.0)
        code = await bot.stop()
        checks.append(await asyncio.to_thread(integrity, db, workdir / "scratch"))
        took = time.perf_counter() - began
        (workdir / "resends.txt").write_text("\n".join(crowd.ledger.why))
        rows = crash_rows(
            scale, crowd, server, db, checks, downtimes, kill_seqs, staff_ok, drained, code,
            workdir,
        )  # fmt: skip
        lost = audit.unhandled(db, burst.pushed)
        rows.insert(
            3,
            Row(
                "SIGKILL right after a poll fetched a batch",
                "0",
                "not run on PostgreSQL",
                True,
                "webhook mode: no poll; an update is answered 200 only once recorded",
            )
            if not files
            else Row(
                f"SIGKILL as the bot has just fetched a batch of {scale.burst} updates "
                "(the worst moment: fetched, maybe confirmed, not yet handled)",
                str(burst.kills),
                f"{len(lost)} of {len(burst.pushed)} updates never handled",
                not lost,
                "those people got no answer and must send again"
                if lost
                else "every update was handled after the restart",
            ),
        )
        rows[0].note += f"; load {took:.0f} s"
        if backup is not None and db.path is not None:
            rows += await restore_drill(bot, server, crowd, backup, db.path, workdir)
        else:
            rows.append(
                Row(
                    "`bot.py backup` under load and the restore drill",
                    "0",
                    "not run on PostgreSQL",
                    True,
                    "the file's commands; PostgreSQL is backed up with pg_dump (README)",
                )
            )
        if server.errors:
            rows.append(Row("fake Bot API itself", "1", f"{len(server.errors)} errors", False))
        return rows


@dataclass
class Burst:
    """Updates pushed just before a kill, and how many kills."""

    pushed: list[int] = field(default_factory=list)
    kills: int = 0


async def burst_kills(
    bot: BotProcess,
    server: FakeBotAPI,
    crowd: Crowd,
    rng: random.Random,
    scale: Scale,
    checks: list[str],
    downtimes: list[float],
    kill_seqs: list[int],
) -> Burst:
    """Many residents ask /my at once; kill the bot as soon as its poll has returned them."""
    burst = Burst()
    loop = asyncio.get_running_loop()
    for _ in range(scale.kills):
        people = rng.sample(crowd.residents, min(scale.burst, len(crowd.residents)))
        polls = len(server.calls("getUpdates"))
        for resident in people:
            update = await resident.user.send_command("/my")
            burst.pushed.append(int(update["update_id"]))
        ids = set(burst.pushed[-len(people) :])
        # Busy waits on purpose: the point is the moment. First the poll returns the batch;
        # then PTB's Updater confirms it with its next poll at once, before handling it; a
        # poller that confirms only what it has handled does not, and gets 20 ms.
        while len(server.calls("getUpdates")) == polls:  # noqa: ASYNC110
            await asyncio.sleep(0.0005)
        until = loop.time() + 0.02
        while any(u["update_id"] in ids for u in server.pending_updates):
            if loop.time() > until:
                break
            await asyncio.sleep(0.0005)
        await asyncio.sleep(rng.uniform(0.0, 0.005))
        await bot.kill()
        kill_seqs.append(server.last_seq)
        burst.kills += 1
        checks.append(await asyncio.to_thread(integrity, bot.database, bot.workdir / "scratch"))
        down = time.perf_counter()
        await bot.start()
        downtimes.append(time.perf_counter() - down)
        await audit.settled(bot.database, 60.0)
    return burst


def crash_rows(
    scale: Scale,
    crowd: Crowd,
    server: FakeBotAPI,
    db: Store,
    checks: list[str],
    downtimes: list[float],
    kill_seqs: list[int],
    staff_ok: bool,
    drained: bool,
    code: int,
    workdir: Path,
) -> list[Row]:
    """Judge the crash part from the database file and the fake's record."""
    residents = crowd.residents
    ids = {r.id: r for r in residents}
    people = {r[0]: r[1] for r in query(db, "SELECT external_id, id FROM people")}
    cases: dict[int, list[int]] = {}
    for case_id, person in query(db, "SELECT id, resident_id FROM cases"):
        cases.setdefault(int(str(person)), []).append(int(str(case_id)))
    promised = missing = doubled = 0
    for uid, resident in ids.items():
        refs = set(resident.refs())
        promised += len(refs)
        mine = cases.get(int(str(people.get(str(uid), -1))), [])
        missing += len(refs - set(mine))
        doubled += max(0, len(mine) - 1) + max(0, len(refs) - 1)
    unfinished = [r for r in residents if r.ref is None]
    lost_updates = audit.unhandled(db, crowd.ledger.pushed)
    delivery = audit.compare(server, db)
    kills = len(downtimes)
    # Each repeat belongs to the first kill after which it was delivered. A kill may repeat one
    # message in each chat that had one in flight (up to MINQING_SENDS_IN_FLIGHT chats).
    per_kill: list[Counter[str]] = [Counter() for _ in range(kills)]
    (workdir / "repeats.txt").write_text(  # for --keep: what was repeated, and when
        f"kills at the fake's seq {kill_seqs}\n"
        + "\n".join(f"chat {c}: {t[:60]!r} delivered at {q}" for c, t, q in delivery.repeat_log)
    )
    for chat, seq in delivery.repeats:
        after = [i for i, k in enumerate(kill_seqs) if k < seq]
        per_kill[after[-1] if after else 0][chat] += 1
    bad_checks = [c for c in checks if c not in SOUND]
    members = crowd.members
    claims = sum(len(m.claimed) for m in members)
    replies = query(db, "SELECT count(*) FROM case_events WHERE kind = 'message'")[0][0]
    down = f"{min(downtimes):.1f}–{max(downtimes):.1f} s" if downtimes else "-"
    return [
        Row(
            (
                f"SIGKILL a random worker of {db.workers} on PostgreSQL ({scale.kills} at random "
                f"moments) while {len(residents)} residents file concerns and {len(members)} "
                "members claim and answer; the supervisor starts it again"
                if db.postgres
                else f"SIGKILL the bot ({scale.kills} at random moments, {scale.kills} right "
                f"after a fetch) while {len(residents)} residents file concerns and "
                f"{len(members)} members claim and answer; restart on the same file"
            ),
            str(kills),
            f"{missing} acknowledged cases missing, {doubled} filed twice",
            missing == 0 and doubled == 0,
            f"{promised} numbers given out; {claims} claims, {replies} replies; down {down}",
        ),
        Row(
            "Conversations across the kills: every resident reaches their #N",
            str(len(residents)),
            f"{len(unfinished)} residents stuck",
            not unfinished,
            f"sent again after {scale.patience:.0f} s of silence: {crowd.ledger.resends}; "
            f"members and coordinator finished their work: {yes(staff_ok)}",
        ),
        Row(
            (
                "Updates posted to the workers (answered 200) but not handled when one was killed"
                if db.postgres
                else "Updates fetched from the Bot API but not handled when the bot was killed"
            ),
            str(len(crowd.ledger.pushed)),
            f"{len(lost_updates)} updates never handled",
            not lost_updates,
            "pushed updates without a handled ingress row (webhook mode)"
            if db.postgres
            else "pushed updates without a processed_updates row",
        ),
        Row(
            "Notifications decided (outbox rows committed) reach their chat, in order",
            str(delivery.decided),
            f"{delivery.lost} lost, {delivery.unfinished} undelivered, "
            f"{delivery.answers_lost} button answers lost, "
            f"{delivery.out_of_order_chats} chats out of order",
            delivery.lost == delivery.unfinished == delivery.out_of_order_chats == 0
            and delivery.answers_lost == 0
            and drained,
            f"{delivery.delivered} messages delivered; outbox drained: {yes(drained)}",
        ),
        Row(
            "Messages that reached a chat twice because of a kill (at most one per chat per kill)",
            str(kills),
            f"{delivery.duplicates} duplicates",
            all(n <= 1 for chats in per_kill for n in chats.values()),
            "per kill: "
            + ", ".join(
                f"{sum(c.values())} in {len(c)} chat{'s' * (len(c) > 1)}" if c else "0"
                for c in per_kill
            ),
        ),
        Row(
            (
                "SIGTERM to the supervisor after the kills: every worker stops"
                if db.postgres
                else "PRAGMA integrity_check after each SIGKILL and after the final SIGTERM"
            ),
            str(len(checks)),
            f"{len(bad_checks)} failed",
            not bad_checks and code == 0,
            f"exit code on SIGTERM {code}" + (f"; {bad_checks[0][:80]}" if bad_checks else ""),
        ),
    ]


def yes(flag: bool) -> str:
    """yes or no."""
    return "yes" if flag else "no"


def pages(output: str) -> str:
    """The page count in bot.py backup's report."""
    head, _, tail = output.rpartition("(")
    return tail.split(",")[0] if head else output[:40]


async def restore_drill(
    bot: BotProcess, server: FakeBotAPI, crowd: Crowd, backup: Backup, live: Path, workdir: Path
) -> list[Row]:
    """Restore the backup into a fresh file, run the bot on it, and let people carry on."""
    restored = workdir / "restored.db"
    check = await asyncio.to_thread(integrity, backup.path, workdir / "scratch")
    await bot.cli("restore", str(backup.path), "--force", database=restored)
    cases = "SELECT id, resident_id, text, status, tank, contact_phone FROM cases ORDER BY id"
    in_backup = query(backup.path, cases)
    in_restored = query(restored, cases)
    live_rows = {r[0]: r[1:3] for r in query(live, cases)}
    numbers = {int(str(r[0])) for r in in_restored}
    missing = backup.promised - numbers
    differ = sum(1 for r in in_restored if live_rows.get(r[0]) != r[1:3])
    # A bot on the restored file: a resident asks about their case; a newcomer files one.
    sent_before = len(server.calls("sendMessage"))
    await bot.start(database=restored)
    asker = next(r for r in crowd.residents if r.ref in numbers)
    await asker.user.send_command("/case", str(asker.ref))
    shown = await asker.user.wait_text(f"事项 #{asker.ref}", timeout=30)
    newcomer = Resident(server, crowd.ledger, RESIDENT_BASE + 99_999, "law", "daodi", "13700000000")
    filed = await newcomer.file(patience=20.0, deadline=asyncio.get_running_loop().time() + 60)
    resent = len(server.calls("sendMessage")) - sent_before
    given = {n for r in crowd.residents for n in r.refs()}
    reused = (
        ""
        if newcomer.ref not in given
        else (
            f" — #{newcomer.ref} had been given to someone else after the backup: numbers"
            " handed out since the backup are handed out again"
        )
    )
    await bot.stop()
    after = await asyncio.to_thread(integrity, restored, workdir / "scratch")
    carried_on = bool(shown) and filed
    return [
        Row(
            "`bot.py backup` while the bot runs under load (online backup, checked)",
            "1",
            f"{len(backup.promised - {int(str(r[0])) for r in in_backup})} promised cases "
            f"missing; integrity {check}",
            check == "ok" and not (backup.promised - {int(str(r[0])) for r in in_backup}),
            f"{backup.seconds:.1f} s; {len(in_backup)} cases; {pages(backup.output)}",
        ),
        Row(
            "Restore drill: `bot.py restore --force` into a fresh file, start a bot on it",
            "1",
            f"{len(missing)} cases promised before the backup missing, {differ} differ",
            not missing and differ == 0 and after == "ok" and carried_on,
            f"a resident saw #{asker.ref}; a newcomer got #{newcomer.ref}{reused}; "
            f"{resent} messages sent by the restored bot (what was pending at the backup is "
            "sent again)",
        ),
    ]
