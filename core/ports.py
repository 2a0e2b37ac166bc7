"""The storage ports core depends on: the repositories and the unit of work over them."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import Protocol, runtime_checkable

from core.messages import Outbound
from core.models import (
    Case,
    CaseEvent,
    Concern,
    Correction,
    DialogState,
    Invite,
    Person,
    Supporter,
)


class PeopleRepository(Protocol):
    """People on every channel."""

    async def get(self, person_id: int) -> Person | None:
        """The person with this id, if any."""
        ...

    async def by_external(self, channel: str, external_id: str) -> Person | None:
        """The person known by this channel's user id, if any."""
        ...

    async def add(self, person: Person, now: datetime) -> Person:
        """Store a new person; returns it with its id."""
        ...

    async def update(self, person: Person) -> None:
        """Store a person's changed fields."""
        ...

    async def members(self, tank: str | None = None) -> list[Person]:
        """Active members, of one tank or of all."""
        ...

    async def coordinators(self) -> list[Person]:
        """Everyone with the coordinator role."""
        ...


class CaseRepository(Protocol):
    """Residents' cases."""

    async def add(self, case: Case) -> Case:
        """Store a new case; returns it with its number."""
        ...

    async def get(self, case_id: int) -> Case | None:
        """The case with this number, if any."""
        ...

    async def update(self, case: Case) -> None:
        """Store a case's changed fields."""
        ...

    async def for_resident(self, resident_id: int, limit: int = 20) -> list[Case]:
        """A resident's cases, newest first."""
        ...

    async def held_by(self, member_id: int) -> list[Case]:
        """The cases a member holds, claimed or resolved (a rating may reopen them), oldest
        first."""
        ...

    async def open_questions(self, resident_id: int, limit: int = 10) -> list[Case]:
        """A resident's cases where a member's question waits for their answer, oldest first."""
        ...

    async def open_counts(self, member_ids: list[int]) -> dict[int, int]:
        """How many claimed cases each of these members holds."""
        ...

    async def due(self, now: datetime, limit: int) -> list[Case]:
        """Cases the sweep must look at (next check at or before now), earliest first."""
        ...


class EventRepository(Protocol):
    """The timeline of each case."""

    async def add(self, event: CaseEvent) -> None:
        """Append an event to its case's timeline."""
        ...

    async def for_case(self, case_id: int) -> list[CaseEvent]:
        """A case's timeline, oldest first."""
        ...


class DialogReader(Protocol):
    """Conversation state per chat, as last committed: read outside any unit of work."""

    async def get(self, channel: str, chat_id: str) -> DialogState:
        """The chat's state; idle when there is none."""
        ...


class DialogRepository(Protocol):
    """Conversation state per chat."""

    async def get(self, channel: str, chat_id: str) -> DialogState:
        """The chat's state; idle when there is none."""
        ...

    async def save(self, state: DialogState, now: datetime) -> None:
        """Store the chat's state; an idle state with no data is removed."""
        ...


class OutboxRepository(Protocol):
    """Messages decided and waiting to be delivered."""

    async def add(self, message: Outbound, now: datetime) -> int:
        """Queue a message; returns its outbox id."""
        ...

    async def case_of_message(self, channel: str, chat_id: str, message_id: int) -> int | None:
        """The case a delivered message belongs to, if any."""
        ...

    async def keyed(self, case_id: int, prefix: str) -> list[tuple[str, str, str]]:
        """(channel, chat_id, key) of a case's messages whose key starts with prefix."""
        ...


class InviteRepository(Protocol):
    """One-time membership invitations."""

    async def add(self, invite: Invite) -> None:
        """Store a new invitation."""
        ...

    async def get(self, code: str) -> Invite | None:
        """The invitation with this code, if any."""
        ...

    async def use(self, code: str, person_id: int, now: datetime) -> bool:
        """Mark an unused invitation used; False if it was used or revoked already."""
        ...

    async def live(self, now: datetime, limit: int = 50) -> list[Invite]:
        """Invitations still usable at now (unused, unrevoked, unexpired), oldest first."""
        ...

    async def revoke(self, code: str, person_id: int | None, now: datetime) -> bool:
        """Revoke an invitation still usable at now; False if there is none."""
        ...


class CorrectionRepository(Protocol):
    """Routing decisions made by people: labelled examples for the classifier."""

    async def add(self, correction: Correction) -> None:
        """Store one."""
        ...

    async def all(self) -> list[Correction]:
        """Every correction, oldest first."""
        ...


class UpdateLog(Protocol):
    """The ids of updates already handled."""

    async def first_time(self, channel: str, update_id: int, now: datetime) -> bool:
        """Record an update id; False if it was handled before."""
        ...


