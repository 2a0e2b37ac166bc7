"""The stress suite's one result: a Markdown table, one row per thing tried."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Row:
    """What was tried, how many times, what was lost (the target is nothing), and whether the
    row met its target."""

    tried: str
    times: str
    lost: str
    ok: bool
    note: str = ""


def cell(text: str) -> str:
    """Text made safe for one Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| What was tried | Times | What was lost | Target met | Notes |",
        "|---|---:|---|:---:|---|",
    ]
    for row in rows:
        mark = "✅" if row.ok else "❌"
        cells = (row.tried, row.times, row.lost, mark, row.note)
        lines.append("| " + " | ".join(cell(str(c)) for c in cells) + " |")
    return "\n".join(lines)
