"""The console channel: the same core and outbox, typed at a terminal or piped from a script.

Buttons show as numbered choices; type the number (or :press and the label) to press one. Lines
starting with ':' are the console's own commands (:as, :who, :press, :time, :tour, :photo,
:contact, :location, :help, :quit). The demo's clock starts on a working morning, so that what
the sweep does at `:time` is seen, not held for the quiet hours; `:tour` plays one concern's week
through all three roles.
"""

from __future__ import annotations

import asyncio
import html
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count
from typing import Any, TextIO

from core import roster
from core.messages import Inbound, Kind, Outbound
from core.service import Service
from handlers.console_tour import TOUR_PAUSE, play_tour, to_working_morning
from handlers.sender import OutboxSender
from storage.db import Database
from storage.outbox import OutboxDeliveries

CHANNEL = "console"
RESIDENT = "resident"
COORDINATOR = "coordinator"
DEMO_NAMES = ("张律师", "王经理", "李农技", "刘委员", "陈委员")
TAGS = re.compile(r"<[^>]+>")


@dataclass
class Chat:
    """What the console remembers of one identity's chat: its last buttons."""

    label: str
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (label, callback data)
    keys: list[tuple[str, bool]] = field(default_factory=list)  # (label, request_contact)


def plain(text: str) -> str:
    """Telegram HTML as plain terminal text."""
    return html.unescape(TAGS.sub("", text))


class OffsetClock:
    """The real clock moved forward by `:time`, so the demo can show reminders."""

    def __init__(self, base: Callable[[], datetime], offset: timedelta | None = None) -> None:
        self.base = base
        self.offset = offset or timedelta()

    def __call__(self) -> datetime:
        return self.base() + self.offset


def parse_delta(text: str) -> timedelta | None:
    """'+25h', '+3d', '+90m' as a time span."""
    match = re.fullmatch(r"\+?(\d{1,4})([mhd])", text)
    if match is None:
        return None
    unit = {"m": "minutes", "h": "hours", "d": "days"}[match.group(2)]
    return timedelta(**{unit: int(match.group(1))})


