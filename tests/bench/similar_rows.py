"""The similarity figures, from python -m tests.bench.similar --json, as rows of the report.

It runs as a subprocess so that its index (some hundred MB at 100,000 cases) and timings stay
its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.bench.report import Report, Row, above, below

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 900
LATENCY_MS = 20.0
PRECISION = 0.9
RECALL = 0.7


def add(report: Report, data: Path, cases: int = 100_000) -> None:
    """Run the similarity bench and add its rows (or a note saying why there are none)."""
    try:
        done = subprocess.run(
            [
                *(sys.executable, "-m", "tests.bench.similar", "--json"),
                *("--cases", str(cases), "--data", str(data)),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=True,
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        raw: dict[str, Any] = json.loads(lines[-1])
    except (subprocess.SubprocessError, ValueError, OSError, IndexError) as e:
        detail = getattr(e, "stderr", "") or ""
        report.note(f"similar: the bench failed: {e!r} {str(detail)[-300:]}")
        return
    report.settings["similar"] = raw
    try:
        rows(report, raw)
    except (KeyError, TypeError) as e:
        report.note(f"similar: unexpected JSON from the bench ({e!r})")


def rows(report: Report, raw: dict[str, Any]) -> None:
    """The rows from the bench's JSON."""
    speed = raw["speed"]
    n = f"{speed['cases']:,}"
    met, margin = below(speed["port_p99_ms"], LATENCY_MS)
    report.add(
        Row(
            "similar",
            f"suggestion at intake at {n} open cases, through core's port with the words that"
            f" explain it, p50 / p99 ({speed['queries']} lookups)",
            f"{speed['port_p50_ms']:.1f} / {speed['port_p99_ms']:.1f} ms (CPU p99"
            f" {speed['port_cpu_p99_ms']:.1f} ms)",
            f"< {LATENCY_MS:.0f} ms",
            met,
            margin,
            {k: speed[k] for k in ("port_p50_ms", "port_p99_ms")},
        )
    )
    report.add(
        Row(
            "similar",
            f"the index's own lookup at {n} open cases, p50 / p99",
            f"{speed['p50_ms']:.1f} / {speed['p99_ms']:.1f} ms",
            values={k: speed[k] for k in ("p50_ms", "p99_ms")},
        )
    )
    report.add(
        Row(
            "similar",
            f"index of {n} open cases: build from texts · from term rows · memory",
            f"{speed['build_seconds']:.1f} s · {speed['rebuild_from_rows_seconds']:.1f} s · "
            f"{speed['memory_mb']:.0f} MB",
            values=dict(speed),
        )
    )
    threshold = raw["threshold"]
    for name in ("tuning", "holdout"):
        q = raw["quality"][name]
        met = q["precision"] >= PRECISION and q["recall"] >= RECALL
        _, margin = above(min(q["precision"] / PRECISION, q["recall"] / RECALL), 1.0)
        report.add(
            Row(
                "similar",
                f"same problem at cosine >= {threshold}, {name} pairs "
                f"({q['pairs']}, {q['positives']} same)",
                f"P {q['precision']:.1%} · R {q['recall']:.1%}",
                f"P >= {PRECISION:.0%} at R >= {RECALL:.0%}",
                met,
                margin,
                {k: q[k] for k in ("precision", "recall")},
            )
        )
        report.add(
            Row(
                "similar",
                f"hot-topic clusters, {name} groups ({q['concerns']} concerns, {q['groups']} "
                f"groups, {q['clusters']} clusters): purity · inverse purity · F",
                f"{q['purity']:.1%} · {q['inverse_purity']:.1%} · {q['f_measure']:.3f}",
                values={k: q[k] for k in ("purity", "inverse_purity", "f_measure")},
            )
        )
    c = raw["citizen"]
    if "skipped" in c:
        report.note(f"similar, citizen messages: skipped, {c['skipped']}")
    else:
        report.add(
            Row(
                "similar",
                f"real citizen messages ({c['messages']}): the {c['k']} most similar pairs "
                "that are reviewed duplicates · reviewed duplicate pairs found at the threshold",
                f"{c['top_k_same']}/{c['k']} ({c['top_k_unreviewed']} unreviewed) · "
                f"{c['found_at_threshold']}/{c['reviewed_same_pairs']}",
                values=dict(c),
            )
        )
    report.note(
        "similar: importing the engine costs "
        f"{raw['imports']['similar_cumulative_us'] / 1000:.1f} ms and no new runtime package"
    )
