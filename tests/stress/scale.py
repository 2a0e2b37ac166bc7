"""How big each part of the stress run is: the full run, and --quick."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """Sizes and durations of one stress run."""

    residents: int = 200
    spread: float = 40.0  # seconds over which the residents arrive
    kills: int = 3
    burst: int = 50  # updates fetched in one batch when the bot is killed on purpose
    patience: float = 20.0  # how long a person waits for an answer before sending again
    within: float = 300.0  # how long the crash load may take in all
    fault_seconds: float = 60.0
    fault_rate: float = 0.2
    fault_residents_per_second: float = 3.0
    abuse_seconds: float = 20.0  # the normal residents' measuring window, idle and under abuse
    normal_residents: int = 10
    flood: int = 100
    flood_seconds: float = 5.0
    privacy_residents: int = 12
    judge_timing: bool = True  # --quick measures too few answers for a percentile to mean much

    @classmethod
    def quick(cls) -> Scale:
        """A run of a minute or so: every part, small."""
        return cls(
            residents=16,
            spread=4.0,
            kills=1,
            burst=10,
            patience=10.0,
            within=90.0,
            fault_seconds=8.0,
            fault_residents_per_second=1.5,
            abuse_seconds=4.0,
            normal_residents=3,
            flood=40,
            flood_seconds=2.0,
            privacy_residents=4,
            judge_timing=False,
        )