class ConsoleTransport:
    """Prints each delivered message under the name of the chat it went to."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.ids = count(1)

    async def deliver(self, message: Outbound, edit_message_id: int | None) -> int | None:
        """Show the message; remember its buttons for numbered pressing."""
        chat = self.console.chat(message.chat_id)
        out = self.console.out
        if message.kind == Kind.COMMANDS:
            return None
        if message.kind == Kind.ANSWER:
            if message.text:
                out.write(f"   ({chat.label}: {plain(message.text)})\n")
            return None
        if message.kind == Kind.EDIT and not message.text:
            return edit_message_id  # only buttons change; the console shows the latest anyway
        if message.photos:
            out.write(f"\n── {chat.label} ◀ [📷 × {len(message.photos)}]\n")
            return next(self.ids)
        if message.document is not None:
            file = message.document
            out.write(f"\n── {chat.label} ◀ [📎 {file.filename}, {len(file.content):,} B]\n")
        if message.location is not None:
            out.write(f"\n── {chat.label} ◀ [📍 {message.location[0]}, {message.location[1]}]\n")
            return next(self.ids)
        edited = " (已更新 / edited)" if message.kind == Kind.EDIT else ""
        out.write(f"\n── {chat.label} ◀{edited}\n{plain(message.text)}\n")
        if message.buttons:
            chat.buttons = [(b.text, b.data) for row in message.buttons for b in row]
            chat.keys = []
        elif message.keyboard:
            chat.keys = [(b.text, b.request_contact) for row in message.keyboard for b in row]
            chat.buttons = []
        elif message.remove_keyboard or message.kind == Kind.SEND:
            chat.keys = [] if message.remove_keyboard else chat.keys
        choices = [label for label, _ in chat.buttons] + [label for label, _ in chat.keys]
        if (message.buttons or message.keyboard) and choices:
            out.write("   " + "  ".join(f"[{i}] {c}" for i, c in enumerate(choices, 1)) + "\n")
        out.flush()
        return edit_message_id if message.kind == Kind.EDIT else next(self.ids)


class Console:
    """A seeded demo district you talk to as a resident, a member or a coordinator."""

    def __init__(
        self,
        service: Service,
        db: Database,
        inp: TextIO = sys.stdin,
        out: TextIO = sys.stdout,
        pause: float = TOUR_PAUSE,
    ) -> None:
        self.service, self.db, self.inp, self.out = service, db, inp, out
        self.chats: dict[str, Chat] = {RESIDENT: Chat("居民 resident (you)")}
        self.identities: dict[str, str] = {"resident": RESIDENT, "coordinator": COORDINATOR}
        self.me = RESIDENT
        self.echo = not inp.isatty()
        self.clock = OffsetClock(service.clock, to_working_morning(service, service.clock()))
        service.clock = self.clock
        self.pending_jobs = False
        self.photo_ids = count(1)
        self.pause = pause
        self.sender: OutboxSender | None = None

    def chat(self, chat_id: str) -> Chat:
        """The console's record of a chat."""
        return self.chats.setdefault(chat_id, Chat(chat_id))

    async def seed(self) -> None:
        """Create the demo district's people: a member in each tank and a coordinator."""
        district, now = self.service.district, self.service.clock()
        async with self.service.open_unit() as uow:
            for i, tank in enumerate(district.tanks):
                external = f"member-{tank.code}"
                name = DEMO_NAMES[i % len(DEMO_NAMES)]
                existing = await uow.people.by_external(CHANNEL, external)
                if existing is None or not existing.is_member:
                    await roster.add_member(uow, district, CHANNEL, external, tank.code, now, name)
                self.identities.setdefault("member", external)
                self.identities[tank.code] = external
                self.chats[external] = Chat(f"{name}（{tank.name_zh}委员 member）")
            await roster.sync_coordinators(uow, CHANNEL, [COORDINATOR], now)
            coordinator = await uow.people.by_external(CHANNEL, COORDINATOR)
            if coordinator is not None and not coordinator.name:
                coordinator.name = "赵协调"
                await uow.people.update(coordinator)
            await uow.commit()
        self.chats[COORDINATOR] = Chat("赵协调（协调员 coordinator）")

    async def run(self) -> None:
        """Read lines until end of input or :quit, delivering everything each line causes."""
        await self.seed()
        store = OutboxDeliveries(self.db, CHANNEL)
        sender = OutboxSender(
            store,
            ConsoleTransport(self),
            rate=1e6,
            chat_rate=1e6,
            chat_burst=1e6,
            clock=self.clock,
        )
        await sender.start()
        self.sender = sender
        self.out.write(INTRO)
        self.out.write(
            f"   演示时钟从工作日上午开始 / the demo clock starts on a working morning: "
            f"{self._now()}\n"
        )
        try:
            while (line := await self._read()) is not None:
                if line.strip() in (":quit", ":q"):
                    break
                if line.strip() == ":tour":
                    await play_tour(self)
                else:
                    await self.line(line.rstrip("\n"))
        finally:
            await sender.drain()
            await sender.stop()

    async def line(self, line: str) -> None:
        """Act on one typed line and deliver everything it caused (and, after :time, what the
        sweep and the digests sent, with a summary of it)."""
        assert self.sender is not None
        inbound = self._inbound(line)
        if inbound is not None:
            self.sender.submit(await self.service.handle(inbound))
        await self.sender.drain()
        if self.pending_jobs:
            self.pending_jobs = False
            swept = await self.service.sweep()
            daily = await self.service.daily_digest()
            weekly = await self.service.weekly_digest()
            for ids in (swept, daily, weekly):
                self.sender.submit(ids)
            await self.sender.drain()
            self.out.write(sweep_summary(len(swept), len(daily), len(weekly)))

    def _now(self) -> str:
        return self.service.district.show_time(self.clock())

    async def _read(self) -> str | None:
        self.out.write(f"\n[{self.me}] › ")
        self.out.flush()
        line = await asyncio.get_running_loop().run_in_executor(None, self.inp.readline)
        if not line:
            self.out.write("\n")
            return None
        if self.echo:
            self.out.write(line if line.endswith("\n") else line + "\n")
        return line

    def _inbound(self, line: str) -> Inbound | None:
        base: dict[str, Any] = {
            "channel": CHANNEL,
            "user_id": self.me,
            "chat_id": self.me,
            "user_name": self._name(),
        }
        chat = self.chat(self.me)
        stripped = line.strip()
        if stripped.startswith(":"):
            return self._meta(stripped, base)
        if stripped.isdigit() and 0 < int(stripped) <= len(chat.buttons) + len(chat.keys):
            index = int(stripped) - 1
            if index < len(chat.buttons):
                return Inbound(
                    **base, callback_id=f"cb{index}", callback_data=chat.buttons[index][1]
                )
            label, contact = chat.keys[index - len(chat.buttons)]
            if contact:
                return Inbound(**base, contact_phone="13800138000", contact_user_id=self.me)
            return Inbound(**base, text=label)
        if stripped.startswith("/"):
            head, _, args = stripped.partition(" ")
            return Inbound(**base, command=head[1:].lower(), args=args.strip())
        return Inbound(**base, text=line)

    def _press(self, label: str, base: dict[str, Any]) -> Inbound | None:
        """Press the button or key whose label holds these words."""
        chat = self.chat(self.me)
        for index, (text, data) in enumerate(chat.buttons):
            if label and label in text:
                return Inbound(**base, callback_id=f"cb{index}", callback_data=data)
        for text, contact in chat.keys:
            if label and label in text:
                if contact:
                    return Inbound(**base, contact_phone="13800138000", contact_user_id=self.me)
                return Inbound(**base, text=text)
        self.out.write(f"   no button {label!r} here\n")
        return None

    def _name(self) -> str:
        return "居民小王" if self.me == RESIDENT else self.chat(self.me).label.split("（")[0]

    def _meta(self, line: str, base: dict[str, Any]) -> Inbound | None:
        word, _, rest = line[1:].partition(" ")
        name = rest.strip()
        if word == "as" and name:
            if name not in self.identities:
                self.identities[name] = name
                self.chats[name] = Chat(f"{name} (new person)")
            self.me = self.identities[name]
            self.out.write(f"   now speaking as {self.chat(self.me).label}\n")
        elif word == "time" and (delta := parse_delta(name)) is not None:
            self.clock.offset += delta
            self.out.write(f"   时钟 / the clock is now {self._now()}\n")
            self.pending_jobs = True
        elif word == "time":
            self.out.write(f"   时钟 / the clock is {self._now()}; :time +25h moves it on\n")
        elif word == "press":
            return self._press(name, base)
        elif word == "who":
            for name, ident in self.identities.items():
                self.out.write(f"   :as {name:12} {self.chat(ident).label}\n")
        elif word == "photo":
            photo = f"demo-photo-{next(self.photo_ids)}"
            return Inbound(**base, photos=(photo,), text=rest.strip() or None)
        elif word == "contact":
            phone = rest.strip() or "13800138000"
            return Inbound(**base, contact_phone=phone, contact_user_id=self.me)
        elif word == "location":
            parts = rest.split()
            if len(parts) == 2:
                return Inbound(**base, location=(float(parts[0]), float(parts[1])))
            self.out.write("   usage: :location <latitude> <longitude>\n")
        else:
            self.out.write(HELP)
        return None


