"""The classifier's figures, from the nlp bench (python -m tests.bench.classifier --json) and
the district's lists on its labelled concerns (python -m tests.bench.district --json).

Each runs as a subprocess so that its imports, worker processes and timings stay its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.bench.report import Report, Row, above, below

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600
THROUGHPUT_TARGET = 0.95
MACRO_F1_TARGET = 0.90
# The district's lists on concerns written by people who never saw them.
ACCURACY_TARGET = 0.92
RECALL_TARGET = 0.85
WRONG_TANK_TARGET = 0.03
OTHER_TO_TANK_TARGET = 0.05


def run_bench(
    data: Path | None, module: str = "tests.bench.classifier", extra: Sequence[str] = ()
) -> dict[str, Any]:
    """A bench module's JSON."""
    done = subprocess.run(
        [sys.executable, "-m", module, *(["--data", str(data)] if data else []), *extra, "--json"],
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
    """Run the nlp bench for nlp learn's default lists and for its nbsvm ones, and add their
    rows (or a note saying why there are none)."""
    for method in ("lists", "nbsvm"):
        try:
            raw = run_bench(data, extra=("--method", method))
        except (subprocess.SubprocessError, ValueError, OSError) as e:
            detail = getattr(e, "stderr", "") or ""
            report.note(
                f"classification ({method}): the nlp bench failed: {e!r} {str(detail)[-300:]}"
            )
            continue
        report.settings["classifier" if method == "lists" else f"classifier_{method}"] = raw
        try:
            rows(report, raw)
        except (KeyError, TypeError) as e:
            report.note(f"classification ({method}): unexpected JSON from the nlp bench ({e!r})")


def add_district(report: Report) -> None:
    """Run the district bench and add its rows (or a note saying why there are none)."""
    try:
        raw = run_bench(None, "tests.bench.district")
    except (subprocess.SubprocessError, ValueError, OSError) as e:
        detail = getattr(e, "stderr", "") or ""
        report.note(f"district lists: the bench failed: {e!r} {str(detail)[-300:]}")
        return
    report.settings["district"] = raw
    try:
        district_rows(report, raw)
    except (KeyError, TypeError) as e:
        report.note(f"district lists: unexpected JSON from the bench ({e!r})")


def district_rows(report: Report, raw: dict[str, Any]) -> None:
    """The district's lists: each set's accuracy, and the blind sets against the targets."""
    sets = raw["sets"]
    report.add(
        Row(
            "classifier",
            "district lists, accuracy per set (tuning · tuned on later · blind)",
            " · ".join(
                f"{name.removeprefix('district_').removesuffix('.csv')} {f['accuracy']:.1%}"
                for name, f in sets.items()
            ),
            "-",
            values={name: f["accuracy"] for name, f in sets.items()},
        )
    )
    blind = raw["blind"]
    if not blind:
        report.note("district lists: no blind set in tests/data")
        return
    names = ", ".join(n for n, f in sets.items() if f["kind"] == "blind")
    where = f"blind sets ({names}; {blind['messages']} concerns)"
    met, margin = above(blind["accuracy"], ACCURACY_TARGET)
    report.add(
        Row(
            "classifier",
            f"district lists, accuracy on the {where}",
            f"{blind['accuracy']:.1%}",
            f">= {ACCURACY_TARGET:.0%}",
            met,
            margin,
            {"accuracy": blind["accuracy"]},
        )
    )
    worst = min(blind["recall"].values())
    met, margin = above(worst, RECALL_TARGET)
    report.add(
        Row(
            "classifier",
            "district lists, each tank's recall on the blind sets",
            " · ".join(f"{k} {v:.0%}" for k, v in blind["recall"].items()),
            f">= {RECALL_TARGET:.0%} each",
            met,
            margin,
            dict(blind["recall"]),
        )
    )
    for key, what, target in (
        ("wrong_tank_share", "a tank's concern sent to another tank", WRONG_TANK_TARGET),
        ("other_to_tank_share", "another field's concern sent to a tank", OTHER_TO_TANK_TARGET),
    ):
        met, margin = below(blind[key], target)
        report.add(
            Row(
                "classifier",
                f"district lists, {what} (blind sets)",
                f"{blind[key]:.1%}",
                f"<= {target:.0%}",
                met,
                margin,
                {key: blind[key]},
            )
        )


def rows(report: Report, raw: dict[str, Any]) -> None:
    """The classifier's rows from the nlp bench's JSON (nlp learn's default lists, or those of
    the method the JSON names: the district's throughput row only with the default)."""
    method = str(raw.get("method", "lists"))
    learned = "learned lists" if method == "lists" else f"learned lists, --method {method}"
    f1 = float(raw["keywords"]["macro_f1"])
    baselines = {
        name: float(raw[key]["macro_f1"])
        for name, key in (
            ("default", "sklearn_tfidf_lr_default"),
            ("tuned", "sklearn_tfidf_lr_tuned"),
        )
        if isinstance(raw.get(key), dict)
    }
    best = max([MACRO_F1_TARGET, *baselines.values()])
    met, margin = above(f1, best)
    versus = " · ".join(f"{name} {value:.3f}" for name, value in baselines.items()) or "-"
    report.add(
        Row(
            "classifier",
            f"classifier macro-F1, {raw['folds']}-fold CV on {raw['messages']} messages "
            f"({learned}, every message routed)",
            f"{f1:.3f}",
            f">= {MACRO_F1_TARGET} and >= scikit-learn TF-IDF+LR ({versus})",
            met,
            margin,
            {"macro_f1": f1, "baselines": baselines},
        )
    )
    calibrated = raw["calibrated"]
    report.add(
        Row(
            "classifier",
            f"{learned} at the threshold nlp learn writes (calibrated on the folds' "
            "held-out messages; a wrong tank costs 3 triages)",
            f"threshold {calibrated['threshold']:.3f}: {calibrated['routed_share']:.1%} routed, "
            f"{calibrated['right_share_of_routed']:.1%} of those right",
            "-",
            values=dict(calibrated),
        )
    )
    for key, lists in (
        ("throughput_jieba", learned),
        *(
            (
                ("throughput_district_lists", "the district's lists"),
                (
                    "throughput_district_on_its_concerns",
                    "the district's lists on its own labelled concerns (tests/data, short)",
                ),
            )
            if method == "lists"
            else ()
        ),
    ):
        speed = raw.get(key)
        if not isinstance(speed, dict):
            continue
        ratio = float(speed["ratio"])
        met, margin = above(ratio, THROUGHPUT_TARGET)
        report.add(
            Row(
                "classifier",
                f"classifier throughput (tokenising included) vs jieba.lcut alone, {lists}",
                f"{ratio:.0%} ({speed['classify_messages_per_second']:,.0f} vs "
                f"{speed['segmenter_messages_per_second']:,.0f} messages/s; "
                f"{float(speed.get('ratio_to_own_cut', 0)):.0%} of its own cut, same words)",
                f">= {THROUGHPUT_TARGET:.0%}",
                met,
                margin,
                dict(speed),
            )
        )
