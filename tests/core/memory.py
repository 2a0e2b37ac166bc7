"""An in-memory unit of work: core's storage port as plain dicts, for fast core tests."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType

from core.messages import Outbound
from core.models import Case, CaseEvent, CaseStatus, Correction, DialogState, Invite, Person, Role


@dataclass
class MemoryState:
    """Everything the fake database holds."""

    people: dict[int, Person] = field(default_factory=dict)
    cases: dict[int, Case] = field(default_factory=dict)
    events: list[CaseEvent] = field(default_factory=list)
    dialogs: dict[tuple[str, str], DialogState] = field(default_factory=dict)
    outbox: list[Outbound] = field(default_factory=list)
    invites: dict[str, Invite] = field(default_factory=dict)
    corrections: list[Correction] = field(default_factory=list)
    updates: set[tuple[str, int]] = field(default_factory=set)
    delivered: dict[tuple[str, str, int], int] = field(default_factory=dict)
    digests: set[tuple[str, str, int]] = field(default_factory=set)


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
        person.id = len(self.s.people) + 1
        self.s.people[person.id] = copy.copy(person)
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
        return [copy.copy(p) for p in self.s.people.values() if p.role == Role.COORDINATOR]


class MemoryCases:
    """Cases in memory."""

    def __init__(self, state: MemoryState) -> None:
        self.s = state

    async def add(self, case: Case) -> Case:
        """Store a new case."""
        case.id = len(self.s.cases) + 1
        self.s.cases[case.id] = copy.copy(case)
        return case

    async def get(self, case_id: int) -> Case | None:
        """The case with this number."""
        return copy.copy(self.s.cases.get(case_id))

    async def update(self, case: Case) -> None:
        """Store a changed case."""
        self.s.cases[case.id] = copy.copy(case)

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
        self.s.events.append(event)

    async def for_case(self, case_id: int) -> list[CaseEvent]:
        """A case's events."""
        return [e for e in self.s.events if e.case_id == case_id]


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
        if state.state == "idle" and not state.data:
            self.s.dialogs.pop((state.channel, state.chat_id), None)
        else:
            self.s.dialogs[(state.channel, state.chat_id)] = copy.deepcopy(state)


class MemoryOutbox:
    """The outbox in memory."""

    def __init__(self, state: MemoryState) -> None:
        self.s = state

    async def add(self, message: Outbound, now: datetime) -> int:
        """Queue a message."""
        self.s.outbox.append(message)
        return len(self.s.outbox)

    async def case_of_message(self, channel: str, chat_id: str, message_id: int) -> int | None:
        """The case of a delivered message."""
        return self.s.delivered.get((channel, chat_id, message_id))

    async def keyed(self, case_id: int, prefix: str) -> list[tuple[str, str, str]]:
        """Keys of a case's messages with a prefix."""
        found = [
            (m.channel, m.chat_id, m.key)
            for m in self.s.outbox
            if m.case_id == case_id and m.key and m.key.startswith(prefix)
        ]
        return list(dict.fromkeys(found))


class MemoryInvites:
    """Invitations in memory."""

    def __init__(self, state: MemoryState) -> None:
        self.s = state

    async def add(self, invite: Invite) -> None:
        """Store one."""
        self.s.invites[invite.code] = invite

    async def get(self, code: str) -> Invite | None:
        """The invitation with this code."""
        return self.s.invites.get(code)

    async def use(self, code: str, person_id: int, now: datetime) -> bool:
        """Mark one used."""
        invite = self.s.invites.get(code)
        if invite is None or invite.used_by is not None or invite.revoked_at is not None:
            return False
        self.s.invites[code] = dataclasses.replace(invite, used_by=person_id, used_at=now)
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
        self.s.corrections.append(correction)

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
        self.s.updates.add((channel, update_id))
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


class MemoryErasure:
    """Erasure in memory: the same outcome as the SQL, on the dicts."""

    def __init__(self, state: MemoryState) -> None:
        self.s = state

    async def forget(self, person_id: int, now: datetime) -> int:
        """Erase a person's identity."""
        person = self.s.people[person_id]
        mine = [c for c in self.s.cases.values() if c.resident_id == person_id]
        for case in mine:
            case.contact_name = case.contact_phone = case.location = None
            case.anonymous, case.resident_id = True, 0
        self.s.outbox = [m for m in self.s.outbox if m.chat_id != person.chat_id]
        self.s.dialogs.pop((person.channel, person.chat_id), None)
        person.external_id, person.chat_id, person.name, person.phone = (
            f"erased:{person_id}",
            "",
            "",
            None,
        )
        return len(mine)

    async def purge(self, before: datetime, now: datetime) -> int:
        """Erase the identity in old closed cases."""
        old = [c for c in self.s.cases.values() if c.closed_at and c.closed_at < before]
        for case in old:
            case.contact_name = case.contact_phone = case.location = None
            case.anonymous, case.resident_id = True, 0
        return len(old)


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
