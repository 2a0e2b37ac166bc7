"""The desk over a real SQLite file: people, cases filed as residents file them, and chats."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from core import roster
from core.context import District
from core.messages import Outbound
from core.models import Case, CaseStatus, Person
from core.service import Service
from storage.db import Database
from tests.support import Chat, Clock, RuleClassifier, sqlite_fetch, sqlite_service


@dataclass
class Desk:
    """The district's people at the desk and a way to file cases."""

    service: Service
    db: Database
    member: Chat  # 张委员, of the law tank
    other: Chat  # 李委员, of the agriculture tank
    coordinator: Chat
    clock: Clock

    def chat(self, user_id: str, name: str = "居民", language: str | None = "zh-hans") -> Chat:
        """A chat of someone else (a resident, a stranger)."""
        return Chat(self.service, self.member.fetch, user_id, name=name, language=language)

    async def case(
        self,
        resident: Chat,
        text: str,
        tank: str = "law",
        station: str | None = "qianying",
        anonymous: bool = False,
        phone: str | None = "13800138000",
        status: CaseStatus = CaseStatus.OPEN,
    ) -> int:
        """A case filed by the resident's person (created on first use), returns its number."""
        now = self.clock()
        async with self.service.open_unit() as uow:
            person = await uow.people.by_external("telegram", resident.user_id)
            if person is None:
                person = await uow.people.add(
                    Person(0, "telegram", resident.user_id, resident.user_id, resident.name), now
                )
            case = await uow.cases.add(
                Case(
                    id=0,
                    resident_id=person.id,
                    text=text,
                    created_at=now,
                    updated_at=now,
                    status=status,
                    station=station,
                    tank=tank,
                    anonymous=anonymous,
                    contact_name=None if anonymous else resident.name,
                    contact_phone=None if anonymous else phone,
                )
            )
            await uow.commit()
        return case.id


@pytest.fixture
async def desk(db: Database, district: District, classifier: RuleClassifier, clock: Clock) -> Desk:
    """A member of the law tank, one of agriculture and a coordinator, over SQLite."""
    service = sqlite_service(db, district, classifier, clock)
    fetch = sqlite_fetch(db)
    async with service.open_unit() as uow:
        now = clock()
        await roster.add_member(uow, district, "telegram", "11", "law", now, name="张委员")
        await roster.add_member(uow, district, "telegram", "12", "agriculture", now, name="李委员")
        await roster.sync_coordinators(uow, "telegram", ["99"], now)
        await uow.commit()
    return Desk(
        service,
        db,
        Chat(service, fetch, "11", name="张委员"),
        Chat(service, fetch, "12", name="李委员"),
        Chat(service, fetch, "99", name="赵协调"),
        clock,
    )


def documents_in(messages: list[Outbound]) -> list[Outbound]:
    """The messages that carry a file."""
    return [m for m in messages if m.document is not None]
