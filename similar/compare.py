"""The candidate measures of "same problem", side by side on the labelled pairs.

Each measure scores a pair of texts in [0, 1]; the figures are taken after blocking (a pair of
different tanks or places scores 0), as the index compares. Document frequencies come from a
background of concerns (the district's labelled concerns and the set itself), as the index's
come from its open cases. rapidfuzz and datasketch are needed only here (the dev extra).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from similar.evaluation import (
    LabelledConcern,
    LabelledPair,
    PrecisionRecall,
    at_threshold,
    average_precision,
    best_recall_at,
)
from similar.place import Places
from similar.terms import HAN, Cut, Featurizer, word_spans
from similar.weights import DocumentFrequencies

PairScore = Callable[[str, str], float]


@dataclass(frozen=True, slots=True)
class MethodFigures:
    """One measure's figures on a set of pairs."""

    name: str
    average_precision: float
    at_precision: PrecisionRecall | None  # the most recall at the precision asked
    best_f1: PrecisionRecall


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b[t] for t, w in a.items() if t in b)
    na = math.sqrt(sum(w * w for w in a.values()))
    nb = math.sqrt(sum(w * w for w in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def tfidf(featurizer: Featurizer, background: Sequence[str]) -> PairScore:
    """Cosine of TF-IDF vectors of the featurizer's terms."""
    df = DocumentFrequencies()
    for text in background:
        df.add(featurizer.terms(text).weights)

    def vector(text: str) -> dict[str, float]:
        return {t: w * df.idf(t) for t, w in featurizer.terms(text).weights.items()}

    return lambda a, b: _cosine(vector(a), vector(b))


def weighted_jaccard(featurizer: Featurizer, background: Sequence[str]) -> PairScore:
    """Weighted Jaccard of the term sets, each term weighing its IDF."""
    df = DocumentFrequencies()
    for text in background:
        df.add(featurizer.terms(text).weights)

    def score(a: str, b: str) -> float:
        ta, tb = set(featurizer.terms(a).weights), set(featurizer.terms(b).weights)
        union = sum(df.idf(t) for t in ta | tb)
        return sum(df.idf(t) for t in ta & tb) / union if union else 0.0

    return score


def shingles(text: str, size: int = 3) -> set[str]:
    """The character shingles of a text's Han runs."""
    out: set[str] = set()
    for run in HAN.findall(text):
        out.update(run[i : i + size] for i in range(max(1, len(run) - size + 1)))
    return out


def minhash(size: int = 3, permutations: int = 128) -> PairScore:
    """MinHash (datasketch) estimate of the Jaccard of character shingles."""
    from datasketch import MinHash

    def sketch(text: str) -> MinHash:
        m = MinHash(num_perm=permutations, seed=1)
        m.update_batch([s.encode() for s in shingles(text, size)])
        return m

    return lambda a, b: float(sketch(a).jaccard(sketch(b)))


def simhash(featurizer: Featurizer, background: Sequence[str], bits: int = 64) -> PairScore:
    """SimHash of the TF-IDF weighted terms; the score is the share of equal bits."""
    df = DocumentFrequencies()
    for text in background:
        df.add(featurizer.terms(text).weights)

    def fingerprint(text: str) -> int:
        acc = [0.0] * bits
        for term, w in featurizer.terms(text).weights.items():
            h = int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "big")
            weight = w * df.idf(term)
            for i in range(bits):
                acc[i] += weight if h >> i & 1 else -weight
        return sum(1 << i for i in range(bits) if acc[i] > 0)

    return lambda a, b: 1 - bin(fingerprint(a) ^ fingerprint(b)).count("1") / bits


def fuzzy(cut: Cut, how: str) -> PairScore:
    """A rapidfuzz ratio (ratio, partial_ratio, token_set_ratio on words) over 100."""
    from rapidfuzz import fuzz

    if how == "token_set_ratio":
        words = lambda t: " ".join(w for w, _ in word_spans(t, cut))  # noqa: E731
        return lambda a, b: fuzz.token_set_ratio(words(a), words(b)) / 100
    ratio = getattr(fuzz, how)
    return lambda a, b: ratio(a, b) / 100


def measures(cut: Cut, background: Sequence[str]) -> dict[str, PairScore]:
    """Every measure compared, by name (places weigh as much as anything else here)."""

    def terms(words: bool, pairs: bool, chars: bool) -> Featurizer:
        return Featurizer(
            cut if words else None,
            words=words,
            grams=pairs,
            chars=chars,
            place_weight=1.0,
            pair_weight=1.0,
        )

    words, pairs, both = (
        terms(True, False, False),
        terms(False, True, False),
        terms(True, True, False),
    )
    return {
        "TF-IDF cosine, character pairs": tfidf(pairs, background),
        "TF-IDF cosine, jieba words": tfidf(words, background),
        "TF-IDF cosine, words + character pairs": tfidf(both, background),
        "TF-IDF cosine, single characters": tfidf(terms(False, False, True), background),
        "TF-IDF cosine, characters + pairs": tfidf(terms(False, True, True), background),
        "weighted Jaccard (IDF), jieba words": weighted_jaccard(words, background),
        "weighted Jaccard (IDF), words + pairs": weighted_jaccard(both, background),
        "MinHash 128, character 3-shingles": minhash(3),
        "MinHash 128, character 2-shingles": minhash(2),
        "SimHash 64, words + pairs (TF-IDF)": simhash(both, background),
        "rapidfuzz ratio": fuzzy(cut, "ratio"),
        "rapidfuzz partial_ratio": fuzzy(cut, "partial_ratio"),
        "rapidfuzz token_set_ratio, jieba words": fuzzy(cut, "token_set_ratio"),
    }


def scored_pairs(
    score: PairScore,
    concerns: Sequence[LabelledConcern],
    pairs: Sequence[LabelledPair],
    places: Places,
    blocking: bool = True,
) -> list[tuple[float, bool]]:
    """Each pair's score (0 across tanks or places when blocking) with its label."""
    by_id = {c.id: c for c in concerns}
    out: list[tuple[float, bool]] = []
    for pair in pairs:
        a, b = by_id[pair.a], by_id[pair.b]
        apart = a.tank != b.tank or not places.same_place(
            a.station, a.location, b.station, b.location
        )
        out.append((0.0 if blocking and apart else score(a.text, b.text), pair.same))
    return out


def figures(name: str, scored: Sequence[tuple[float, bool]], min_precision: float) -> MethodFigures:
    """A measure's figures from its scored pairs."""
    thresholds = sorted({s for s, _ in scored if s > 0})
    best = max(
        (at_threshold(scored, t) for t in thresholds),
        key=lambda pr: pr.f1,
        default=at_threshold(scored, 1.0),
    )
    return MethodFigures(
        name, average_precision(scored), best_recall_at(scored, min_precision), best
    )
