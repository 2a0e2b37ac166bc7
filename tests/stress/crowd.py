"""Simulated people who keep at it: residents who take a concern to its #N and members who claim
and answer, each acting on what their chat shows and sending again when nothing comes back."""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any

from tests.fakes import FakeBotAPI, FakeUser, SentMessage
from tests.stress.proc import BotProcess

COORDINATOR = 9_000_001
MEMBER_BASE = 9_100_000
RESIDENT_BASE = 7_000_000
STATIONS = {
    "qianying": "钱营镇",
    "huanggezhuang": "黄各庄镇",
    "daodi": "稻地镇",
}
# Each concern routes clearly to its tank with the real classifier and with tests.support's rules.
CONCERNS = {
    "law": "老板拖欠工资三个月了，想申请劳动仲裁，请律师帮忙",
    "economy": "小微企业贷款太难，银行授信审批慢，融资成本高",
    "agriculture": "村里大棚的玉米遭了病虫害，化肥农药都不管用",
    None: "小区门口的路灯坏了很久，晚上出门很不方便",
}
TANKS = ("law", "economy", "agriculture")
CONFIRM = "✅ 确认提交"
CLAIM = "✋ 认领"
REF = re.compile(r"已受理，您的反映编号是 #(\d+)")
NOTICE = re.compile(r"新案件 #(\d+)")
TRIAGE_NOTICE = re.compile(r"待分派 #(\d+)")


def text_of(message: SentMessage) -> str:
    """What the person sees of a message."""
    return message.text or message.caption or ""


@dataclass
class Ledger:
    """Every update the crowd pushed, so that none can go missing unnoticed."""

    pushed: list[int] = field(default_factory=list)
    resends: int = 0
    why: list[str] = field(default_factory=list)  # each send-again: who, at which step
    pushed_by: dict[int, int] = field(default_factory=dict)
    _push: asyncio.Event = field(default_factory=asyncio.Event)

    def note(self, update: dict[str, Any]) -> dict[str, Any]:
        """Remember an update's id; returns the update."""
        self.pushed.append(int(update["update_id"]))
        for kind in ("message", "callback_query"):
            if kind in update:
                self.pushed_by[int(update[kind]["from"]["id"])] = int(update["update_id"])
        self._push.set()
        return update

    async def next_push(self) -> None:
        """Wait for the crowd's next update."""
        self._push.clear()
        await self._push.wait()


class Resident:
    """A resident taking one concern from /start to its number, whatever happens meanwhile."""

    # What the latest of these in the chat says about where the conversation stands.
    MARKS = ("已受理", "请确认您的反映", "好的。", "联系电话", "哪个镇", "民情直通车")

    def __init__(
        self,
        server: FakeBotAPI,
        ledger: Ledger,
        user_id: int,
        tank: str | None,
        station: str,
        phone: str,
        name: str | None = None,
    ) -> None:
        self.name = name or f"居民{user_id % 100000}"
        self.user: FakeUser = server.user(user_id, self.name)
        self.ledger = ledger
        self.tank, self.station, self.phone = tank, station, phone
        self.ref: int | None = None
        self.resends = 0
        self.finished_at: float | None = None

    @property
    def id(self) -> int:
        """The Telegram user id (and private chat id)."""
        return self.user.id

    def stage(self) -> tuple[str | None, SentMessage | None]:
        """The latest conversation mark in the chat and the message that carries it."""
        for message in reversed(self.user.messages):
            for mark in self.MARKS:
                if mark in text_of(message):
                    return mark, message
        return None, None

    def refs(self) -> list[int]:
        """Every case number the bot gave this resident."""
        return [int(m[1]) for msg in self.user.messages for m in REF.finditer(text_of(msg))]

    async def _step(self) -> bool | None:
        """Do what the chat asks for next; False once there is a number, None to just wait."""
        mark, message = self.stage()
        user, ledger = self.user, self.ledger
        if mark == "已受理":
            self.ref = self.refs()[0]
            return False
        if mark == "请确认您的反映" and message is not None and message.find_button(CONFIRM):
            ledger.note(await user.press(CONFIRM, message))
        elif mark == "联系电话":
            ledger.note(await user.send_contact(self.phone, own=True))
        elif mark == "好的。":
            return None  # the card follows in the same breath
        elif mark == "哪个镇" and message is not None:
            ledger.note(await user.press(STATIONS[self.station], message))
        elif mark == "民情直通车":
            ledger.note(await user.send_text(CONCERNS[self.tank]))
        else:
            ledger.note(await user.send_command("/start"))
        return True

    async def file(self, patience: float, deadline: float) -> bool:
        """Go through the intake until the number arrives; send again when the bot stays silent
        for `patience` seconds. True if the number came before the deadline (loop time)."""
        loop = asyncio.get_running_loop()
        while loop.time() < deadline:
            seen = len(self.user.messages)
            acted = await self._step()
            if acted is False:
                self.finished_at = time.perf_counter()
                return True
            within = min(patience, max(0.0, deadline - loop.time()))
            try:
                await self.user.chat.signal.wait_until(
                    lambda seen=seen: True if len(self.user.messages) > seen else None,  # type: ignore[misc]
                    within,
                    lambda: "an answer",
                )
            except AssertionError:
                if acted is None:
                    continue  # nothing was sent, so nothing needs sending again yet
                self.resends += 1
                self.ledger.resends += 1
                mark, _ = self.stage()
                last = self.ledger.pushed_by.get(self.id)
                self.ledger.why.append(f"{self.id} at {mark!r} after {last} ({time.time():.3f})")
        return False


