"""Test support shared by every suite: a settable clock, a rule-based classifier, a chat driver."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import bot
from core.context import District
from core.engines import Classifier
from core.messages import Inbound, Kind, Outbound
from core.models import Classification, KeywordHit
from core.service import Service
from core.throttle import Throttle
from storage.db import Database
from storage.outbox import OutboxDeliveries


class Clock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 25, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward."""
        self.now += timedelta(**delta)
        return self.now


class RuleClassifier:
    """A classifier port stand-in: the first tank whose word occurs in the text wins."""

    def __init__(self, rules: dict[str, str]) -> None:
        self.rules = rules

    def classify(self, text: str) -> Classification:
        """Classify by the first matching word."""
        for word, tank in self.rules.items():
            if word in text:
                return Classification(tank, 0.9, (KeywordHit(word, 2.0),), tank, {tank: 2.0})
        return Classification(None, 0.0)


RULES = {
    "欠薪": "law",
    "工资": "law",
    "贷款": "economy",
    "大棚": "agriculture",
    "玉米": "agriculture",
}

_update_ids = itertools.count(1000)

Fetch = Callable[[list[int]], Awaitable[list[Outbound]]]
CONFIRM = ("确认提交", "✅ 确认提交", "Confirm", "✅ Confirm")
GO_ON = ("继续提交新的反映",) * 2 + ("Go on with a new concern",) * 2


@dataclass
class Chat:
    """One person driving the core through Service.handle, reading what it queued for them."""

    service: Service
    fetch: Fetch
    user_id: str
    name: str = "居民"
    language: str | None = "zh-hans"
    channel: str = "telegram"
    inbox: list[Outbound] = field(default_factory=list)
    everyone: list[Outbound] = field(default_factory=list)

    async def send(self, **fields: Any) -> list[Outbound]:
        """Send an inbound event; returns the messages queued for this chat."""
        fields.setdefault("update_id", next(_update_ids))
        fields.setdefault("chat_id", self.user_id)
        inbound = Inbound(
            channel=self.channel,
            user_id=self.user_id,
            user_name=self.name,
            language=self.language,
            **fields,
        )
        out = await self.fetch(await self.service.handle(inbound))
        self.everyone = out
        mine = [m for m in out if m.chat_id == self.user_id and m.kind != Kind.COMMANDS]
        self.inbox.extend(mine)
        return mine

    async def text(self, text: str) -> list[Outbound]:
        """Type a message."""
        return await self.send(text=text)

    async def command(self, command: str, args: str = "") -> list[Outbound]:
        """Type a command."""
        return await self.send(command=command, args=args)

    async def press(self, label: str) -> list[Outbound]:
        """Press the inline button with this label in the latest message that has it. Asked
        to confirm a draft while similar open cases are offered before its card, the resident
        goes on with a new case first (tests about adding a voice press the buttons themselves)."""
        if label in CONFIRM and self._offered():
            await self.press(GO_ON[CONFIRM.index(label)])
        for message in reversed(self.inbox):
            for row in message.buttons:
                for button in row:
                    if label in button.text:
                        return await self.send(callback_id="cb", callback_data=button.data)
        raise AssertionError(f"no button {label!r} in {[m.text[:40] for m in self.inbox]}")

    def _offered(self) -> bool:
        """True when the latest message with buttons offers similar open cases."""
        latest = next((m for m in reversed(self.inbox) if m.buttons), None)
        return latest is not None and any(b.text in GO_ON for row in latest.buttons for b in row)

    def last_text(self) -> str:
        """The text of the latest message with text."""
        return next(m.text for m in reversed(self.inbox) if m.kind == Kind.SEND and m.text)


UNLIMITED = Throttle(burst=1e9)


def sqlite_service(
    db: Database, district: District, classifier: Classifier, clock: Clock
) -> Service:
    """Core over a real SQLite database, wired as bot.py wires it, the classifier in a worker
    thread (flood control out of the way)."""
    service = bot.build_service(db, district, classifier, clock, asyncio.to_thread)
    service.throttle = UNLIMITED
    return service


def sqlite_fetch(db: Database) -> Fetch:
    """Reads queued (not yet delivered) messages back from the outbox table."""
    store = OutboxDeliveries(db, "telegram")

    async def fetch(ids: list[int]) -> list[Outbound]:
        return [pending.message for pending in await store.get(ids)]

    return fetch
