"""The desk's part of the sweep: proposals' reminders and escalations, consultations' reminders."""

from __future__ import annotations

from datetime import datetime

from core.context import District
from core.desk import consultations, proposals
from core.desk.ports import DeskUnit
from core.ports import UnitOfWorkFactory


async def sweep(open_unit: UnitOfWorkFactory, district: District, now: datetime) -> list[int]:
    """What is due at the desk now, in one unit of work; nothing for a store without a desk."""
    async with open_unit() as uow:
        if not isinstance(uow, DeskUnit):
            return []
        await proposals.sweep(uow, district, now)
        await consultations.remind(uow, district, now)
        await uow.commit()
        return list(uow.queued)
