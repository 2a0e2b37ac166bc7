"""The open cases' index: which open cases of the same tank and place read like a new concern.

How a lookup goes (SimilarityIndex.similar):

1. The concern is cut into terms (similar.terms): each Han character, and each pair of
   characters in a row at a lower weight, with the characters of a place's name (东庄村,
   和平小区) counting half: the blocking below already says where.
2. Only the blocks of the concern's tank and place are read: its station and the stations
   configured as its neighbours (similar.place). In each block an inverted index gives, per
   term, the open cases that hold it; their dot products with the concern are summed there.
3. The best candidates by that sum over their norm are scored exactly: the cosine of TF-IDF
   vectors, with the IDF of the open cases as they are now. A candidate with a location farther
   than the radius from the concern's location is dropped; those at or above the threshold are
   returned, best first, each with the concern's words that made it similar.

Invariants: an added case is found by the next lookup; a removed case never is; the figures
depend only on the open cases, not on the order they were added in (norms are recomputed for
the candidates, and for all when the number of cases has doubled or halved since they were).
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass

from similar.place import Location, Places, valid_location
from similar.terms import Featurizer, Terms, explain

Block = tuple[str | None, str | None]  # tank, station
# A new concern is offered open cases scoring at least this (cosine, 0..1); chosen on the
# tuning pairs for precision >= 0.9 (see the bench for the figures).
THRESHOLD = 0.24
CANDIDATES = 64  # scored exactly, out of those the inverted index ranks best
# Postings read to find the candidates, the rarest terms' first: a character or pair most open
# cases of the block hold adds little to any ranking and most of the reading; the candidates'
# dot products are then completed from their own terms, so the scores stay exact.
BUDGET = 4_000
# A term's weight in a case is kept in one byte, in steps of 1/LEVELS (a weight is at most
# 1 + ln 2000 < 9.7, as a text is cut at 2,000 characters): 5 bytes a term with its id.
LEVELS = 20


def quantize(weight: float) -> int:
    """A term's weight as the byte the index keeps (at least one step, so it still counts)."""
    return max(1, min(255, round(weight * LEVELS)))


@dataclass(frozen=True, slots=True)
class Match:
    """An open case like the concern: its id, the cosine, and the words that made it so."""

    case_id: int
    score: float
    shared_words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OpenCase:
    """An open case as the index takes it in bulk (SimilarityIndex.extend)."""

    case_id: int
    text: str
    tank: str | None
    station: str | None
    location: Location | None = None
    resident_id: int | None = None


@dataclass(slots=True)
class _Case:
    block: Block
    location: Location | None
    resident_id: int | None
    terms: array  # term ids ("i")
    weights: array  # each term's weight in the case, quantized ("B")
    norm: float  # of its TF-IDF vector, as of the last refresh


