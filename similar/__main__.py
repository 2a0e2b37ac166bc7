"""python -m similar compare [--holdout]: the candidate measures side by side on labelled pairs.

Prints a Markdown table: for each measure, the average precision, the most recall at precision
0.9 (and the threshold that gives it), and the best F1. rapidfuzz and datasketch (the dev
extra) are needed for their rows.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from nlp.tokenizer import Tokenizer
from similar.compare import MethodFigures, figures, measures, scored_pairs
from similar.evaluation import index_scores, read_concerns, read_pairs
from similar.index import SimilarityIndex
from similar.place import Places
from similar.terms import Featurizer

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
CHOSEN = "chosen: characters + pairs (1/5), places at 1/2, TF-IDF cosine (the index)"


def table(rows: list[MethodFigures]) -> str:
    """The figures as a Markdown table."""
    lines = [
        "| measure | average precision | recall at P >= 0.9 (threshold) | best F1 (P, R) |",
        "| --- | --- | --- | --- |",
    ]
    for f in rows:
        at = f.at_precision
        held = f"{at.recall:.1%} ({at.threshold:.3f})" if at else "-"
        best = f.best_f1
        lines.append(
            f"| {f.name} | {f.average_precision:.3f} | {held} | "
            f"{best.f1:.3f} ({best.precision:.0%}, {best.recall:.0%}) |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Compare the measures and print the table."""
    p = argparse.ArgumentParser(prog="python -m similar", description=__doc__)
    p.add_argument("command", choices=["compare"])
    p.add_argument("--holdout", action="store_true", help="the held-out pairs (measure once)")
    args = p.parse_args(argv)
    stem = "similar_holdout" if args.holdout else "similar_concerns"
    concerns = read_concerns(DATA / f"{stem}.csv")
    pairs = read_pairs(DATA / f"{stem}_pairs.csv")
    background: list[str] = []
    for path in sorted(DATA.glob("district_*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            background += [r["text"] for r in csv.DictReader(f)]
    cut = Tokenizer().cut
    everything = [c.text for c in concerns] + background
    rows = [
        figures(name, scored_pairs(score, concerns, pairs, Places()), 0.9)
        for name, score in measures(cut, everything).items()
    ]
    chosen = index_scores(SimilarityIndex(Featurizer(cut)), concerns, pairs, background)
    rows.append(figures(CHOSEN, chosen, 0.9))
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