def sweep_summary(swept: int, daily: int, weekly: int) -> str:
    """What the sweep and the digests did after :time, in a line."""
    if not swept + daily + weekly:
        return "   ⏱ 扫描：没有到期的事 / the sweep found nothing due\n"
    return (
        f"   ⏱ 扫描：催办、升级和通知 {swept} 条，日报 {daily} 条，周报 {weekly} 条"
        f" / the sweep sent {swept} reminders, escalations and notices;"
        f" digests: {daily} daily, {weekly} weekly\n"
    )


INTRO = """\
民情 Minqing — 控制台演示 / console demo
你现在是居民。直接输入文字反映问题；按钮显示为 [编号]，输入编号即可点击。
You are a resident. Type a concern; buttons show as [n], type n to press one.
:as member | :as coordinator | :as resident  切换身份 switch identity
:time +25h  时间快进，查看催办 move the clock on to see reminders;  :help 帮助
:tour       一分钟看完一件事的一周 a concern's week through all three roles, in a minute
"""

HELP = """\
   :as <resident|member|coordinator|<tank code>>  switch identity (a new name: a new person)
   :time +25h              move the clock forward (+90m, +3d) and run reminders and digests
   :press <label>          press the button whose label holds these words
   :tour                   play a concern's week through all three roles
   :who                    list identities
   :photo [caption]        send a photo
   :contact [phone]        share a phone number
   :location <lat> <lon>   share a location
   :quit                   leave
"""
