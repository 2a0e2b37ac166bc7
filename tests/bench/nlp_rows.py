"""The classifier's figures, from the nlp bench (python -m tests.bench.classifier --json).

It runs as a subprocess so that its imports, worker processes and timings stay its own.
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
    report.settings["classifier"] = raw
    try:
        rows(report, raw)
    except (KeyError, TypeError) as e:
        report.note(f"classification: unexpected JSON from the nlp bench ({e!r})")


def rows(report: Report, raw: dict[str, Any]) -> None:
    """The classifier's rows from the nlp bench's JSON."""
    f1 = float(raw["keywords"]["macro_f1"])
    baselines = {
        name: float(raw[key]["macro_f1"])
        for name, key in (
            ("default", "sklearn_tfidf_lr_default"),
            ("tuned", "sklearn_tfidf_lr_tuned"),
        )
        if isinstance(raw.get(key), dict)
    }
    best = max(baselines.values()) if baselines else None
    met, margin = (None, "") if best is None else above(f1, best)
    versus = " · ".join(f"{name} {value:.3f}" for name, value in baselines.items()) or "-"
    report.add(
        Row(
            "classifier",
            f"classifier macro-F1, {raw['folds']}-fold CV on {raw['messages']} messages",
            f"{f1:.3f}",
            f">= scikit-learn TF-IDF+LR ({versus})",
            met,
            margin,
            {"macro_f1": f1, "baselines": baselines},
        )
    )
    speed = raw["throughput_jieba"]
    ratio = float(speed["ratio"])
    met, margin = above(ratio, THROUGHPUT_TARGET)
    report.add(
        Row(
            "classifier",
            "classifier throughput (tokenising included) vs jieba.lcut alone",
            f"{ratio:.0%} ({speed['classify_messages_per_second']:,.0f} vs "
            f"{speed['segmenter_messages_per_second']:,.0f} messages/s)",
            ">= 90%",
            met,
            margin,
            dict(speed),
        )
    )
