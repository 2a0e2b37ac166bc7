"""The benchmark's results: rows of (what, figure, target, met?), printed as one Markdown table."""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Row:
    """One measured figure beside its target; met is None when there is no target to meet."""

    section: str
    what: str
    figure: str
    target: str = "-"
    met: bool | None = None
    margin: str = ""
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        """yes / no / -, with how far from the target."""
        word = "-" if self.met is None else ("yes" if self.met else "**no**")
        return f"{word} ({self.margin})" if self.margin and self.met is not None else word


@dataclass
class Report:
    """Everything one run measured, with the notes that explain it."""

    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)

    def add(self, row: Row) -> Row:
        """Append a row; returns it."""
        self.rows.append(row)
        return row

    def note(self, text: str) -> None:
        """Add a note printed under the table."""
        self.notes.append(text)

    def markdown(self) -> str:
        """The table and its notes, ready to paste into the README."""
        lines = ["| what | figure | target | met? |", "| --- | --- | --- | --- |"]
        for row in self.rows:
            cells = (row.what, row.figure, row.target, row.verdict)
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        if self.notes:
            lines.append("")
            lines.extend(f"- {note}" for note in self.notes)
        return "\n".join(lines)

    def write_json(self, path: Path) -> None:
        """Write every figure, with its raw values, as JSON."""
        data = {
            "settings": self.settings,
            "rows": [asdict(row) for row in self.rows],
            "notes": self.notes,
        }
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def below(value: float, limit: float) -> tuple[bool, str]:
    """Whether value is under limit, and by how much it is under or over, as a share."""
    if limit <= 0:
        return value <= limit, ""
    share = value / limit
    if share <= 1:
        return True, f"{1 - share:.0%} under"
    return False, f"{share:.1f}x the target"


def above(value: float, floor: float) -> tuple[bool, str]:
    """Whether value reaches floor, and by how much it is over or short."""
    if floor <= 0:
        return value >= floor, ""
    share = value / floor
    if share >= 1:
        return True, f"{share - 1:.0%} over"
    return False, f"{1 - share:.0%} short"


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) by linear interpolation; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    """The median; nan for no values."""
    return statistics.median(values) if values else float("nan")


def ms(seconds: float) -> str:
    """Seconds as milliseconds for the table."""
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds * 1000:.0f} ms"
