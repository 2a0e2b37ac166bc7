"""The desk's storage, as core needs it; the unit of work carries it as `desk`."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from core.desk.records import Consultation, DeskCounts, Proposal, Report
from core.models import Case


class DeskRepository(Protocol):
    """Reports, proposals, consultations and the outcomes told."""

    async def add_report(self, report: Report) -> Report:
        """Store a new report with its cases; returns it with its id."""
        ...

    async def report(self, report_id: int) -> Report | None:
        """The report with this id, if any."""
        ...

    async def update_report(self, report: Report) -> None:
        """Store a report's changed fields (its cases do not change)."""
        ...

    async def reports(self, author_id: int | None, limit: int = 20) -> list[Report]:
        """An author's reports (everyone's when None), newest first."""
        ...

    async def next_report_number(self) -> int:
        """The number (期号) the next submitted report gets."""
        ...

    async def add_proposal(self, proposal: Proposal) -> Proposal:
        """Store a new proposal with its proposers and cases; returns it with its id."""
        ...

    async def proposal(self, proposal_id: int) -> Proposal | None:
        """The proposal with this id, if any."""
        ...

    async def update_proposal(self, proposal: Proposal) -> None:
        """Store a proposal's changed fields."""
        ...

    async def proposals(self, limit: int = 20) -> list[Proposal]:
        """Proposals, newest first."""
        ...

    async def proposals_due(self, before: datetime) -> list[Proposal]:
        """Assigned proposals whose reply is due before a moment, earliest first."""
        ...

    async def add_consultation(self, consultation: Consultation) -> Consultation:
        """Store a new consultation with its cases; returns it with its id."""
        ...

    async def consultation(self, consultation_id: int) -> Consultation | None:
        """The consultation with this id, with its invitations' answers and guests."""
        ...

    async def update_consultation(self, consultation: Consultation) -> None:
        """Store a consultation's changed fields (not its invitations)."""
        ...

    async def invite(self, consultation_id: int, person_id: int) -> bool:
        """Invite a person; False if they were invited already."""
        ...

    async def answer(
        self, consultation_id: int, person_id: int, answer: str, now: datetime
    ) -> bool:
        """Record an invited person's answer; False if they were not invited."""
        ...

    async def add_guest(self, consultation_id: int, name: str) -> None:
        """Name a guest from a department or a company (no account needed)."""
        ...

    async def consultations_from(self, start: datetime, end: datetime) -> list[Consultation]:
        """Scheduled consultations from start to end, earliest first."""
        ...

    async def cases_between(self, start: datetime, end: datetime, limit: int) -> list[Case]:
        """Cases received from start to before end, oldest first, at most limit."""
        ...

    async def counts(self, start: datetime, end: datetime) -> DeskCounts:
        """The desk's figures of a period: reports, proposals, consultations."""
        ...

    async def first_told(
        self, kind: str, ref_id: int, resident_id: int, round_: int, now: datetime
    ) -> bool:
        """Record that a resident was told of an outcome; False if they were told already."""
        ...


@runtime_checkable
class DeskUnit(Protocol):
    """A unit of work that carries the desk's repository."""

    @property
    def desk(self) -> DeskRepository: ...
