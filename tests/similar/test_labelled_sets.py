"""The labelled sets are what they claim, and the chosen measure meets its targets on them."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from similar import hot
from similar.evaluation import (
    at_threshold,
    cluster_scores,
    index_scores,
    read_concerns,
    read_pairs,
)
from similar.index import THRESHOLD, SimilarityIndex
from similar.terms import Featurizer
from tests.similar.conftest import DATA

# Beside the checkout (../shared/data), or where the machine keeps the shared data.
CITIZEN = next(
    (
        p / "citizen_messages_train.csv"
        for p in (DATA.parents[2] / "shared" / "data", Path("/work/shared/data"))
        if (p / "citizen_messages_train.csv").exists()
    ),
    DATA.parents[2] / "shared" / "data" / "citizen_messages_train.csv",
)


def background() -> list[str]:
    texts: list[str] = []
    for path in sorted(DATA.glob("district_*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            texts += [r["text"] for r in csv.DictReader(f)]
    return texts


def test_the_sets_are_large_enough_and_consistent() -> None:
    concerns = read_concerns(DATA / "similar_concerns.csv")
    groups = Counter(c.group for c in concerns)
    assert len(concerns) >= 150 and len(groups) >= 20
    assert sum(1 for n in groups.values() if n == 1) >= 5  # singletons
    for stem in ("similar_concerns", "similar_holdout"):
        by_id = {c.id: c for c in read_concerns(DATA / f"{stem}.csv")}
        pairs = read_pairs(DATA / f"{stem}_pairs.csv")
        assert all((by_id[p.a].group == by_id[p.b].group) == p.same for p in pairs)
    pairs = read_pairs(DATA / "similar_concerns_pairs.csv")
    kinds = Counter(p.kind for p in pairs)
    assert len(pairs) >= 300 and kinds["same-topic"] and kinds["same-place"]


@pytest.mark.parametrize("stem", ["similar_concerns", "similar_holdout"])
def test_precision_and_recall_at_the_threshold(featurizer: Featurizer, stem: str) -> None:
    concerns = read_concerns(DATA / f"{stem}.csv")
    pairs = read_pairs(DATA / f"{stem}_pairs.csv")
    scored = index_scores(SimilarityIndex(featurizer), concerns, pairs, background())
    pr = at_threshold(scored, THRESHOLD)
    assert pr.precision >= 0.9 and pr.recall >= 0.7, pr


@pytest.mark.parametrize("stem", ["similar_concerns", "similar_holdout"])
def test_clusters_are_pure(featurizer: Featurizer, stem: str) -> None:
    concerns = read_concerns(DATA / f"{stem}.csv")
    start = datetime(2025, 3, 1, tzinfo=UTC)
    window = [
        hot.Concern(c.id, c.text, c.tank, c.station, start + timedelta(minutes=n), c.id, True)
        for n, c in enumerate(concerns)
    ]
    clusters = hot.cluster_concerns(window, SimilarityIndex(featurizer))
    scores = cluster_scores([c.case_ids for c in clusters], {c.id: c.group for c in concerns})
    assert scores.purity >= 0.95 and scores.f_measure >= 0.85, scores


def test_the_reviewed_citizen_pairs_name_real_messages() -> None:
    if not CITIZEN.exists():
        pytest.skip(f"the citizen messages are not at {CITIZEN} (kept outside the repository)")
    with CITIZEN.open(encoding="utf-8", newline="") as f:
        ids = {r["id"] for r in csv.DictReader(f)}
    with (DATA / "citizen_duplicates.csv").open(encoding="utf-8", newline="") as f:
        reviewed = list(csv.DictReader(f))
    assert reviewed and all(r["a"] in ids and r["b"] in ids for r in reviewed)
