"""Document frequencies and the inverse document frequency (IDF) of a term among open cases."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable


class DocumentFrequencies:
    """How many documents hold each term; IDF = ln((1 + N) / (1 + df)) + 1 (smoothed)."""

    __slots__ = ("counts", "documents")

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.documents = 0

    def add(self, terms: Iterable[str]) -> None:
        """Count one document's terms."""
        self.counts.update(terms)
        self.documents += 1

    def remove(self, terms: Iterable[str]) -> None:
        """Forget one document's terms."""
        counts = self.counts
        for term in terms:
            left = counts[term] - 1
            if left > 0:
                counts[term] = left
            else:
                del counts[term]
        self.documents = max(0, self.documents - 1)

    def idf(self, term: str) -> float:
        """The term's inverse document frequency (a term never seen weighs the most)."""
        return math.log((1 + self.documents) / (1 + self.counts.get(term, 0))) + 1.0
