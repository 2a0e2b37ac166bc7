"""Per-label biases of learned lists, calibrated on concerns held out from the learning.

The fit weighs labels by their size (nlp.learn.class_weights) and the written file keeps no
bias of its own, so some labels are chosen more often than they should be and others less.
Learned on all folds but one, the lists score each held-out concern; a bias per label is then
chosen to make the macro-F1 of the held-out decisions (the label of highest bias + score) as
high as it can: one label at a time, each bias on a grid of STEP from -LIMIT to LIMIT, kept
only where it does strictly better, for SWEEPS rounds. Every bias starts at 0 and a tie keeps
the smaller change, so the result is deterministic and 0 where nothing is gained.

A bias is added to its label's score like a keyword that every concern carries; it is written
to the file as the tank's `bias`, where a coordinator reads it. Asked for, not done by default
(`nlp learn --biases`, `nlp crossval --bias-folds N`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from nlp.calibrate import Outcome
from nlp.evaluate import score
from nlp.learn import LearnedLabel

STEP = 0.25
LIMIT = 3.0
SWEEPS = 2


@dataclass(frozen=True, slots=True)
class Scored:
    """A held-out concern: each label's score (before any bias), and its true label."""

    scores: Mapping[str, float]
    label: str


def decide(scores: Mapping[str, float], biases: Mapping[str, float]) -> str | None:
    """The label of highest score plus bias (the first in order on a tie); None without scores,
    as the classifier sends a concern with no keyword to triage."""
    if not any(scores.values()):
        return None
    return max(sorted(scores), key=lambda k: scores[k] + biases.get(k, 0.0))


def macro_f1(held_out: Sequence[Scored], biases: Mapping[str, float]) -> float:
    """The macro-F1 of the decisions with these biases."""
    return score([s.label for s in held_out], [decide(s.scores, biases) for s in held_out]).macro_f1


def calibrate_biases(held_out: Sequence[Scored]) -> dict[str, float]:
    """The per-label biases that make the held-out macro-F1 highest (see the module)."""
    labels = sorted({k for s in held_out for k in s.scores})
    biases = dict.fromkeys(labels, 0.0)
    steps = round(LIMIT / STEP)
    grid = sorted((i * STEP for i in range(-steps, steps + 1)), key=abs)
    best = macro_f1(held_out, biases)
    for _ in range(SWEEPS):
        for label in labels:
            for value in grid:
                trial = {**biases, label: value}
                f1 = macro_f1(held_out, trial)
                if f1 > best + 1e-12:
                    best, biases = f1, trial
    return biases


def outcomes(held_out: Sequence[Scored], biases: Mapping[str, float]) -> list[Outcome]:
    """What the held-out concerns give the threshold's calibration with these biases: the
    confidence of the best label (softmax of score plus bias) and whether it is right."""
    out = []
    for s in held_out:
        best = decide(s.scores, biases)
        if best is None:
            out.append(Outcome(0.0, False))
            continue
        biased = [s.scores[k] + biases.get(k, 0.0) for k in sorted(s.scores)]
        top = max(biased)
        out.append(Outcome(1.0 / sum(math.exp(v - top) for v in biased), best == s.label))
    return out


def with_biases(learned: Sequence[LearnedLabel], biases: Mapping[str, float]) -> list[LearnedLabel]:
    """The learned labels with these biases."""
    return [replace(lab, bias=round(biases.get(lab.label, 0.0), 3)) for lab in learned]