class Member:
    """A member who claims a share of the new-case notices and answers some of what they claim."""

    def __init__(
        self,
        server: FakeBotAPI,
        ledger: Ledger,
        user_id: int,
        tank: str,
        station: str,
        rng: random.Random,
        claim_share: float = 0.6,
        reply_share: float = 0.5,
        pace: float = 1.3,
    ) -> None:
        self.user = server.user(user_id, f"委员{user_id % 1000}")
        self.ledger, self.tank, self.station, self.rng = ledger, tank, station, rng
        self.claim_share, self.reply_share, self.pace = claim_share, reply_share, pace
        self.seen: set[int] = set()
        self.claiming: dict[int, float] = {}  # case -> when the last claim press went out
        self.claimed: set[int] = set()
        self.replied: set[int] = set()
        self.wanted: set[int] = set()

    def _notices(self, pattern: re.Pattern[str]) -> list[tuple[int, SentMessage]]:
        found = []
        for message in self.user.messages:
            match = pattern.search(text_of(message))
            if match:
                found.append((int(match[1]), message))
        return found

    def _claimed_here(self, case: int) -> bool:
        return any(f"您已认领 #{case}" == (a.text or "") for a in self.user.answers) or any(
            f"案件 #{case}" in text_of(m) and "办理记录" in text_of(m) for m in self.user.messages
        )

    async def work(self, stop: asyncio.Event, patience: float) -> None:
        """Until stop: claim wanted notices (again if no answer came), then answer some."""
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            acted = await self._act(loop.time(), patience)
            if not acted:
                try:
                    async with asyncio.timeout(0.2):
                        await stop.wait()
                except TimeoutError:
                    pass
            else:
                await asyncio.sleep(self.pace)  # under the bot's flood limit of one a second

    async def _act(self, now: float, patience: float) -> bool:
        for case, message in self._notices(NOTICE):
            if case not in self.seen:
                self.seen.add(case)
                if self.rng.random() < self.claim_share:
                    self.wanted.add(case)
            if case in self.claimed or case not in self.wanted:
                continue
            if self._claimed_here(case):
                self.claimed.add(case)
                continue
            taken = "已由" in text_of(message) or not message.find_button(CLAIM)
            if taken:  # someone else was first, or the notice was closed
                self.wanted.discard(case)
                continue
            last = self.claiming.get(case)
            if last is None or now - last > patience:
                if last is not None:
                    self.ledger.resends += 1
                self.claiming[case] = now
                self.ledger.note(await self.user.press(CLAIM, message))
                return True
        for case in sorted(self.claimed - self.replied):
            self.replied.add(case)
            if self.rng.random() < self.reply_share:
                text = f"{case} 您好，我们已经联系了相关部门，请保持电话畅通。"
                self.ledger.note(await self.user.send_command("/reply", text))
                return True
        return False


