"""Core tests run the real services over the in-memory unit of work."""

from __future__ import annotations

from typing import Any

import pytest

from core.context import District
from core.messages import Outbound
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
    return Service(open_unit, district, classifier, clock, NoViews(), UNLIMITED)


class NoViews:
    """The read side is SQL; core tests over memory must not reach it."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"core test used the read side ({name}); test it on SQLite")


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
