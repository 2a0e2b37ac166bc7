"""Part 3: hostile and malformed input. Each gets a clear answer (the flood: one polite answer,
then silence), changes nothing it must not, and normal residents writing meanwhile are answered
as fast as on an idle bot."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from pathlib import Path
from typing import Any

from tests.fakes import FakeBotAPI, FakeUser, fake_bot_api
from tests.stress import audit, store
from tests.stress.crowd import COORDINATOR, NOTICE, Member, Resident, enrol, text_of
from tests.stress.hostile import Outcome, Probe, probes, run_probe
from tests.stress.proc import SOUND, TOKEN, BotProcess, integrity, query
from tests.stress.report import Row
from tests.stress.scale import Scale
from tests.stress.store import Store

ABUSER_BASE = 6_000_000
SLOW_DOWN = "您发送得太快了"
PACE = 1.05  # a hostile user's pace, input after input
CADENCE = 1.2  # a normal resident's pace: under the per-chat limit of Telegram and of the bot


async def latency(
    residents: list[Resident], within: float, stop: asyncio.Event | None = None
) -> list[float]:
    """Each resident asks /my, /case N and /help in turn at a person's pace for `within`
    seconds and then until stop is set; returns the seconds each answer took."""
    loop = asyncio.get_running_loop()
    samples: list[float] = []
    until = loop.time() + within

    async def one(resident: Resident, offset: float) -> None:
        await asyncio.sleep(offset)
        asks = [("my", ""), ("case", str(resident.ref)), ("help", "")]
        i = 0
        while loop.time() < until or (stop is not None and not stop.is_set()):
            name, args = asks[i % len(asks)]
            i += 1
            seen = len(resident.user.messages)
            sent = loop.time()
            await resident.user.send_command(name, args)
            await resident.user.chat.signal.wait_until(
                lambda seen=seen: True if len(resident.user.messages) > seen else None,  # type: ignore[misc]
                30,
                lambda: "an answer",
            )
            samples.append(loop.time() - sent)
            await asyncio.sleep(max(0.0, CADENCE - (loop.time() - sent)))

    offsets = [CADENCE * i / len(residents) for i in range(len(residents))]
    await asyncio.gather(*(one(r, o) for r, o in zip(residents, offsets, strict=True)))
    return samples


def p99(samples: list[float]) -> float:
    """The 99th percentile."""
    if len(samples) < 2:
        return samples[0] if samples else 0.0
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


def snapshot(db: Store, abusers: set[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row a hostile input must leave as it was (the abusers' own person rows and drafts
    may change: they wrote)."""
    people = query(db, "SELECT * FROM people ORDER BY id")
    dialogs = query(db, "SELECT channel, chat_id, state, data FROM dialogs ORDER BY chat_id")
    return {
        "cases": query(db, "SELECT * FROM cases ORDER BY id"),
        "case_events": query(db, "SELECT * FROM case_events ORDER BY id"),
        "people": [p for p in people if p[2] not in abusers],  # external_id
        "dialogs": [d for d in dialogs if d[1] not in abusers],  # chat_id
        "invites": query(db, "SELECT * FROM invites ORDER BY code"),
        "corrections": query(db, "SELECT * FROM corrections ORDER BY id"),
        "digests_sent": query(db, "SELECT * FROM digests_sent ORDER BY kind, period, person_id"),
    }


