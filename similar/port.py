"""The engine as core's SimilarCases port: the open cases' index, kept in memory, filled from
the database on first use and kept current by core as cases open and close.

Core checks each suggestion against the case as stored (open, same tank) before showing it, so
a case the index still holds after it closed is never offered; it is dropped when found.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping, Sequence

from core.models import Case, Concern, Suggestion, Topic
from similar import hot
from similar.index import OpenCase, SimilarityIndex
from similar.place import Places
from similar.terms import Featurizer

OpenCases = Callable[[], Awaitable[Iterable[OpenCase]]]


class IndexedSimilarCases:
    """SimilarCases over a SimilarityIndex of the open cases."""

    def __init__(
        self, featurizer: Featurizer, places: Places | None = None, load: OpenCases | None = None
    ) -> None:
        self.featurizer = featurizer
        self.places = places or Places()
        self.index = SimilarityIndex(featurizer, self.places)
        self._load = load
        self._loading = asyncio.Lock()

    async def ready(self) -> None:
        """Fill the index from the open cases stored, once."""
        if self._load is None:
            return
        async with self._loading:
            if self._load is not None:
                rows = await self._load()
                self.index.extend(rows)
                self._load = None

    async def similar(
        self,
        text: str,
        tank: str | None,
        station: str | None,
        location: tuple[float, float] | None = None,
        k: int = 3,
        exclude: Iterable[int] = (),
    ) -> list[Suggestion]:
        """Up to k open cases of the tank and place like the text, best first."""
        await self.ready()
        found = self.index.similar(text, tank, station, location, k, exclude=exclude)
        return [Suggestion(m.case_id, m.score, m.shared_words) for m in found]

    async def add(self, case: Case) -> None:
        """Index an open case; one no longer open is forgotten."""
        await self.ready()
        if case.is_open:
            self.index.add(case.id, case.text, case.tank, case.station, case.location)
        else:
            self.index.remove(case.id)

    async def remove(self, case_id: int) -> None:
        """Forget a case."""
        await self.ready()
        self.index.remove(case_id)

    async def topics(
        self, concerns: Sequence[Concern], previous: Mapping[int, Collection[int]]
    ) -> list[Topic]:
        """The concerns grouped into problems (similar.hot), previous clusters keeping ids."""
        window = [
            hot.Concern(
                c.case_id,
                c.text,
                c.tank,
                c.station,
                c.created_at,
                c.resident_id,
                c.established,
                c.location,
            )
            for c in concerns
        ]
        fresh = SimilarityIndex(self.featurizer, self.places)
        clusters = hot.cluster_concerns(window, fresh, previous)
        return [
            Topic(c.id, c.title, c.tank, c.case_ids, c.places, c.first_at, c.last_at)
            for c in clusters
        ]
