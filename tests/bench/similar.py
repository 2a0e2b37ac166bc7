"""The similarity bench: python -m tests.bench.similar [--cases N] [--json].

Suggestion latency at N generated open cases (100,000 by default), the index's build time and
memory (from texts, and from stored term rows), precision and recall of "similar" at the
threshold on the tuning and held-out pairs, clustering purity on the labelled groups, the
figure on the real citizen messages when they are there, and the cost of importing the engine.
Prints one JSON object with --json; run as a subprocess by tests.bench (similar_rows).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gc
import json
import os
import random
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from nlp.tokenizer import Tokenizer
from similar import hot
from similar.evaluation import (
    at_threshold,
    cluster_scores,
    index_scores,
    read_concerns,
    read_pairs,
)
from similar.index import THRESHOLD, OpenCase, SimilarityIndex
from similar.port import IndexedSimilarCases
from similar.rows import term_rows, weights
from similar.terms import Featurizer
from tests.bench.report import percentile
from tests.bench.similar_corpus import DATA, open_cases, vary

CITIZEN = DATA.parents[2] / "shared" / "data" / "citizen_messages_train.csv"
QUERIES = 500


def rss_mb() -> float:
    """This process's resident memory, in MiB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def background() -> list[str]:
    """The district's labelled concerns: the other open cases of the evaluation index."""
    texts: list[str] = []
    for path in sorted(DATA.glob("district_*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            texts += [r["text"] for r in csv.DictReader(f)]
    return texts


def quality(featurizer: Featurizer) -> dict[str, Any]:
    """Precision, recall and purity on the tuning and held-out sets."""
    out: dict[str, Any] = {}
    for name, stem in (("tuning", "similar_concerns"), ("holdout", "similar_holdout")):
        concerns = read_concerns(DATA / f"{stem}.csv")
        pairs = read_pairs(DATA / f"{stem}_pairs.csv")
        scored = index_scores(SimilarityIndex(featurizer), concerns, pairs, background())
        pr = at_threshold(scored, THRESHOLD)
        t0 = datetime(2025, 3, 1, tzinfo=UTC)
        window = [
            hot.Concern(c.id, c.text, c.tank, c.station, t0 + timedelta(minutes=n), c.id, True)
            for n, c in enumerate(concerns)
        ]
        clusters = hot.cluster_concerns(window, SimilarityIndex(featurizer))
        purity = cluster_scores([c.case_ids for c in clusters], {c.id: c.group for c in concerns})
        out[name] = {
            "pairs": len(pairs),
            "positives": pr.positives,
            "precision": pr.precision,
            "recall": pr.recall,
            "concerns": len(concerns),
            "groups": purity.groups,
            "clusters": purity.clusters,
            "purity": purity.purity,
            "inverse_purity": purity.inverse_purity,
            "f_measure": purity.f_measure,
        }
    return out


def citizen(featurizer: Featurizer, path: Path, k: int) -> dict[str, Any]:
    """On the real messages: precision of the k most similar pairs, recall of reviewed pairs."""
    if not path.exists():
        return {"skipped": f"no data at {path}"}
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with (DATA / "citizen_duplicates.csv").open(encoding="utf-8", newline="") as f:
        reviewed = {(r["a"], r["b"]): r["label"] == "same" for r in csv.DictReader(f)}
    index = SimilarityIndex(featurizer)
    index.extend(OpenCase(n, r["text"], r["label"], None) for n, r in enumerate(rows))
    best: dict[tuple[str, str], float] = {}
    for n, r in enumerate(rows):
        query = featurizer.terms(r["text"], written=False)
        for m in index.similar_terms(
            query, r["label"], None, k=5, exclude=[n], threshold=0.0, explained=False
        ):
            a, b = sorted((r["id"], rows[m.case_id]["id"]))
            best[(a, b)] = max(best.get((a, b), 0.0), m.score)
    top = sorted(best, key=lambda p: -best[p])[:k]
    same = [p for p, s in reviewed.items() if s]
    found = [p for p in same if best.get(p, 0.0) >= THRESHOLD]
    return {
        "messages": len(rows),
        "k": k,
        "top_k_same": sum(1 for p in top if reviewed.get(p)),
        "top_k_unreviewed": sum(1 for p in top if p not in reviewed),
        "reviewed_same_pairs": len(same),
        "found_at_threshold": len(found),
        "pairs_at_threshold": sum(1 for s in best.values() if s >= THRESHOLD),
    }


def speed(featurizer: Featurizer, cases: int) -> dict[str, Any]:
    """Build time and memory, and the latency of a suggestion, at `cases` open cases."""
    corpus = [OpenCase(c.id, c.text, c.tank, c.station, c.location) for c in open_cases(cases)]
    gc.collect()
    before = rss_mb()
    index = SimilarityIndex(featurizer)
    started = time.perf_counter()
    index.extend(corpus)
    build = time.perf_counter() - started
    gc.collect()
    memory = rss_mb() - before
    rows = [term_rows(c.case_id, featurizer.terms(c.text, written=False).weights) for c in corpus]
    again = SimilarityIndex(featurizer)
    started = time.perf_counter()
    for case, stored in zip(corpus, rows, strict=True):
        again.add_terms(case.case_id, weights(stored), case.tank, case.station, case.location)
    from_rows = time.perf_counter() - started
    del again, rows
    rng = random.Random(11)
    queries = [(vary(case.text, rng), case) for case in rng.sample(corpus, QUERIES)]
    del index
    port = asyncio.run(through_port(featurizer, corpus, queries))
    return {
        "cases": cases,
        "build_seconds": build,
        "rebuild_from_rows_seconds": from_rows,
        "memory_mb": memory,
        "queries": QUERIES,
        **port,
    }


async def through_port(
    featurizer: Featurizer, corpus: list[OpenCase], queries: list[tuple[str, OpenCase]]
) -> dict[str, Any]:
    """The lookup as intake makes it: core's SimilarCases port over the index, filled from the
    open cases as the bot fills it at start (which then takes its objects out of the garbage
    collector's scans, bot.open_service), each suggestion with the words that explain it; and
    the index's own lookup, each query right after the other so that both meet the same load.
    Wall time, and the lookup's own CPU time (the wall time less the waits for cores that
    other jobs hold)."""

    async def load() -> list[OpenCase]:
        return corpus

    port = IndexedSimilarCases(featurizer, load=load)
    await port.ready()
    index = port.index
    gc.collect()
    gc.freeze()
    wall: list[float] = []
    cpu: list[float] = []
    own: list[float] = []
    explained = found = 0
    try:
        for text, case in queries:
            started, ticks = time.perf_counter(), time.thread_time()
            suggestions = await port.similar(text, case.tank, case.station, case.location)
            wall.append(time.perf_counter() - started)
            cpu.append(time.thread_time() - ticks)
            explained += bool(suggestions and suggestions[0].words)
            started = time.perf_counter()
            found += bool(index.similar(text, case.tank, case.station, case.location))
            own.append(time.perf_counter() - started)
    finally:
        gc.unfreeze()
    return {
        "port_p50_ms": percentile(wall, 50) * 1000,
        "port_p99_ms": percentile(wall, 99) * 1000,
        "port_cpu_p99_ms": percentile(cpu, 99) * 1000,
        "port_explained": explained,
        "p50_ms": percentile(own, 50) * 1000,
        "p99_ms": percentile(own, 99) * 1000,
        "queries_with_suggestions": found,
    }


def import_cost() -> dict[str, Any]:
    """What importing the engine adds (python -X importtime), beyond nlp.tokenizer."""
    code = "import nlp.tokenizer; import similar.index, similar.hot"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=DATA.parents[1],
    )
    own = [
        int(m.group(1))
        for m in re.finditer(
            r"import time:\s+\d+ \|\s+(\d+) \| +similar(\.\w+)?$", done.stderr, re.M
        )
    ]
    return {"similar_cumulative_us": max(own, default=0)}


def main(argv: list[str] | None = None) -> int:
    """Measure and print the figures."""
    p = argparse.ArgumentParser(prog="python -m tests.bench.similar", description=__doc__)
    p.add_argument("--cases", type=int, default=100_000)
    p.add_argument("--data", type=Path, default=CITIZEN)
    p.add_argument("--top", type=int, default=40, help="k of the citizen messages' top pairs")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    featurizer = Featurizer(Tokenizer().cut)
    figures = {
        "threshold": THRESHOLD,
        "quality": quality(featurizer),
        "citizen": citizen(featurizer, args.data, args.top),
        "speed": speed(featurizer, args.cases),
        "imports": import_cost(),
    }
    print(json.dumps(figures, ensure_ascii=False) if args.json else json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
