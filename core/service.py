"""The core as the adapters see it: hand it an inbound event, get back what to deliver."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from core.context import District
from core.messages import Inbound
from core.ports import Classifier, UnitOfWorkFactory
from core.views import CaseViews


@dataclass
class Service:
    """Everything core needs, chosen once in bot.py."""

    open_unit: UnitOfWorkFactory
    district: District
    classifier: Classifier
    clock: Callable[[], datetime]
    views: CaseViews

    async def handle(self, inbound: Inbound) -> list[int]:
        """Handle one inbound event; returns the outbox ids to deliver."""
        from core import handling

        return await handling.handle(inbound, self)
