"""The core as the adapters see it: hand it an inbound event, get back what to deliver."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from core import roster
from core.cases import sweep
from core.context import District, retried
from core.conversation import dispatch
from core.desk import sweep as desk_sweep
from core.engines import Classifier, NoSimilarCases, Offload, SimilarCases, run_here
from core.messages import Inbound
from core.office import OfficeFiles
from core.ports import DialogReader, UnitOfWorkFactory
from core.staff import digests
from core.throttle import FloodLimit, Throttle
from core.views import CaseViews


@dataclass
class Service:
    """Everything core needs, chosen once in bot.py."""

    open_unit: UnitOfWorkFactory
    district: District
    classifier: Classifier
    clock: Callable[[], datetime]
    views: CaseViews
    throttle: FloodLimit = field(default_factory=Throttle)
    # The chats' conversations as committed, read before a turn to foresee what it will
    # classify; and where the classifier then runs. Without them, it runs during the turn.
    dialogs: DialogReader | None = None
    offload: Offload = run_here
    # Which open cases read like a new concern, and the hot topics (bot.py picks the engine).
    similar: SimilarCases = field(default_factory=NoSimilarCases)
    # Where the desk's files are built (None: files are refused with a word why).
    files: OfficeFiles | None = None

    async def handle(self, inbound: Inbound) -> list[int]:
        """Handle one inbound event; returns the outbox ids to deliver."""
        return await dispatch.handle(inbound, self)

    async def sweep(self) -> list[int]:
        """Reminders, escalations, wider notices and closures that are due now; the desk's
        proposals and consultations with them."""
        queued = await sweep.sweep(self.open_unit, self.district, self.clock())
        return queued + await desk_sweep.sweep(self.open_unit, self.district, self.clock())

    async def daily_digest(self) -> list[int]:
        """This morning's digest for members with pending work, if not sent yet."""
        return await retried(
            "the daily digest",
            lambda: digests.daily(self.open_unit, self.views, self.district, self.clock()),
        )

    async def weekly_digest(self) -> list[int]:
        """This week's figures for coordinators, if not sent yet."""
        return await retried(
            "the weekly digest",
            lambda: digests.weekly(
                self.open_unit, self.views, self.district, self.clock(), self.similar
            ),
        )

    async def unreachable(self, channel: str, chat_id: str) -> list[int]:
        """A chat blocked the bot: if it was staff, tell the coordinators."""
        async with self.open_unit() as uow:
            await roster.unreachable(uow, channel, chat_id, self.clock(), self.district)
            await uow.commit()
            return list(uow.queued)
