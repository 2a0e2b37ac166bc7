"""Core tests run the real services over the in-memory unit of work."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from core.context import District
from core.messages import Outbound
from core.models import Case, CaseEvent
from core.service import Service
from tests.core.memory import MemoryState, MemoryUnitOfWork
from tests.support import UNLIMITED, Chat, Clock, Fetch, RuleClassifier


@pytest.fixture
def state() -> MemoryState:
    """The fake database."""
    return MemoryState()


@pytest.fixture
def service(
    state: MemoryState, district: District, classifier: RuleClassifier, clock: Clock
) -> Service:
    """Core over the fake database."""
    open_unit = lambda: MemoryUnitOfWork(state)  # noqa: E731
    return Service(open_unit, district, classifier, clock, MemoryViews(state), UNLIMITED)


class NoViews:
    """The read side is SQL; core tests over memory must not reach it."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"core test used the read side ({name}); test it on SQLite")


class MemoryViews(NoViews):
    """A case's timeline read from the fake database, the rest of the read side refused."""

    def __init__(self, state: MemoryState) -> None:
        self.state = state

    async def timeline(self, case_id: int) -> tuple[Case, list[CaseEvent]] | None:
        """The case and its events, as committed."""
        case = self.state.cases.get(case_id)
        if case is None:
            return None
        events = [e for e in self.state.events if e.case_id == case_id]
        return copy.deepcopy(case), events


@pytest.fixture
def fetch(state: MemoryState) -> Fetch:
    """Reads queued messages back by outbox id."""

    async def read(ids: list[int]) -> list[Outbound]:
        return [state.outbox[i] for i in ids]

    return read


@pytest.fixture
def resident(service: Service, fetch: Fetch) -> Chat:
    """A resident writing in Chinese."""
    return Chat(service, fetch, "501", name="王<小明>")
