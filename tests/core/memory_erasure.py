"""Erasure in memory: the outcome of storage/erasure.py's SQL, on the fake's dicts."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta

from core.messages import Outbound
from core.models import Case, CaseStatus, Person, Role, Via
from tests.core.memory_state import TOMBSTONE, MemoryState, stored_moment
from tests.core.memory_supporters import erase_supporter

FINISHED = frozenset({CaseStatus.CLOSED, CaseStatus.REFERRED})


class MemoryErasure:
    """Erasure in memory: the same outcome as the SQL (storage/erasure.py), on the dicts."""

    def __init__(self, state: MemoryState) -> None:
        self.s = state

    def _tombstone(self, now: datetime) -> int:
        """The one person every erased case is filed under."""
        for person in self.s.people.values():
            if (person.channel, person.external_id) == TOMBSTONE:
                return person.id
        tomb = Person(0, *TOMBSTONE, "", active=False, reachable=False)
        tomb.id = max(self.s.people, default=0) + 1
        self.s.people[tomb.id] = tomb
        self.s.people_created[tomb.id] = stored_moment(now)
        return tomb.id

    def _scrub(self, case: Case, tomb: int) -> None:
        case.resident_id, case.anonymous = tomb, True
        case.contact_name = case.contact_phone = case.location = None

    def _erase(self, person: Person) -> None:
        person.external_id, person.chat_id, person.name = f"erased:{person.id}", "", ""
        person.username = person.phone = None
        person.active = person.reachable = False

    def _drop_messages(self, keep: Callable[[int, Outbound], bool]) -> None:
        for row_id in [i for i, m in self.s.outbox.items() if not keep(i, m)]:
            del self.s.outbox[row_id]
            self.s.outbox_created.pop(row_id, None)
            self.s.delivered.pop(row_id, None)

    def _actors(self, case_ids: set[int], who: set[int], tomb: int) -> None:
        self.s.events = [
            dataclasses.replace(e, actor_id=tomb)
            if e.case_id in case_ids and e.actor_id in who
            else e
            for e in self.s.events
        ]

    async def forget(self, person_id: int, now: datetime) -> int:
        """Erase a person's identity."""
        tomb = self._tombstone(now)
        person = self.s.people.get(person_id)
        if person is None:
            return 0
        mine = [c for c in self.s.cases.values() if c.resident_id == person_id]
        ids = {c.id for c in mine}

        def notice(row_id: int, m: Outbound) -> bool:
            pending = row_id not in self.s.delivered
            return pending and (m.key or m.edit_key or "").startswith("notice:")

        self._drop_messages(lambda i, m: m.case_id not in ids or notice(i, m))
        chat = (person.channel, person.chat_id)
        self._drop_messages(lambda i, m: (m.channel, m.chat_id) != chat)
        self.s.dialogs.pop(chat, None)
        self.s.dialogs_updated.pop(chat, None)
        for case in mine:
            self._scrub(case, tomb)
        self._actors({e.case_id for e in self.s.events}, {person_id}, tomb)
        erase_supporter(self.s, person_id, tomb)
        self._erase(person)
        return len(mine)

    async def purge(self, before: datetime, now: datetime) -> int:
        """Erase the identity in old closed cases; drop old delivery records."""
        tomb = self._tombstone(now)
        cutoff = stored_moment(before)
        old = {
            c.id
            for c in self.s.cases.values()
            if c.status in FINISHED and c.closed_at is not None and c.closed_at < cutoff
        }
        self._drop_messages(lambda i, m: m.case_id not in old)
        residents = {p.id for p in self.s.people.values() if p.role == Role.RESIDENT}
        self._actors(old, residents, tomb)
        self.s.supporters = [
            dataclasses.replace(r, text=None, person_id=tomb if r.via == Via.MERGE else r.person_id)
            if r.case_id in old
            else r
            for r in self.s.supporters
        ]
        scrubbed = [c for i, c in self.s.cases.items() if i in old and c.resident_id != tomb]
        for case in scrubbed:
            self._scrub(case, tomb)
        self._drop_messages(lambda i, m: self.s.outbox_created[i] >= cutoff)
        for key in [k for k, at in self.s.dialogs_updated.items() if at < cutoff]:
            self.s.dialogs.pop(key, None)
            del self.s.dialogs_updated[key]
        week_ago = stored_moment(now - timedelta(days=7))
        self.s.updates = {k: at for k, at in self.s.updates.items() if at >= week_ago}
        filers = {c.resident_id for c in self.s.cases.values()}
        for person in self.s.people.values():
            if (
                person.role == Role.RESIDENT
                and self.s.people_created[person.id] < cutoff
                and person.channel != TOMBSTONE[0]
                and person.id not in filers
                and (person.channel, person.chat_id) not in self.s.dialogs
            ):
                self._erase(person)
        return len(scrubbed)