class DigestLog(Protocol):
    """Which digests went to whom, so none goes twice."""

    async def first_time(self, kind: str, period: str, person_id: int, now: datetime) -> bool:
        """Record a digest; False if this person had this period's digest already."""
        ...


class Erasure(Protocol):
    """Erasing identity while keeping concerns."""

    async def forget(self, person_id: int, now: datetime) -> int:
        """Erase a person's name, contact and chat identity; returns how many cases they had."""
        ...

    async def purge(self, before: datetime, now: datetime) -> int:
        """Erase the identity in cases closed before a moment; returns how many."""
        ...


class SupporterRepository(Protocol):
    """Residents behind cases besides their authors, and the hot topics' memory."""

    async def add(self, supporter: Supporter) -> bool:
        """Store a supporter; False if they had added their voice to the case already."""
        ...

    async def of_case(self, case_id: int) -> list[Supporter]:
        """A case's supporters, oldest first."""
        ...

    async def of_person(self, person_id: int) -> list[Supporter]:
        """The cases a person supports, oldest first."""
        ...

    async def merged_into(self, duplicate_id: int) -> Supporter | None:
        """The record of a duplicate's merge into a main case, if it is merged."""
        ...

    async def merged_among(self, case_ids: Collection[int]) -> set[int]:
        """Which of these cases are duplicates merged into another."""
        ...

    async def unmerge(self, duplicate_id: int) -> None:
        """Forget a duplicate's merge."""
        ...

    async def counts(self, case_ids: Collection[int]) -> dict[int, int]:
        """How many supporters each of these cases has (absent: none)."""
        ...

    async def concerns(
        self, since: datetime, until: datetime, established_after: timedelta
    ) -> list[Concern]:
        """The cases raised in a period (since < created_at <= until) as hot topics see them,
        merged duplicates left out; a resident is established when known for at least
        established_after before the case."""
        ...

    async def established(
        self, case_ids: Collection[int], established_after: timedelta
    ) -> dict[int, set[int]]:
        """The supporters of these cases known for at least established_after when they came
        to stand behind them, per case."""
        ...

    async def clusters(self) -> dict[int, list[int]]:
        """The hot topics' clusters as the last run left them: id -> case ids."""
        ...

    async def keep_clusters(self, clusters: Mapping[int, Sequence[int]]) -> None:
        """Replace the clusters remembered with these."""
        ...

    async def dismissed(self) -> set[int]:
        """The clusters coordinators dismissed."""
        ...

    async def dismiss(self, cluster_id: int, person_id: int, now: datetime) -> None:
        """Dismiss a cluster for good."""
        ...


class Conflict(Exception):
    """A unit of work lost to another transaction (PostgreSQL's deadlock or serialization
    failure): it was rolled back whole, nothing of it kept or sent, and it may run again from
    its start (core.context.retried)."""


class UnitOfWork(Protocol):
    """One transaction over every repository; rolled back unless committed. A unit that loses
    to another transaction raises Conflict as it ends."""

    @property
    def people(self) -> PeopleRepository: ...
    @property
    def cases(self) -> CaseRepository: ...
    @property
    def events(self) -> EventRepository: ...
    @property
    def dialogs(self) -> DialogRepository: ...
    @property
    def outbox(self) -> OutboxRepository: ...
    @property
    def updates(self) -> UpdateLog: ...
    @property
    def invites(self) -> InviteRepository: ...
    @property
    def corrections(self) -> CorrectionRepository: ...
    @property
    def digests(self) -> DigestLog: ...
    @property
    def erasure(self) -> Erasure: ...
    @property
    def supporters(self) -> SupporterRepository: ...
    @property
    def queued(self) -> list[int]:
        """Outbox ids queued in this unit, to hand to the sender after commit."""
        ...

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None:
        """Make every change of this unit durable."""
        ...


@runtime_checkable
class Lookahead(Protocol):
    """A unit of work that can fetch what a turn reads first (the sender, the chat's
    conversation) together with the turn's first statement, one trip to the store for all."""

    def expect_turn(self, channel: str, user_id: str, chat_id: str) -> None:
        """Say what the turn will read first; reading it still goes through the repositories."""
        ...


@runtime_checkable
class CaseLookahead(Protocol):
    """A unit of work that can read at once what acting on many cases reads (their people,
    their tanks' members, the coordinators, their messages' keys, their timelines), rather
    than one trip to the store for each; reading it still goes through the repositories, and
    sees what the unit writes meanwhile."""

    async def read_ahead(self, cases: Sequence[Case]) -> None:
        """Say which cases the unit is about to act on, and read for them."""
        ...


class UnitOfWorkFactory(Protocol):
    """Opens a unit of work."""

    def __call__(self) -> UnitOfWork: ...
