"""The engines core calls out to: the classifier, offloading blocking work and similar cases."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping, Sequence
from typing import Protocol, TypeVar

from core.models import Case, Classification, Concern, Suggestion, Topic

T = TypeVar("T")


class Classifier(Protocol):
    """Decides which think tank a concern belongs to, and says why. Called from a worker thread
    as well as the event loop's (it must be thread-safe)."""

    def classify(self, text: str) -> Classification:
        """Classify one concern."""
        ...


class Offload(Protocol):
    """Runs blocking work (the classifier cutting words) away from the event loop; the
    composition root chooses where (a worker thread)."""

    def __call__(self, work: Callable[[], T], /) -> Awaitable[T]:
        """Run work; its result when done."""
        ...


async def run_here(work: Callable[[], T]) -> T:
    """The Offload that runs the work at once, where it is (core tests, the console)."""
    return work()


class SimilarCases(Protocol):
    """Which open cases read like a concern, and the hot topics of a window (the similarity
    engine behind it is chosen in bot.py)."""

    async def similar(
        self,
        text: str,
        tank: str | None,
        station: str | None,
        location: tuple[float, float] | None = None,
        k: int = 3,
        exclude: Iterable[int] = (),
    ) -> list[Suggestion]:
        """Up to k open cases of the tank and place like the text, best first, with the words
        that made each similar."""
        ...

    async def prepare(self, texts: Iterable[str], offload: Offload) -> None:
        """Work out, before a turn and away from the event loop, what looking up or taking in
        these texts needs, so that the turn holding the writer does not."""
        ...

    async def add(self, case: Case) -> None:
        """Take in an open case (again, if its text, tank or place changed)."""
        ...

    async def remove(self, case_id: int) -> None:
        """Forget a case that is no longer open."""
        ...

    async def topics(
        self, concerns: Sequence[Concern], previous: Mapping[int, Collection[int]]
    ) -> list[Topic]:
        """The concerns grouped into problems, previous clusters keeping their ids."""
        ...


class NoSimilarCases:
    """The SimilarCases that finds nothing (core tests, a bot without the engine)."""

    async def similar(
        self,
        text: str,
        tank: str | None,
        station: str | None,
        location: tuple[float, float] | None = None,
        k: int = 3,
        exclude: Iterable[int] = (),
    ) -> list[Suggestion]:
        """None."""
        return []

    async def prepare(self, texts: Iterable[str], offload: Offload) -> None:
        """Nothing to prepare."""

    async def add(self, case: Case) -> None:
        """Nothing to keep."""

    async def remove(self, case_id: int) -> None:
        """Nothing to forget."""

    async def topics(
        self, concerns: Sequence[Concern], previous: Mapping[int, Collection[int]]
    ) -> list[Topic]:
        """Each concern on its own."""
        return [
            Topic(
                c.case_id,
                "",
                c.tank,
                (c.case_id,),
                tuple(filter(None, [c.station])),
                c.created_at,
                c.created_at,
            )
            for c in concerns
        ]
