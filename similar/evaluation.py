"""The labelled sets and the figures measured on them: precision and recall of "similar" on
pairs, and purity, inverse purity and F-measure of a clustering against labelled groups.

tests/data/similar_concerns.csv (tuning) and similar_holdout.csv (measured once, at the end)
hold concerns in groups, one group per problem: id, group, topic, tank, station, lat, lon,
text. similar_concerns_pairs.csv and similar_holdout_pairs.csv label pairs of their ids as the
same problem or not (a, b, label, kind).
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from similar.index import SimilarityIndex
from similar.place import Location

BACKGROUND = "\x00background"  # the tank of background texts: no concern is of it


@dataclass(frozen=True, slots=True)
class LabelledConcern:
    """A concern of a labelled set, with the group (problem) it belongs to."""

    id: int
    group: str
    topic: str
    tank: str
    station: str
    location: Location | None
    text: str


@dataclass(frozen=True, slots=True)
class LabelledPair:
    """Two concerns of a labelled set, the same problem or not."""

    a: int
    b: int
    same: bool
    kind: str


@dataclass(frozen=True, slots=True)
class PrecisionRecall:
    """Precision and recall of "similar" at a threshold."""

    threshold: float
    precision: float
    recall: float
    true_positives: int
    false_positives: int
    positives: int

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def read_concerns(path: Path) -> list[LabelledConcern]:
    """The concerns of a labelled set."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [
        LabelledConcern(
            int(r["id"]),
            r["group"],
            r["topic"],
            r["tank"],
            r["station"],
            (float(r["lat"]), float(r["lon"])) if r["lat"] and r["lon"] else None,
            r["text"],
        )
        for r in rows
    ]


def read_pairs(path: Path) -> list[LabelledPair]:
    """The labelled pairs of a set."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [LabelledPair(int(r["a"]), int(r["b"]), r["label"] == "same", r["kind"]) for r in rows]


def at_threshold(scored: Sequence[tuple[float, bool]], threshold: float) -> PrecisionRecall:
    """Precision and recall when every pair scoring at least the threshold is called similar."""
    positives = sum(1 for _, same in scored if same)
    tp = sum(1 for s, same in scored if same and s >= threshold)
    fp = sum(1 for s, same in scored if not same and s >= threshold)
    precision = tp / (tp + fp) if tp + fp else 1.0
    return PrecisionRecall(
        threshold, precision, tp / positives if positives else 0.0, tp, fp, positives
    )


def curve(scored: Sequence[tuple[float, bool]]) -> list[PrecisionRecall]:
    """Precision and recall at every distinct positive score, highest threshold first."""
    thresholds = sorted({s for s, _ in scored if s > 0}, reverse=True)
    return [at_threshold(scored, t) for t in thresholds]


def best_recall_at(
    scored: Sequence[tuple[float, bool]], min_precision: float
) -> PrecisionRecall | None:
    """The lowest threshold whose precision still reaches min_precision (most recall)."""
    ok = [pr for pr in curve(scored) if pr.precision >= min_precision]
    return max(ok, key=lambda pr: (pr.recall, pr.threshold)) if ok else None


def average_precision(scored: Sequence[tuple[float, bool]]) -> float:
    """The area under the precision-recall curve, as ranked retrieval scores it."""
    ranked = sorted(scored, key=lambda x: -x[0])
    positives = sum(1 for _, same in ranked if same)
    hits, total = 0, 0.0
    for i, (score, same) in enumerate(ranked, 1):
        if same and score > 0:
            hits += 1
            total += hits / i
    return total / positives if positives else 0.0


@dataclass(frozen=True, slots=True)
class ClusterScores:
    """How well clusters match labelled groups (Zhao and Karypis; Amigó et al.)."""

    purity: float
    inverse_purity: float
    f_measure: float
    clusters: int
    groups: int


def cluster_scores(clusters: Iterable[Iterable[int]], group_of: Mapping[int, str]) -> ClusterScores:
    """Purity, inverse purity and the clustering F-measure of clusters against groups."""
    found = [list(c) for c in clusters]
    members: dict[str, set[int]] = defaultdict(set)
    for item, group in group_of.items():
        members[group].add(item)
    n = sum(len(c) for c in found)
    if not n:
        return ClusterScores(0.0, 0.0, 0.0, 0, len(members))
    purity = sum(Counter(group_of[i] for i in c).most_common(1)[0][1] for c in found) / n
    inverse = sum(max(len(g & set(c)) for c in found) for g in members.values()) / n
    f_total = 0.0
    for g in members.values():
        best = 0.0
        for c in found:
            overlap = len(g & set(c))
            if overlap:
                p, r = overlap / len(c), overlap / len(g)
                best = max(best, 2 * p * r / (p + r))
        f_total += len(g) / n * best
    return ClusterScores(purity, inverse, f_total, len(found), len(members))


def index_scores(
    index: SimilarityIndex,
    concerns: Sequence[LabelledConcern],
    pairs: Sequence[LabelledPair],
    background: Iterable[str] = (),
) -> list[tuple[float, bool]]:
    """Each pair's cosine as the index scores it (0 across tanks or places), with its label.

    The index gets the set's concerns as open cases, and the background texts as open cases of
    no place anyone asks about, so that the IDF is that of a district's open cases.
    """
    for n, text in enumerate(background, 1):
        index.add(-n, text, BACKGROUND, None)
    terms = {c.id: index.featurizer.terms(c.text) for c in concerns}
    for c in concerns:
        index.add_terms(c.id, terms[c.id].weights, c.tank, c.station, c.location)
    by_id = {c.id: c for c in concerns}
    out: list[tuple[float, bool]] = []
    for pair in pairs:
        a, b = by_id[pair.a], by_id[pair.b]
        apart = a.tank != b.tank or not index.places.same_place(
            a.station, a.location, b.station, b.location
        )
        out.append((0.0 if apart else index.cosine(terms[a.id], terms[b.id]), pair.same))
    return out
