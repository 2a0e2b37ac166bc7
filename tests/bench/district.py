"""Benchmark: the district's lists (config/think_tanks.toml) on its labelled concerns.

    python -m tests.bench.district [--json]

Every tests/data/district_*.csv is scored with the lists as the bot loads them. The tuning
sets are those the lists were fitted to; of the held-out sets, district_holdout.csv to
district_holdout11.csv were tuned on after their first measure (5 and 6 when the co-occurrence
rules came in, 7 when the other fields' words did, 5 to 8 again when law's rules grew to
stories told in residents' words, 9 when they grew to the dispute shapes that recur whatever
a field's words they are told among, and the other fields' words with them; 10 was read, and
law's rules_outweigh chosen on it among the others; 10 and 11's misses were read in round 3
and the lists grown for the facts they missed), so only a set added after them is blind:
the targets are judged on the blind sets together. It prints; it never fails.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from config.tanks import load_other_fields, load_tanks
from nlp.classifier import KeywordClassifier, domain_words
from nlp.dataset import read_examples
from nlp.evaluate import TRIAGE, Report, score
from nlp.tokenizer import Tokenizer

DATA = Path(__file__).resolve().parents[1] / "data"
TUNING = ("district_concerns.csv", "district_tuning.csv")
TUNED_ON_LATER = (
    "district_holdout.csv",
    "district_holdout2.csv",
    "district_holdout3.csv",
    "district_holdout4.csv",
    "district_holdout5.csv",
    "district_holdout6.csv",
    "district_holdout7.csv",
    "district_holdout8.csv",
    "district_holdout9.csv",
    "district_holdout10.csv",
    "district_holdout11.csv",
)


def figures(report: Report) -> dict[str, Any]:
    """The figures the targets speak of, from one evaluation."""
    return {
        "messages": report.messages,
        "accuracy": report.accuracy,
        "recall": {label: s.recall for label, s in report.per_label.items() if label != TRIAGE},
        "wrong_tank_share": report.wrong_tank_share,
        "other_to_tank_share": report.other_to_tank_share,
        "triage_share": report.triage_share,
    }


def run(data: Path = DATA) -> dict[str, Any]:
    """Each set's figures, and the blind sets' together."""
    tanks = load_tanks()
    classifier = KeywordClassifier(tanks, Tokenizer(domain_words(tanks)), load_other_fields())
    sets: dict[str, Any] = {}
    blind_truth: list[str] = []
    blind_guess: list[str | None] = []
    for path in sorted(data.glob("district_*.csv")):
        examples = read_examples(path)
        truth = [e.label for e in examples]
        guess = [classifier.classify(e.text).tank for e in examples]
        kind = "tuning" if path.name in TUNING else "tuned on later"
        if path.name not in TUNING and path.name not in TUNED_ON_LATER:
            kind = "blind"
            blind_truth += truth
            blind_guess += guess
        sets[path.name] = {"kind": kind, **figures(score(truth, guess))}
    blind = figures(score(blind_truth, blind_guess)) if blind_truth else {}
    return {"sets": sets, "blind": blind}


def report_text(result: dict[str, Any]) -> str:
    """The results for a terminal."""
    lines = []
    for name, f in {**result["sets"], "blind sets together": result["blind"]}.items():
        if not f:
            continue
        recall = " ".join(f"{k} {v:.0%}" for k, v in f["recall"].items())
        lines.append(
            f"{name:<24} {f.get('kind', ''):<15} {f['messages']:>4}  accuracy "
            f"{f['accuracy']:.1%}  recall {recall}  wrong tank {f['wrong_tank_share']:.1%}  "
            f"other field to a tank {f['other_to_tank_share']:.1%}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the results."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.district")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run()
    print(json.dumps(result, ensure_ascii=False) if args.json else report_text(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
