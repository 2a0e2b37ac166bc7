"""The threshold of learned lists, calibrated on concerns held out from the learning.

Learned on all folds but one, the lists classify the held-out fold; each held-out concern gives
an outcome: the confidence of its best tank and whether that tank was right. A threshold routes
the concerns at or above it and sends the rest to triage. Its cost is WRONG_COST for each
concern routed to a wrong tank (members pass it on, the resident waits) and 1 for each sent
to triage (a coordinator routes it by hand); the threshold of least cost is kept, in the middle
of the gap between the confidences it separates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# A concern sent to the wrong tank costs as much as this many sent to triage.
WRONG_COST = 3.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """A held-out concern: the confidence of its best tank, and whether that tank is right."""

    confidence: float
    right: bool


@dataclass(frozen=True, slots=True)
class Calibration:
    """The threshold chosen and what it does to the held-out concerns."""

    threshold: float
    routed: int
    right: int
    total: int
    wrong_cost: float

    def describe(self) -> str:
        """One line: the threshold and what it did on the held-out concerns."""
        routed = self.routed / self.total if self.total else 0.0
        right = self.right / self.routed if self.routed else 0.0
        return (
            f"threshold {self.threshold:.3f}: {routed:.1%} of {self.total} held-out concerns "
            f"routed, {right:.1%} of those to the right tank (a wrong tank costs "
            f"{self.wrong_cost:g} triages)"
        )


def calibrate_threshold(outcomes: Sequence[Outcome], wrong_cost: float = WRONG_COST) -> Calibration:
    """The threshold of least cost on held-out outcomes (0 when routing all costs least)."""
    ordered = sorted(outcomes, key=lambda o: -o.confidence)
    n = len(ordered)
    best = (float(n) * wrong_cost + 1.0, 0, 0)  # worse than any real choice: cost, routed, right
    right = wrong = 0
    for routed in range(n + 1):
        if routed:
            right, wrong = (
                right + ordered[routed - 1].right,
                wrong + (not ordered[routed - 1].right),
            )
        if 0 < routed < n and ordered[routed - 1].confidence == ordered[routed].confidence:
            continue  # no threshold routes these and not their equal
        cost = wrong * wrong_cost + (n - routed)
        if cost <= best[0]:  # a tie goes to routing more
            best = (cost, routed, right)
    _, routed, right = best
    if routed == n:
        threshold = 0.0
    elif routed == 0:
        threshold = 1.0
    else:
        threshold = (ordered[routed - 1].confidence + ordered[routed].confidence) / 2
    return Calibration(round(threshold, 4), routed, right, n, wrong_cost)
