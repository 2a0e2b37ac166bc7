"""The classifier's figures, from the nlp bench (python -m tests.bench.classifier --json).

It runs as a subprocess so that its imports and timings stay its own; its JSON is read by key
names (macro-F1, baseline, throughput, jieba), so the rows survive small changes of its shape.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.bench.report import Report, Row, above

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600
THROUGHPUT_TARGET = 0.90


def flatten(data: Any, prefix: str = "") -> dict[str, float]:
    """Every number in a JSON value, keyed by its dotted, lower-cased path."""
    out: dict[str, float] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out |= flatten(value, f"{prefix}{str(key).lower()}.")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out |= flatten(value, f"{prefix}{i}.")
    elif isinstance(data, int | float) and not isinstance(data, bool):
        out[prefix.rstrip(".")] = float(data)
    return out


def pick(numbers: dict[str, float], *words: str, without: tuple[str, ...] = ()) -> float | None:
    """The number whose path has every word and none of `without` (the shortest path wins)."""
    found = [
        (len(path), value)
        for path, value in numbers.items()
        if all(w in path for w in words)
        and not any(w in path for w in without)
        and "fold" not in path
    ]
    return min(found)[1] if found else None


def run_bench(data: Path) -> dict[str, Any]:
    """The nlp bench's JSON."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.classifier", "--data", str(data), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    lines = [line for line in done.stdout.splitlines() if line.strip().startswith("{")]
    parsed: dict[str, Any] = json.loads(lines[-1] if lines else done.stdout)
    return parsed


def add(report: Report, data: Path) -> None:
    """Run the nlp bench and add its rows (or a note saying why there are none)."""
    try:
        raw = run_bench(data)
    except (subprocess.SubprocessError, ValueError, OSError) as e:
        detail = getattr(e, "stderr", "") or ""
        report.note(f"classification: the nlp bench failed: {e!r} {str(detail)[-300:]}")
        return
    numbers = flatten(raw)
    f1 = pick(numbers, "macro", without=("baseline", "sklearn"))
    baseline = pick(numbers, "baseline", "f1") or pick(numbers, "sklearn", "f1")
    if f1 is not None:
        met, margin = (None, "") if baseline is None else above(f1, baseline)
        versus = f"{baseline:.3f}" if baseline is not None else "-"
        report.add(
            Row(
                "classifier",
                "classifier macro-F1 (cross-validated) vs the scikit-learn baseline",
                f"{f1:.3f}",
                f">= baseline {versus}",
                met,
                margin,
                {"macro_f1": f1, "baseline": baseline},
            )
        )
    ratio = pick(numbers, "ratio") or pick(numbers, "relative")
    ours = pick(numbers, "per_s", without=("jieba", "lcut", "baseline")) or pick(
        numbers, "throughput", without=("jieba", "lcut", "baseline")
    )
    jieba = pick(numbers, "jieba") or pick(numbers, "lcut")
    if ratio is None and ours and jieba:
        ratio = ours / jieba
    if ratio is not None:
        ratio = ratio / 100 if ratio > 5 else ratio
        met, margin = above(ratio, THROUGHPUT_TARGET)
        speeds = f" ({ours:,.0f}/s vs {jieba:,.0f}/s)" if ours and jieba else ""
        report.add(
            Row(
                "classifier",
                "classifier throughput vs jieba.lcut alone",
                f"{ratio:.0%}{speeds}",
                ">= 90%",
                met,
                margin,
                {"ratio": ratio, "classifier": ours, "jieba": jieba},
            )
        )
    report.settings["classifier"] = raw
    if f1 is None and ratio is None:
        report.note(f"classification: could not read the nlp bench's JSON: {json.dumps(raw)[:300]}")
