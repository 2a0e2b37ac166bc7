"""Scoring predictions against labels: precision, recall, F1, accuracy, confusion, triage share.

A prediction of None is "triage". It is never right for a message whose label is a tank, so it
lowers that label's recall; it is no prediction *of* any tank, so it lowers no tank's precision.
When the data has a `triage` label itself (the district set), triage is scored like any label.
Macro-F1 averages over the labels present in the data.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

TRIAGE = "triage"


@dataclass(frozen=True, slots=True)
class LabelScore:
    """One label's figures."""

    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class Report:
    """The figures of one evaluation."""

    labels: list[str]
    per_label: dict[str, LabelScore]
    macro_f1: float
    accuracy: float
    confusion: dict[str, dict[str, int]]  # true label -> predicted label (or triage) -> count
    triage_share: float
    messages: int
    messages_per_second: float = 0.0
    # Of the concerns labelled with a tank, the share given to another tank; of those labelled
    # triage (another field's), the share given to a tank. 0 when there are none.
    wrong_tank_share: float = 0.0
    other_to_tank_share: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data."""
        return {
            "macro_f1": self.macro_f1,
            "accuracy": self.accuracy,
            "per_label": {k: asdict(v) for k, v in self.per_label.items()},
            "confusion": self.confusion,
            "triage_share": self.triage_share,
            "wrong_tank_share": self.wrong_tank_share,
            "other_to_tank_share": self.other_to_tank_share,
            "messages_per_second": self.messages_per_second,
            "messages": self.messages,
        }


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def score(truth: Sequence[str], predicted: Sequence[str | None], speed: float = 0.0) -> Report:
    """Compare predicted tanks (None for triage) with the true labels."""
    if len(truth) != len(predicted):
        raise ValueError("truth and predictions differ in length")
    guesses = [p if p is not None else TRIAGE for p in predicted]
    labels = sorted(set(truth))
    columns = labels + sorted(set(guesses) - set(labels))
    if TRIAGE in columns:  # triage last, where a reader looks for it
        columns = [c for c in columns if c != TRIAGE] + [TRIAGE]
    pairs = Counter(zip(truth, guesses, strict=True))
    said = Counter(guesses)
    per_label = {}
    for label in labels:
        hit = pairs[(label, label)]
        support = sum(1 for t in truth if t == label)
        p, r = _ratio(hit, said[label]), _ratio(hit, support)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        per_label[label] = LabelScore(p, r, f1, support)
    confusion = {t: {c: pairs[(t, c)] for c in columns} for t in labels}
    correct = sum(n for (t, g), n in pairs.items() if t == g)
    of_tanks = sum(n for (t, _), n in pairs.items() if t != TRIAGE)
    wrong = sum(n for (t, g), n in pairs.items() if TRIAGE not in (t, g) and t != g)
    other = sum(n for (t, g), n in pairs.items() if t == TRIAGE and g != TRIAGE)
    return Report(
        labels=labels,
        per_label=per_label,
        macro_f1=sum(s.f1 for s in per_label.values()) / len(labels) if labels else 0.0,
        accuracy=_ratio(correct, len(truth)),
        confusion=confusion,
        triage_share=_ratio(said[TRIAGE], len(truth)),
        messages=len(truth),
        messages_per_second=speed,
        wrong_tank_share=_ratio(wrong, of_tanks),
        other_to_tank_share=_ratio(other, support_of(truth, TRIAGE)),
    )


def support_of(truth: Sequence[str], label: str) -> int:
    """How many concerns carry the label."""
    return sum(1 for t in truth if t == label)


def format_report(report: Report) -> str:
    """The report as text for a terminal."""
    width = max([len(label) for label in report.per_label] + [8])
    lines = [f"{'label':<{width}}  precision  recall     f1  support"]
    for label, s in report.per_label.items():
        lines.append(
            f"{label:<{width}}  {s.precision:9.3f}  {s.recall:6.3f}  {s.f1:5.3f}  {s.support:7d}"
        )
    lines += [
        "",
        f"macro-F1 {report.macro_f1:.4f}   accuracy {report.accuracy:.4f}   "
        f"triage {report.triage_share:.1%}   messages {report.messages}   "
        f"{report.messages_per_second:,.0f} messages/s",
        f"wrong tank {report.wrong_tank_share:.1%} of the tanks' concerns"
        + (
            f"   another field's sent to a tank {report.other_to_tank_share:.1%}"
            if TRIAGE in report.per_label
            else ""
        ),
        "",
        "confusion (rows: true label, columns: predicted):",
    ]
    columns = list(next(iter(report.confusion.values()), {}).keys())
    lines.append(" " * width + "".join(f"  {c[:6]:>6}" for c in columns))
    for label, row in report.confusion.items():
        lines.append(f"{label:<{width}}" + "".join(f"  {row[c]:>6}" for c in columns))
    return "\n".join(lines)


def stratified_folds(labels: Sequence[str], k: int = 5, seed: int = 0) -> list[list[int]]:
    """Indices of k test folds, each label spread evenly over them, shuffled with a fixed seed."""
    rng = random.Random(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    start = 0
    for label in sorted(set(labels)):
        members = [i for i, lab in enumerate(labels) if lab == label]
        rng.shuffle(members)
        for j, i in enumerate(members):
            folds[(start + j) % k].append(i)
        start += len(members)
    return [sorted(f) for f in folds]