class SimilarityIndex:
    """Open cases by tank and place, and the ones like a new concern (see the module doc)."""

    def __init__(
        self,
        featurizer: Featurizer,
        places: Places | None = None,
        *,
        threshold: float = THRESHOLD,
    ) -> None:
        self.featurizer = featurizer
        self.places = places or Places()
        self.threshold = threshold
        self._ids: dict[str, int] = {}  # term -> id
        self._terms: list[str] = []  # id -> term
        self._df = array("i")  # id -> open cases holding it
        self._cases: dict[int, _Case] = {}
        # block -> term id -> (case ids, the term's weight in each)
        self._postings: dict[Block, dict[int, tuple[array, array]]] = {}
        self._normed_at = 1  # number of cases when the norms were last computed
        # Exact norms (with the IDF as it is now) of cases scored since the open cases last
        # changed: lookups between two changes do not compute them again.
        self._exact: dict[int, float] = {}
        self._inverse: dict[int, float] = {}  # 1 / the norm as of the last refresh, to rank by
        self._blocks: dict[Block, Block] = {}  # one tuple per block, shared by its cases

    def __len__(self) -> int:
        return len(self._cases)

    def __contains__(self, case_id: object) -> bool:
        return case_id in self._cases

    def case_ids(self) -> Iterator[int]:
        """The open cases indexed."""
        return iter(self._cases)

    def _idf(self, term_id: int) -> float:
        return math.log((1 + len(self._cases)) / (1 + self._df[term_id])) + 1.0

    def idf(self, term: str) -> float:
        """A term's IDF among the open cases; a term none of them holds weighs the most."""
        term_id = self._ids.get(term)
        df = self._df[term_id] if term_id is not None else 0
        return math.log((1 + len(self._cases)) / (1 + df)) + 1.0

    def norm(self, terms: Terms) -> float:
        """The length of a text's TF-IDF vector."""
        idf = self.idf
        return math.sqrt(sum((w * idf(t)) ** 2 for t, w in terms.weights.items()))

    def cosine(self, a: Terms, b: Terms) -> float:
        """The cosine of two texts' TF-IDF vectors, with the open cases' IDF."""
        if len(a.weights) > len(b.weights):
            a, b = b, a
        other = b.weights
        idf = self.idf
        dot = sum(w * other[t] * idf(t) ** 2 for t, w in a.weights.items() if t in other)
        norms = self.norm(a) * self.norm(b)
        return min(1.0, dot / norms) if norms else 0.0

    def _term_id(self, term: str) -> int:
        found = self._ids.get(term)
        if found is None:
            found = self._ids[term] = len(self._terms)
            self._terms.append(term)
            self._df.append(0)
        return found

    def _norm(self, case: _Case) -> float:
        idf = self._idf
        return (
            math.sqrt(sum((w * idf(t)) ** 2 for t, w in zip(case.terms, case.weights, strict=True)))
            / LEVELS
        )

    def add(
        self,
        case_id: int,
        text: str,
        tank: str | None,
        station: str | None,
        location: Location | None = None,
        resident_id: int | None = None,
    ) -> None:
        """Index an open case (again, if it was: its text or place may have changed)."""
        weights = self.featurizer.terms(text, written=False).weights
        self.add_terms(case_id, weights, tank, station, location, resident_id)

    def add_terms(
        self,
        case_id: int,
        weights: dict[str, float],
        tank: str | None,
        station: str | None,
        location: Location | None = None,
        resident_id: int | None = None,
    ) -> None:
        """Index an open case by terms already made (rows read back from storage)."""
        case = self._insert(case_id, weights, tank, station, location, resident_id)
        case.norm = self._norm(case)
        self._inverse[case_id] = 1.0 / (case.norm or 1.0)
        self._refresh_if_drifted()

    def extend(self, cases: Iterable[OpenCase]) -> int:
        """Index many open cases at once (a rebuild at start); returns how many."""
        featurize = self.featurizer.terms
        count = 0
        for case in cases:
            weights = featurize(case.text, written=False).weights
            self._insert(
                case.case_id, weights, case.tank, case.station, case.location, case.resident_id
            )
            count += 1
        self.refresh()
        return count

    def _insert(
        self,
        case_id: int,
        weights: dict[str, float],
        tank: str | None,
        station: str | None,
        location: Location | None,
        resident_id: int | None,
    ) -> _Case:
        if not -(2**31) <= case_id < 2**31:
            raise ValueError(f"case id {case_id} does not fit in 32 bits")
        if case_id in self._cases:
            self.remove(case_id)
        self._exact.clear()
        self._inverse[case_id] = 1.0
        block = self._blocks.setdefault((tank, station), (tank, station))
        known = self._ids
        ids = array("i", (known[t] if t in known else self._term_id(t) for t in weights))
        levels = array("B", (quantize(w) for w in weights.values()))
        case = _Case(block, valid_location(location), resident_id, ids, levels, 1.0)
        self._cases[case_id] = case
        postings = self._postings.setdefault(block, {})
        df = self._df
        for term_id, level in zip(ids, levels, strict=True):
            df[term_id] += 1
            held = postings.get(term_id)
            if held is None:
                postings[term_id] = (array("i", (case_id,)), array("B", (level,)))
            else:
                held[0].append(case_id)
                held[1].append(level)
        return case

    def remove(self, case_id: int) -> bool:
        """Forget a case (closed, merged, deleted); False if it was not indexed."""
        case = self._cases.pop(case_id, None)
        if case is None:
            return False
        self._exact.clear()
        del self._inverse[case_id]
        postings = self._postings[case.block]
        for term_id in case.terms:
            self._df[term_id] -= 1
            ids, weights = postings[term_id]
            at = ids.index(case_id)
            del ids[at]
            del weights[at]
            if not ids:
                del postings[term_id]
        if not postings:
            del self._postings[case.block]
        self._refresh_if_drifted()
        return True

    def _refresh_if_drifted(self) -> None:
        n = max(1, len(self._cases))
        if n >= 2 * self._normed_at or 2 * n <= self._normed_at:
            self.refresh()

    def refresh(self) -> None:
        """Recompute every case's norm with the IDF of the open cases as they are now."""
        inverse, exact = self._inverse, self._exact
        exact.clear()
        for case_id, case in self._cases.items():
            case.norm = exact[case_id] = self._norm(case)
            inverse[case_id] = 1.0 / (case.norm or 1.0)
        self._normed_at = max(1, len(self._cases))

    def similar(
        self,
        text: str,
        tank: str | None,
        station: str | None,
        location: Location | None = None,
        k: int = 3,
        *,
        exclude: Iterable[int] = (),
    ) -> list[Match]:
        """Up to k open cases of the tank and place scoring at least the threshold, best first."""
        query = self.featurizer.terms(text)
        return self.similar_terms(query, tank, station, location, k, exclude=exclude)

    def similar_terms(
        self,
        query: Terms,
        tank: str | None,
        station: str | None,
        location: Location | None = None,
        k: int = 3,
        *,
        exclude: Iterable[int] = (),
        threshold: float | None = None,
        explained: bool = True,
        only: Container[int] | None = None,
    ) -> list[Match]:
        """similar() for terms already made; explained=False leaves shared_words empty, and
        only, when given, holds the cases that may be returned."""
        if k <= 0 or not query.weights:
            return []
        floor = self.threshold if threshold is None else threshold
        location = valid_location(location)
        vector: dict[int, float] = {}
        for term, weight in query.weights.items():
            term_id = self._ids.get(term)
            if term_id is not None and self._df[term_id]:
                vector[term_id] = weight * self._idf(term_id)
        if not vector:
            return []
        query_norm = self.norm(query)
        scales = {t: q * self._idf(t) / LEVELS for t, q in vector.items()}
        lists: list[tuple[int, int, tuple[array, array]]] = []
        for station_ in self.places.stations(station):
            postings = self._postings.get((tank, station_))
            if not postings:
                continue
            for term_id in vector:
                held = postings.get(term_id)
                if held is not None:
                    lists.append((len(held[0]), term_id, held))
        lists.sort(key=lambda entry: entry[:2])
        dots: dict[int, float] = {}
        get = dots.get
        read, complete = 0, True
        for length, term_id, held in lists:
            if read >= BUDGET and dots:
                complete = False
                break
            read += length
            scale = scales[term_id]
            for case_id, w in zip(*held, strict=True):
                dots[case_id] = get(case_id, 0.0) + scale * w
        skip = set(exclude)
        cases = self._cases
        # Rank by the dot over the norm as of the last refresh: one pass in C over the pool.
        inverse = self._inverse
        if only is None:
            ranking = {c: d * inverse[c] for c, d in dots.items()}
        else:
            ranking = {c: d * inverse[c] for c, d in dots.items() if c in only}
        ranked = heapq.nlargest(CANDIDATES + len(skip), ranking, key=ranking.__getitem__)
        exact = self._exact
        found: list[tuple[float, int]] = []
        for case_id in ranked:
            if case_id in skip:
                continue
            case = cases[case_id]
            if (
                location
                and case.location
                and not self.places.same_place(station, location, case.block[1], case.location)
            ):
                continue
            norm = exact.get(case_id)
            if norm is None:
                norm = exact[case_id] = self._norm(case)
            dot = dots[case_id] if complete else _dot(case, scales)
            score = dot / ((norm or 1.0) * (query_norm or 1.0))
            if score >= floor:
                found.append((min(score, 1.0), case_id))
        found.sort(key=lambda sc: (-sc[0], sc[1]))
        if not explained:
            return [Match(case_id, round(score, 4), ()) for score, case_id in found[:k]]
        return [self._match(case_id, score, query, vector) for score, case_id in found[:k]]

    def _match(self, case_id: int, score: float, query: Terms, vector: dict[int, float]) -> Match:
        case = self._cases[case_id]
        shared = [
            (self._terms[t], vector[t] * w * self._idf(t) / LEVELS)
            for t, w in zip(case.terms, case.weights, strict=True)
            if t in vector
        ]
        return Match(case_id, round(score, 4), explain(shared, query))


def _dot(case: _Case, scales: dict[int, float]) -> float:
    """A case's dot product with the query, from its own terms (scales: the query's terms)."""
    get = scales.get
    return sum(get(t, 0.0) * w for t, w in zip(case.terms, case.weights, strict=True))