class Coordinator:
    """A coordinator who routes every case that reaches triage to the law tank."""

    def __init__(self, server: FakeBotAPI, ledger: Ledger, user_id: int, pace: float = 1.3):
        self.user = server.user(user_id, f"协调员{user_id % 1000}")
        self.ledger, self.pace = ledger, pace
        self.routed: dict[int, float] = {}

    async def work(self, stop: asyncio.Event, patience: float) -> None:
        """Until stop: press 法律 on each triage notice (again if it still has its buttons)."""
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            acted = False
            for message in list(self.user.messages):
                match = TRIAGE_NOTICE.search(text_of(message))
                if not match or not message.find_button("法律"):
                    continue
                case, last = int(match[1]), self.routed.get(int(match[1]))
                if last is None or loop.time() - last > patience:
                    self.routed[case] = loop.time()
                    self.ledger.note(await self.user.press("法律", message))
                    acted = True
                    break
            await asyncio.sleep(self.pace if acted else 0.2)


def make_residents(
    server: FakeBotAPI, ledger: Ledger, count: int, rng: random.Random, first_id: int
) -> list[Resident]:
    """Residents with concerns for every tank (one in ten for none: triage), at every station."""
    residents = []
    for i in range(count):
        tank = None if i % 10 == 9 else TANKS[i % 3]
        station = rng.choice(list(STATIONS))
        phone = f"139{first_id % 10000 + i:08d}"
        residents.append(Resident(server, ledger, first_id + i, tank, station, phone))
    return residents


async def run_residents(
    residents: list[Resident], spread: float, patience: float, within: float
) -> None:
    """Let the residents arrive spread over `spread` seconds; each keeps at it until done."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within

    async def one(resident: Resident, delay: float) -> None:
        await asyncio.sleep(delay)
        await resident.file(patience, deadline)

    delays = [spread * i / max(1, len(residents)) for i in range(len(residents))]
    await asyncio.gather(*(one(r, d) for r, d in zip(residents, delays, strict=True)))


@dataclass
class Crowd:
    """Everyone taking part in a load, and the ledger of what they sent."""

    ledger: Ledger
    residents: list[Resident]
    members: list[Member]
    coordinator: Coordinator
    workers: list[asyncio.Task[None]] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)


async def enrol(bot: BotProcess, server: FakeBotAPI, rng: random.Random, residents: int) -> Crowd:
    """Create the schema and the members with the real command line; create the people."""
    ledger = Ledger()
    await bot.cli("migrate")
    members = []
    adds: list[tuple[str, ...]] = []
    for t, tank in enumerate(TANKS):
        for s, station in enumerate(STATIONS):
            uid = MEMBER_BASE + 10 * t + s
            members.append(Member(server, ledger, uid, tank, station, random.Random(rng.random())))
            name = f"委员{uid % 1000}"
            adds.append(("member", "add", str(uid), tank, "--name", name, "--station", station))
    await asyncio.gather(*(bot.cli(*args) for args in adds))
    coordinator = Coordinator(server, ledger, COORDINATOR)
    people = make_residents(server, ledger, residents, rng, RESIDENT_BASE)
    return Crowd(ledger, people, members, coordinator)


def start_staff(crowd: Crowd, patience: float) -> None:
    """Members and the coordinator start working their chats."""
    crowd.workers = [asyncio.create_task(m.work(crowd.stop, patience)) for m in crowd.members]
    crowd.workers.append(asyncio.create_task(crowd.coordinator.work(crowd.stop, patience)))


async def staff_done(crowd: Crowd, within: float) -> bool:
    """Wait until each member has claimed what they meant to and answered; then stop them."""
    deadline = time.perf_counter() + within
    try:
        while time.perf_counter() < deadline:
            busy = [m for m in crowd.members if m.wanted - m.claimed or m.claimed - m.replied]
            if not busy:
                return True
            await asyncio.sleep(0.5)
        return False
    finally:
        crowd.stop.set()
        await asyncio.gather(*crowd.workers)
