"""Part 3: hostile and malformed input. Each gets a clear answer (the flood: one polite answer,
then silence), changes nothing it must not, and normal residents writing meanwhile are answered
as fast as on an idle bot."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fakes import FakeBotAPI, FakeUser, fake_bot_api
from tests.fakes.content import message_dict
from tests.stress import audit
from tests.stress.crowd import COORDINATOR, NOTICE, Crowd, Member, Resident, enrol, text_of
from tests.stress.proc import TOKEN, BotProcess, integrity, query
from tests.stress.report import Row
from tests.stress.scale import Scale

ABUSER_BASE = 6_000_000
NOT_ALLOWED = "您没有使用该命令的权限"
STALE = "该按钮已失效"
NEED_WORDS = "请用文字描述您的问题"
UNSUPPORTED = "暂不支持"
SLOW_DOWN = "您发送得太快了"
PACE = 1.05  # a hostile user's pace, input after input
CADENCE = 1.2  # a normal resident's pace: under the per-chat limit of Telegram and of the bot

Send = Callable[[FakeUser], Awaitable[dict[str, Any]]]


def not_found(number: object) -> str:
    """The refusal for a case the asker may not see."""
    return f"没有找到案件 #{number}"


@dataclass
class Probe:
    """One hostile input: who sends it, what, and what the answer must contain."""

    name: str
    who: str
    send: Send
    expect: str
    button: bool = False  # the answer is a button-press answer (an alert), not a message


@dataclass
class Outcome:
    """What became of a probe."""

    probe: Probe
    ok: bool
    got: str


def text(value: str) -> Send:
    async def send(user: FakeUser) -> dict[str, Any]:
        return await user.send_text(value)

    return send


def command(name: str, args: str = "") -> Send:
    async def send(user: FakeUser) -> dict[str, Any]:
        return await user.send_command(name, args)

    return send


def forged(data: str) -> Send:
    async def send(user: FakeUser) -> dict[str, Any]:
        return await user.forge_callback(data)

    return send


def raw(content: dict[str, Any]) -> Send:
    async def send(user: FakeUser) -> dict[str, Any]:
        return await user.send_message(**content)

    return send


def no_data_press() -> Send:
    async def send(user: FakeUser) -> dict[str, Any]:
        server, message = user.server, user.last_message
        assert message is not None
        query_id = f"{user.id}{len(user.answers) + 1:04d}"
        server.state.open_queries[query_id] = user.id
        query = {
            "id": query_id,
            "from": user.user,
            "message": message_dict(message, user.chat, server.bot_user),
            "chat_instance": str(user.id),
        }
        return server.push({"callback_query": query})

    return send


def unreadable_then_help() -> Send:
    """An update the bot's library cannot read (a poll without the fields a newer Bot API made
    required, as after a Bot API change), then /help: the bot must skip the first and answer."""

    async def send(user: FakeUser) -> dict[str, Any]:
        await user.send_message(poll={"id": "1", "question": "?", "options": []})
        return await user.send_command("help")

    return send


def press(label: str) -> Send:
    async def send(user: FakeUser) -> dict[str, Any]:
        return await user.press(label)

    return send


def media(kind: str, **fields: Any) -> dict[str, Any]:
    """A message of an unsupported kind."""
    item = {"file_id": f"{kind}-file", "file_unique_id": f"{kind}-unique", **fields}
    return {kind: item}


def probes(own: int, other: int, claimed: int) -> list[Probe]:
    """The hostile inputs. `own` is the nosy resident's case, `other` someone else's, `claimed`
    a case the first law member holds."""
    staff_only = [
        ("pending", ""),
        ("mine", ""),
        ("stats", ""),
        ("overdue", ""),
        ("triage", ""),
        ("assign", f"{other} law"),
        ("find", "工资"),
        ("invite", "law"),
        ("members", ""),
        ("removemember", "1"),
        ("extend", f"{other} 3 拖延一下"),
        ("deadlines", ""),
        ("resolve", f"{other} 已办结"),
        ("note", f"{other} 内部备注"),
        ("transfer", f"{other} economy 冒充转交"),
    ]
    found = [
        Probe(f"/{name} from a resident", "intruder", command(name, args), NOT_ALLOWED)
        for name, args in staff_only
    ]
    found += [
        Probe("someone else's case", "nosy", command("case", str(other)), not_found(other)),
        Probe(
            "/reply to someone else's case",
            "nosy",
            command("reply", f"{other} 我是冒充的"),
            not_found(other),
        ),
        Probe("a case that does not exist", "nosy", command("case", "99999"), not_found(99999)),
        Probe("#-style number, not theirs", "nosy", command("case", f"#{other}"), not_found(other)),
        Probe(
            "full-width ＃ number, not theirs",
            "nosy",
            command("case", f"＃{claimed}"),
            not_found(claimed),
        ),
        Probe("SQL in a case number", "nosy", command("case", "1' OR '1'='1"), "请写上案件编号"),
        Probe("SQL after a case number", "nosy", command("case", "1; DROP TABLE cases"), "请写上"),
        Probe("4,096-character case number", "nosy", command("case", "9" * 4090), "请写上案件编号"),
    ]
    forged_presses = [
        ("claim button on someone else's case", f"case:claim:{other}", not_found(other)),
        ("resolve button on someone else's case", f"case:resolve:{other}", not_found(other)),
        ("rating button on someone else's case", f"case:rate:{other}:good", not_found(other)),
        ("triage routing button", f"case:route:{other}:law", not_found(other)),
        ("transfer target button", f"case:xfer:{claimed}:economy", not_found(claimed)),
        ("details of someone else's case", f"case:detail:{claimed}", not_found(claimed)),
        ("reply button on someone else's case", f"case:reply:{claimed}", not_found(claimed)),
        ("claim button on their own case", f"case:claim:{own}", "该案件不属于您所在的智库"),
        ("rating their own unresolved case", f"case:rate:{own}:good", "该案件当前无需评价"),
        ("unknown action on their own case", f"case:frobnicate:{own}", STALE),
        ("negative case number", "case:claim:-1", not_found("?")),
        ("14-digit case number", "case:claim:99999999999999", not_found("?")),
        ("SQL in button data", "case:claim:1 OR 1=1", STALE),
        ("statement in button data", "case:claim:1;DROP TABLE cases", STALE),
        ("unknown scope", "案件:认领:1", STALE),
        ("forged draft id", "in:ok:deadbeef", STALE),
        ("forged draft tank choice", "in:tank:deadbeef:law", STALE),
        ("forged erase-me variant", "me:nuke", STALE),
        ("100 bytes of button data", "x" * 100, STALE),
        ("empty button data", "", STALE),
    ]
    found += [
        Probe(f"forged: {name}", "nosy" if i < 10 else "forger", forged(data), expect, button=True)
        for i, (name, data, expect) in enumerate(forged_presses)
    ]
    found.append(Probe("a press with no data at all", "forger", no_data_press(), STALE, True))
    location = {"location": {"latitude": 39.6, "longitude": 118.1}}
    contact = {"contact": {"phone_number": "13900000000", "first_name": "别人"}}
    sticker = media("sticker", type="regular", width=1, height=1, is_animated=False, is_video=False)
    odd: list[tuple[str, Send, str]] = [
        ("empty text", text(""), NEED_WORDS),
        ("blank text", text(" \n\t "), NEED_WORDS),
        ("zero-width characters only", text("\u200b\u200c\u200d\u2060\ufeff"), NEED_WORDS),
        ("right-to-left controls only", text("\u202e\u202b\u200f\u061c"), NEED_WORDS),
        ("emoji only", text("😀🙏🔥"), NEED_WORDS),
        ("a location first", raw(location), "请先用文字描述"),
        ("someone else's phone first", raw(contact), "请先用文字描述"),
        ("sticker", raw(sticker), UNSUPPORTED),
        ("voice", raw(media("voice", duration=3)), UNSUPPORTED),
        ("document", raw(media("document", file_name="x.exe")), UNSUPPORTED),
        ("video", raw(media("video", width=1, height=1, duration=1)), UNSUPPORTED),
        ("video note", raw(media("video_note", length=1, duration=1)), UNSUPPORTED),
        ("audio", raw(media("audio", duration=1)), UNSUPPORTED),
        ("dice", raw({"dice": {"emoji": "🎲", "value": 6}}), UNSUPPORTED),
        ("an update the bot's library cannot read, then /help", unreadable_then_help(), "可用命令"),
        ("unknown command", command("frobnicate"), "不认识的命令 /frobnicate"),
        ("64-letter command", command("x" * 64), "不认识的命令 /xxxx"),
        ("a forged invitation", command("start", "not-a-real-code"), "邀请链接无效"),
        # Letters and digits among the control bytes: taken as the start of a concern.
        ("binary-looking text", text("\x00\x01\x02\x7f\x1b[0;31m\ufffd\x08"), "请再多写几句"),
        ("SQL as a concern (a draft begins)", text("'); DROP TABLE cases; -- 工资"), "哪个镇"),
        ("HTML added to the draft", text("<script>alert(1)</script>"), "已补充"),
        ("/cancel of that draft", command("cancel"), "已取消"),
        ("4,096-character concern", text(("欠薪<&>" * 1000)[:4096]), "哪个镇"),
        ("/cancel", command("cancel"), "已取消"),
    ]
    found += [Probe(name, "odd", send, expect) for name, send, expect in odd]
    found.insert(
        -2,
        Probe("a station button pressed after /cancel", "odd", press("钱营镇"), STALE, True),
    )
    found += [
        Probe("HTML in a name", "html", command("start"), "<b>老板</b> & <i>"),
        Probe("/forgetme from a member", "member", command("forgetme"), NOT_ALLOWED),
        Probe("coordinator command from a member", "member", command("stats"), NOT_ALLOWED),
        Probe(
            "another tank's case, by a member",
            "member",
            command("resolve", f"{claimed} 办结"),
            not_found(claimed),
        ),
        Probe(
            "claim on a case another member holds",
            "rival",
            forged(f"case:claim:{claimed}"),
            "该案件已被其他委员认领",
            button=True,
        ),
    ]
    return found


@dataclass
class Cast:
    """The people of the abuse part."""

    crowd: Crowd
    normal: list[Resident]
    abusers: dict[str, FakeUser] = field(default_factory=dict)


async def run_probe(user: FakeUser, probe: Probe) -> Outcome:
    """Send one probe and judge its answer."""
    seen = len(user.messages)
    update = await probe.send(user)
    try:
        if probe.button:
            query_id = update["callback_query"]["id"]
            answer = await user.chat.signal.wait_until(
                lambda: next((a for a in user.answers if a.callback_query_id == query_id), None),
                20,
                lambda: f"the answer to {probe.name}",
            )
            got = answer.text or ""
        else:
            message = await user.chat.signal.wait_until(
                lambda: next((m for m in user.messages[seen:] if probe.expect in text_of(m)), None),
                20,
                lambda: f"the answer to {probe.name}",
            )
            got = text_of(message)
    except AssertionError:
        later = [text_of(m) for m in user.messages[seen:]]
        return Outcome(probe, False, " / ".join(later)[:200] or "(no answer)")
    return Outcome(probe, probe.expect in got, got[:120])


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


def snapshot(db: Path, abusers: set[str]) -> dict[str, list[tuple[Any, ...]]]:
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


async def blocked(server: FakeBotAPI, user: FakeUser, db: Path) -> tuple[bool, str]:
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


async def run(scale: Scale, workdir: Path, seed: int) -> list[Row]:
    """The abuse part; returns its table rows."""
    rng = random.Random(seed)
    async with fake_bot_api(TOKEN) as server:
        db = workdir / "abuse.db"
        bot = BotProcess(server, db, [COORDINATOR], workdir)
        crowd = await enrol(bot, server, rng, scale.normal_residents + 2)
        await bot.start()
        loop = asyncio.get_running_loop()
        # Everyone with a case of their own; the first law member claims one.
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
            settled and code == 0 and check == "ok", abuse_took,
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
    db: Path,
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
            "database snapshot compared row by row; integrity ok" if healthy else "unhealthy",
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
