"""The engine as core's SimilarCases port: the open cases' index, kept in memory, filled from
the database on first use and kept current by core as cases open and close.

Core checks each suggestion against the case as stored (open, same tank) before showing it, so
a case the index still holds after it closed is never offered; it is dropped when found.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping, Sequence
from functools import partial

from core.engines import Offload
from core.models import Case, Concern, Suggestion, Topic
from similar import hot
from similar.index import OpenCase, SimilarityIndex
from similar.place import Places
from similar.terms import Featurizer, Terms

OpenCases = Callable[[], Awaitable[Iterable[OpenCase]]]
PREPARED = 64  # texts whose terms are kept from before their turn (the newest)
TERMS_HERE = 200  # a text this short is cut right here: a thread's round trip costs more


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
        self._prepared: dict[str, Terms] = {}

    async def prepare(self, texts: Iterable[str], offload: Offload) -> None:
        """Cut the texts a turn may look up or index, before it: a long text in a thread."""
        for text in texts:
            if text in self._prepared:
                continue
            if len(text) <= TERMS_HERE:
                self._prepared[text] = self.featurizer.terms(text)
            else:
                self._prepared[text] = await offload(partial(self.featurizer.terms, text))
            while len(self._prepared) > PREPARED:
                del self._prepared[next(iter(self._prepared))]

    def _terms(self, text: str) -> Terms:
        """The text's terms, prepared before the turn if they were."""
        found = self._prepared.get(text)
        return found if found is not None else self.featurizer.terms(text)

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
        query = self._terms(text)
        found = self.index.similar_terms(query, tank, station, location, k, exclude=exclude)
        return [Suggestion(m.case_id, m.score, m.shared_words) for m in found]

    async def add(self, case: Case) -> None:
        """Index an open case; one no longer open is forgotten."""
        await self.ready()
        if case.is_open:
            weights = self._terms(case.text).weights
            self.index.add_terms(case.id, weights, case.tank, case.station, case.location)
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
