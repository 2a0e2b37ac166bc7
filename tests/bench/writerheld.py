"""How long one turn holds the writer, which every other chat's turn waits for: the card of a
3,000-character draft of unusual text (jieba's slowest), and /case on a 20,000-event case.

Core on a real SQLite file and the real jieba classifier, in this process; the writer lock
notes how long each turn holds it.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Awaitable
from datetime import UTC, datetime
from pathlib import Path

import bot
import wiring
from config.tanks import load_stations, load_tanks
from core.context import District
from core.messages import Inbound, Outbound
from core.models import CaseEvent
from core.service import Service
from storage.db import Database, WriterLock
from storage.outbox import OutboxDeliveries
from storage.unit_of_work import unit_factory
from tests.bench.report import Report, Row, below

DRAFT_CHARS = 2990
EVENTS = 20_000
REPEAT = 5  # each turn; the median is shown
TARGET_MS = 20.0


class TimedLock(WriterLock):
    """The writer lock, noting how long each turn held it."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[float] = []
        self._since = 0.0

    async def acquire(self, urgent: bool = False) -> None:
        await super().acquire(urgent)
        self._since = time.perf_counter()

    def release(self) -> None:
        self.held.append(time.perf_counter() - self._since)
        super().release()


class Resident:
    """One chat driving core directly."""

    def __init__(self, service: Service, db: Database, user: str) -> None:
        self.service, self.store, self.user = service, OutboxDeliveries(db, "telegram"), user
        self.update = 0

    async def send(self, **fields: object) -> list[Outbound]:
        """An inbound event; returns what was queued."""
        self.update += 1
        inbound = Inbound(
            update_id=int(self.user) * 1000 + self.update,
            user_id=self.user,
            chat_id=self.user,
            user_name="居民",
            **fields,  # type: ignore[arg-type]
        )
        ids = await self.service.handle(inbound)
        return [p.message for p in await self.store.get(ids)]

    async def press(self, out: list[Outbound], label: str) -> list[Outbound]:
        """Press a button of the last message that has it."""
        for message in reversed(out):
            for row in message.buttons:
                for button in row:
                    if label in button.text:
                        return await self.send(callback_id="cb", callback_data=button.data)
        raise LookupError(label)


def random_cjk(count: int) -> str:
    """Random CJK ideographs: no dictionary word, all of it through jieba's HMM."""
    rng = random.Random(9)
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(count))


async def _timed(lock: TimedLock, turn: Awaitable[list[Outbound]]) -> tuple[float, float]:
    """The longest hold of the writer during a turn, and the turn's time, in seconds."""
    lock.held.clear()
    started = time.perf_counter()
    await turn
    return max(lock.held, default=0.0), time.perf_counter() - started


async def measure(
    workdir: Path, draft_chars: int = DRAFT_CHARS, events: int = EVENTS
) -> dict[str, float]:
    """Both turns' figures, in seconds."""
    district = District(tuple(load_tanks()), tuple(load_stations()))
    classifier = wiring.build_classifier(district, "jieba")
    db = await Database.open(workdir / "writer-held.db")
    try:
        lock = db.lock = TimedLock()
        service = bot.build_service(
            db, district, classifier, lambda: datetime.now(UTC), bot.classifier_thread()
        )
        figures: dict[str, float] = {}
        draft = random_cjk(draft_chars)
        started = time.perf_counter()
        classifier.classify(draft)
        figures["classify_s"] = time.perf_counter() - started
        cards: list[tuple[float, float]] = []
        for n in range(REPEAT):
            resident = Resident(service, db, str(42 + n))
            await resident.press(await resident.send(text=draft + str(n)), "跳过")
            card = asyncio.ensure_future(resident.send(text="不留电话"))
            cards.append(await _timed(lock, card))
        await resident.press(card.result(), "确认提交")
        async with unit_factory(db)() as uow:
            for n in range(events):
                event = CaseEvent(1, "message", datetime.now(UTC), 1, {"text": f"第{n}条留言"})
                await uow.events.add(event)
            await uow.commit()
        shown = []
        for _ in range(REPEAT):
            shown.append(await _timed(lock, resident.send(command="case", args="1")))
        for key, timed in (("card", cards), ("case", shown)):
            figures[f"{key}_writer_s"] = statistics.median(held for held, _ in timed)
            figures[f"{key}_writer_max_s"] = max(held for held, _ in timed)
            figures[f"{key}_turn_s"] = statistics.median(took for _, took in timed)
        return figures
    finally:
        await db.close()


async def run(
    report: Report, workdir: Path, draft_chars: int = DRAFT_CHARS, events: int = EVENTS
) -> dict[str, float]:
    """Measure, and add the rows."""
    figures = await measure(workdir, draft_chars, events)
    for what, key, detail in (
        (
            f"the card of a {draft_chars:,}-character draft of random CJK text: the writer held",
            "card",
            f"classified beforehand in a worker thread, {figures['classify_s'] * 1000:.0f} ms",
        ),
        (
            f"/case on a {events:,}-event case: the writer held",
            "case",
            "the timeline read and written out after the turn, on the read side",
        ),
    ):
        held = figures[f"{key}_writer_s"] * 1000
        worst = figures[f"{key}_writer_max_s"] * 1000
        turn = figures[f"{key}_turn_s"] * 1000
        met, margin = below(held, TARGET_MS)
        report.add(
            Row(
                "writer",
                what + f" (median of {REPEAT})",
                f"{held:.1f} ms, at most {worst:.1f} ms ({detail}; the turn took {turn:.0f} ms)",
                f"< {TARGET_MS:.0f} ms",
                met,
                margin,
                {k: v for k, v in figures.items() if k.startswith(key) or k == "classify_s"},
            )
        )
    return figures