async def flood(user: FakeUser, count: int, seconds: float) -> list[int]:
    """`count` messages spread evenly over `seconds`; returns their update ids."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    ids = []
    for i in range(count):
        await asyncio.sleep(max(0.0, start + seconds * i / count - loop.time()))
        ids.append(int((await user.send_text(f"快处理！第{i + 1}遍")).get("update_id", 0)))
    return ids


async def blocked(server: FakeBotAPI, user: FakeUser, db: Store) -> tuple[bool, str]:
    """A resident who blocked the bot writes; the bot tries once, marks them unreachable and
    moves on; when they unblock and write again they are answered."""
    server.faults.block_chat(user.id)
    calls = len(server.calls("sendMessage"))
    await user.send_command("start")
    await server.wait_for_call(
        "sendMessage", lambda c: c.params.get("chat_id") == user.id, timeout=20, after_seq=0
    )
    rows = await asyncio.to_thread(
        query, db, "SELECT reachable FROM people WHERE external_id = ?", str(user.id)
    )
    for _ in range(100):
        if rows and rows[0][0] == 0:
            break
        await asyncio.sleep(0.1)
        rows = await asyncio.to_thread(
            query, db, "SELECT reachable FROM people WHERE external_id = ?", str(user.id)
        )
    tries = [c for c in server.calls("sendMessage")[calls:] if c.params.get("chat_id") == user.id]
    server.faults.unblock_chat(user.id)
    await user.send_command("start")
    welcome = await user.wait_text("民情直通车", timeout=20)
    ok = len(tries) == 1 and tries[0].status == 403 and bool(rows) and rows[0][0] == 0
    return ok and bool(welcome), f"{len(tries)} attempt(s) while blocked, then answered"


async def run(scale: Scale, workdir: Path, seed: int, database: str = "sqlite") -> list[Row]:
    """The abuse part on one process and a file, or on workers and PostgreSQL (database
    "postgres"); returns its table rows."""
    rng = random.Random(seed)
    async with (
        fake_bot_api(TOKEN) as server,
        store.fresh(database, workdir / "abuse.db") as db,
    ):
        bot = BotProcess(server, db, [COORDINATOR], workdir)
        crowd = await enrol(bot, server, rng, scale.normal_residents + 2)
        await bot.start()
        loop = asyncio.get_running_loop()
        # Everyone with a case of their own; a law member claims a third one.
        everyone = crowd.residents
        await asyncio.gather(*(r.file(20.0, loop.time() + 90) for r in everyone))
        nosy_resident, other_resident = everyone[0], everyone[1]
        normal = everyone[2:]
        await audit.settled(db, 60.0)
        mine = {nosy_resident.ref, other_resident.ref}
        law, claimed = await claim_one([m for m in crowd.members if m.tank == "law"], mine)
        rival = next(m for m in crowd.members if m.tank == "law" and m is not law)
        economy = next(m for m in crowd.members if m.tank == "economy")
        abusers = {
            "intruder": server.user(ABUSER_BASE + 1, "闯入者"),
            "forger": server.user(ABUSER_BASE + 6, "伪造者"),
            "nosy": nosy_resident.user,
            "odd": server.user(ABUSER_BASE + 2, "怪人"),
            "html": server.user(ABUSER_BASE + 3, "<b>老板</b> & <i>"),
            "member": economy.user,
            "rival": rival.user,
        }
        flooder = server.user(ABUSER_BASE + 4, "刷屏的人")
        blocker = server.user(ABUSER_BASE + 5, "拉黑的人")
        await audit.settled(db, 60.0)

        idle = await latency(normal, scale.abuse_seconds)
        ids = {str(u.id) for u in (*abusers.values(), flooder, blocker)}
        before = await asyncio.to_thread(snapshot, db, ids)
        own = nosy_resident.ref
        assert own is not None and other_resident.ref is not None
        found = probes(own, other_resident.ref, claimed)
        done = asyncio.Event()

        by_who: dict[str, list[Probe]] = {}
        for probe in found:
            by_who.setdefault(probe.who, []).append(probe)

        async def one(who: str) -> list[Outcome]:
            user = abusers[who]
            await asyncio.sleep(rng.uniform(0.0, 1.0))  # attackers do not start on the same ms
            await user.send_command("start")  # a bot message for forged presses to sit on
            await user.chat.signal.wait_until(
                lambda: True if user.messages else None, 20, lambda: "a greeting"
            )
            outcomes = []
            for probe in by_who[who]:
                sent = loop.time()
                outcomes.append(await run_probe(user, probe))
                # One a second: a quick typist, under the bot's flood limit.
                await asyncio.sleep(max(0.0, PACE - (loop.time() - sent)))
            return outcomes

        async def abuse() -> tuple[list[list[Outcome]], list[int], tuple[bool, str]]:
            try:
                return await asyncio.gather(
                    asyncio.gather(*(one(w) for w in by_who)),
                    flood(flooder, scale.flood, scale.flood_seconds),
                    blocked(server, blocker, db),
                )
            finally:
                done.set()

        started = time.perf_counter()
        (per_who, flood_ids, block), busy = await asyncio.gather(
            abuse(), latency(normal, scale.abuse_seconds, done)
        )
        outcomes = [o for outcomes in per_who for o in outcomes]
        abuse_took = time.perf_counter() - started
        settled = await audit.settled(db, 90.0)
        after = await asyncio.to_thread(snapshot, db, ids)
        code = await bot.stop()
        check = await asyncio.to_thread(integrity, db, workdir / "scratch")
        return rows(
            scale, server, db, outcomes, flooder, flood_ids, block, idle, busy, before, after,
            settled and code == 0 and check in SOUND, abuse_took,
        )  # fmt: skip


async def claim_one(members: list[Member], skip: set[int | None]) -> tuple[Member, int]:
    """A member claims a case that is neither of the two given; returns them and its number."""
    for member in members:
        for message in member.user.messages:
            found = NOTICE.search(text_of(message))
            if found and int(found[1]) not in skip:
                await member.user.press("✋ 认领", message)
                await member.user.wait_text("办理记录", timeout=30)
                return member, int(found[1])
    raise AssertionError("no law member has a notice to claim")


def rows(
    scale: Scale,
    server: FakeBotAPI,
    db: Store,
    outcomes: list[Outcome],
    flooder: FakeUser,
    flood_ids: list[int],
    block: tuple[bool, str],
    idle: list[float],
    busy: list[float],
    before: dict[str, list[tuple[Any, ...]]],
    after: dict[str, list[tuple[Any, ...]]],
    healthy: bool,
    took: float,
) -> list[Row]:
    """Judge the abuse part."""
    unanswered = [o for o in outcomes if not o.ok]
    changed = {t: len(set(before[t]) ^ set(after[t])) for t in before if before[t] != after[t]}
    texts = [text_of(m) for m in flooder.messages]
    warns = [i for i, t in enumerate(texts) if SLOW_DOWN in t]
    after_warn = len(texts) - 1 - warns[0] if warns else 0
    delivery = audit.compare(server, db, skip_chats={str(ABUSER_BASE + 5)})
    idle99, busy99 = p99(idle), p99(busy)
    ratio = busy99 / idle99 if idle99 else 0.0
    failures = "; ".join(f"{o.probe.name}: {o.got}" for o in unanswered[:3])
    result = [
        Row(
            "Hostile and malformed input: staff commands from residents, other people's case "
            "numbers, forged and stale buttons, SQL and HTML, empty, zero-width, right-to-left, "
            "binary-looking and 4,096-character text, unsupported media",
            str(len(outcomes)),
            f"{len(unanswered)} without a clear answer",
            not unanswered,
            failures or f"each answered as expected; {delivery.lost} messages lost",
        ),
        Row(
            "The rows hostile input must not touch (cases, events, other people, drafts, "
            "invitations, corrections, digests), before and after",
            str(sum(len(v) for v in before.values())),
            f"{sum(changed.values())} rows changed"
            + (f" ({', '.join(f'{t}: {n}' for t, n in changed.items())})" if changed else ""),
            not changed and healthy,
            "database snapshot compared row by row; "
            + (
                ("integrity ok" if db.path is not None else "stopped cleanly")
                if healthy
                else "unhealthy"
            ),
        ),
        Row(
            f"One user sends {scale.flood} messages in {scale.flood_seconds:.0f} s",
            str(len(flood_ids)),
            f"{len(warns)} polite answers (want 1), {after_warn} messages after it (want 0)",
            len(warns) == 1 and after_warn == 0,
            f"{len(texts) - len(warns)} answers to the messages before the limit",
        ),
        Row(
            "A resident who blocked the bot writes, then unblocks and writes again",
            "1",
            "nothing" if block[0] else "unexpected",
            block[0],
            block[1],
        ),
        Row(
            f"{scale.normal_residents} normal residents writing during the abuse: reply "
            "latency p99 vs an idle bot (target within 2×)",
            f"{len(idle)} + {len(busy)}",
            f"p99 {busy99 * 1000:.0f} ms vs {idle99 * 1000:.0f} ms idle ({ratio:.1f}×)",
            ratio <= 2.0 or not scale.judge_timing,
            f"median {statistics.median(busy) * 1000:.0f} ms vs "
            f"{statistics.median(idle) * 1000:.0f} ms; the abuse lasted {took:.0f} s"
            + ("" if scale.judge_timing else "; not judged in --quick (too few answers)"),
        ),
    ]
    return result
