"""An in-memory unit of work: core's storage port as plain dicts, for fast core tests.

It behaves as the SQL does, down to what a round trip through the database changes: moments
keep whole milliseconds, event and dialog data come back as JSON would, ids are never reused.
tests/storage/test_repository_contract.py runs the same tests on this fake and on SQLite.
"""

from __future__ import annotations

import copy
import dataclasses
from datetime import datetime
from types import TracebackType

from core.messages import Outbound
from core.models import Case, CaseEvent, CaseStatus, Correction, DialogState, Invite, Person, Role
from tests.core.memory_erasure import MemoryErasure
from tests.core.memory_state import MemoryState, as_json, stored, stored_moment
from tests.core.memory_supporters import MemorySupporters

__all__ = ["MemoryState", "MemoryUnitOfWork"]


class MemoryPeople:
    """People in memory."""

    def __init__(self, state: MemoryState) -> None:
        self.s = state

    async def get(self, person_id: int) -> Person | None:
        """The person with this id."""
        return copy.copy(self.s.people.get(person_id))

    async def by_external(self, channel: str, external_id: str) -> Person | None:
        """The person with this channel id."""
        for p in self.s.people.values():
            if p.channel == channel and p.external_id == external_id:
                return copy.copy(p)
        return None

    async def add(self, person: Person, now: datetime) -> Person:
        """Store a new person."""
        person.id = max(self.s.people, default=0) + 1
        self.s.people[person.id] = copy.copy(person)
        self.s.people_created[person.id] = stored_moment(now)
        return person

    async def update(self, person: Person) -> None:
        """Store a changed person."""
        self.s.people[person.id] = copy.copy(person)

    async def members(self, tank: str | None = None) -> list[Person]:
        """Active members."""
        return [
            copy.copy(p)
            for p in self.s.people.values()
            if p.role == Role.MEMBER and p.active and (tank is None or p.tank == tank)
        ]

    async def coordinators(self) -> list[Person]:
        """Coordinators."""
        return [
            copy.copy(p) for p in self.s.people.values() if p.role == Role.COORDINATOR and p.active
        ]


class MemoryCases:
    """Cases in memory."""

    def __init__(self, state: MemoryState) -> None:
        self.s = state

    async def add(self, case: Case) -> Case:
        """Store a new case."""
        self.s.case_seq += 1
        case.id = self.s.case_seq
        self.s.cases[case.id] = stored(case)
        return case

    async def get(self, case_id: int) -> Case | None:
        """The case with this number."""
        return copy.copy(self.s.cases.get(case_id))

    async def update(self, case: Case) -> None:
        """Store a changed case."""
        self.s.cases[case.id] = stored(case)

    async def for_resident(self, resident_id: int, limit: int = 20) -> list[Case]:
        """A resident's cases, newest first."""
        mine = [c for c in self.s.cases.values() if c.resident_id == resident_id]
        return [copy.copy(c) for c in sorted(mine, key=lambda c: -c.id)[:limit]]

    async def held_by(self, member_id: int) -> list[Case]:
        """A member's claimed and resolved cases, oldest first."""
        reopenable = (CaseStatus.CLAIMED, CaseStatus.RESOLVED)
        held = [
            c
            for c in self.s.cases.values()
            if c.assignee_id == member_id and c.status in reopenable
        ]
        return [copy.copy(c) for c in sorted(held, key=lambda c: c.id)]

    async def open_questions(self, resident_id: int, limit: int = 10) -> list[Case]:
        """A resident's cases with a member's question waiting, oldest first."""
        waiting = [
            c
            for c in self.s.cases.values()
            if c.resident_id == resident_id
            and c.status == CaseStatus.CLAIMED
            and c.waiting_since is not None
        ]
        return [copy.copy(c) for c in sorted(waiting, key=lambda c: c.id)[:limit]]

    async def open_counts(self, member_ids: list[int]) -> dict[int, int]:
        """Claimed cases per member."""
        counts: dict[int, int] = {}
        for c in self.s.cases.values():
            if c.status == CaseStatus.CLAIMED and c.assignee_id in member_ids:
                counts[c.assignee_id] = counts.get(c.assignee_id, 0) + 1
        return counts

    async def due(self, now: datetime, limit: int) -> list[Case]:
        """Cases to check at or before now."""
        due = [c for c in self.s.cases.values() if c.next_check_at and c.next_check_at <= now]
        return [copy.copy(c) for c in sorted(due, key=lambda c: c.next_check_at or now)[:limit]]


class MemoryEvents:
    """Timelines in memory."""

    def __init__(self, state: MemoryState) -> None:
        self.s = state

    async def add(self, event: CaseEvent) -> None:
        """Append an event."""
        number = len(self.s.events) + 1
        self.s.events.append(
            dataclasses.replace(stored(event), id=number, data=as_json(event.data))
        )

    async def for_case(self, case_id: int) -> list[CaseEvent]:
        """A case's events."""
        return [copy.deepcopy(e) for e in self.s.events if e.case_id == case_id]


class MemoryDialogs:
    """Dialog state in memory."""

    def __init__(self, state: MemoryState) -> None:
        self.s = state

    async def get(self, channel: str, chat_id: str) -> DialogState:
        """The chat's state."""
        found = self.s.dialogs.get((channel, chat_id))
        return copy.deepcopy(found) if found else DialogState(channel, chat_id)

    async def save(self, state: DialogState, now: datetime) -> None:
        """Store the chat's state; an idle one with no data is removed."""
        key = (state.channel, state.chat_id)
        if state.state == "idle" and not state.data:
            self.s.dialogs.pop(key, None)
            self.s.dialogs_updated.pop(key, None)
        else:
            self.s.dialogs[key] = dataclasses.replace(state, data=as_json(state.data))
            self.s.dialogs_updated[key] = stored_moment(now)


class MemoryOutbox:
    """The outbox in memory."""

    def __init__(self, state: MemoryState) -> None:
        self.s = state

    async def add(self, message: Outbound, now: datetime) -> int:
        """Queue a message."""
        self.s.outbox_seq += 1
        self.s.outbox[self.s.outbox_seq] = message
        self.s.outbox_created[self.s.outbox_seq] = stored_moment(now)
        return self.s.outbox_seq

    async def case_of_message(self, channel: str, chat_id: str, message_id: int) -> int | None:
        """The case of a delivered message."""
        for row_id, sent in self.s.delivered.items():
            m = self.s.outbox.get(row_id)
            if (
                m is not None
                and sent == message_id
                and (m.channel, m.chat_id) == (channel, chat_id)
            ):
                return m.case_id
        return None

    async def keyed(self, case_id: int, prefix: str) -> list[tuple[str, str, str]]:
        """Keys of a case's messages with a prefix."""
        found = [
            (m.channel, m.chat_id, m.key)
            for m in self.s.outbox.values()
            if m.case_id == case_id and m.key and m.key.startswith(prefix)
        ]
        return list(dict.fromkeys(found))


class MemoryInvites:
    """Invitations in memory."""

    def __init__(self, state: MemoryState) -> None:
        self.s = state

    async def add(self, invite: Invite) -> None:
        """Store one."""
        self.s.invites[invite.code] = stored(invite)

    async def get(self, code: str) -> Invite | None:
        """The invitation with this code."""
        return self.s.invites.get(code)

    async def use(self, code: str, person_id: int, now: datetime) -> bool:
        """Mark one used."""
        invite = self.s.invites.get(code)
        if invite is None or invite.used_by is not None or invite.revoked_at is not None:
            return False
        used = dataclasses.replace(invite, used_by=person_id, used_at=stored_moment(now))
        self.s.invites[code] = used
        return True

    async def live(self, now: datetime, limit: int = 50) -> list[Invite]:
        """Usable invitations, oldest first."""
        usable = [i for i in self.s.invites.values() if i.usable(now)]
        return sorted(usable, key=lambda i: (i.created_at, i.code))[:limit]

    async def revoke(self, code: str, person_id: int | None, now: datetime) -> bool:
        """Revoke a usable one."""
        invite = self.s.invites.get(code)
        if invite is None or not invite.usable(now):
            return False
        self.s.invites[code] = dataclasses.replace(invite, revoked_at=now, revoked_by=person_id)
        return True


class MemoryCorrections:
    """Corrections in memory."""

    def __init__(self, state: MemoryState) -> None:
        self.s = state

    async def add(self, correction: Correction) -> None:
        """Store one."""
        self.s.corrections.append(stored(correction))

    async def all(self) -> list[Correction]:
        """Every correction."""
        return list(self.s.corrections)


class MemoryUpdates:
    """Handled update ids in memory."""

    def __init__(self, state: MemoryState) -> None:
        self.s = state

    async def first_time(self, channel: str, update_id: int, now: datetime) -> bool:
        """Record an update id."""
        if (channel, update_id) in self.s.updates:
            return False
        self.s.updates[(channel, update_id)] = stored_moment(now)
        return True


class MemoryDigests:
    """Digests sent, in memory."""

    def __init__(self, state: MemoryState) -> None:
        self.s = state

    async def first_time(self, kind: str, period: str, person_id: int, now: datetime) -> bool:
        """Record a digest."""
        key = (kind, period, person_id)
        if key in self.s.digests:
            return False
        self.s.digests.add(key)
        return True


class MemoryUnitOfWork:
    """A unit of work over MemoryState: changes are kept on commit and undone otherwise."""

    def __init__(self, state: MemoryState) -> None:
        self.state = state
        self.people = MemoryPeople(state)
        self.cases = MemoryCases(state)
        self.events = MemoryEvents(state)
        self.dialogs = MemoryDialogs(state)
        self.outbox = MemoryOutbox(state)
        self.updates = MemoryUpdates(state)
        self.invites = MemoryInvites(state)
        self.corrections = MemoryCorrections(state)
        self.digests = MemoryDigests(state)
        self.erasure = MemoryErasure(state)
        self.supporters = MemorySupporters(state)
        self.queued: list[int] = []
        self._snapshot: MemoryState | None = None

    async def __aenter__(self) -> MemoryUnitOfWork:
        self._snapshot = copy.deepcopy(self.state)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._snapshot is not None:
            self.state.__dict__.update(self._snapshot.__dict__)
            self.queued.clear()

    async def commit(self) -> None:
        """Keep the changes."""
        self._snapshot = None
