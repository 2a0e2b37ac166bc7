"""The threshold of learned lists: calibrated on held-out folds, written, and overridable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from config.tanks import load_tanks
from nlp.__main__ import main
from nlp.calibrate import Outcome, calibrate_threshold
from tests.nlp.conftest import DATA


def test_the_threshold_balances_wrong_tanks_against_triage() -> None:
    outcomes = [
        Outcome(0.9, True),
        Outcome(0.8, True),
        Outcome(0.55, False),
        Outcome(0.5, False),
        Outcome(0.45, True),
    ]
    # A wrong tank costs 3, triage 1: routing the top two only costs 3 (three to triage);
    # any threshold in (0.55, 0.8] does that, and the middle of the gap is kept.
    choice = calibrate_threshold(outcomes, wrong_cost=3.0)
    assert choice.threshold == pytest.approx(0.675)
    assert (choice.routed, choice.right) == (2, 2)
    # When a wrong tank costs no more than triage, everything is routed.
    assert calibrate_threshold(outcomes, wrong_cost=1.0).threshold == 0.0
    assert calibrate_threshold([], wrong_cost=3.0).threshold == 0.0


def _three_fields(tmp_path: Path) -> Path:
    """The district's tuning concerns of the three tanks (triage is no label to learn)."""
    rows = [
        line
        for line in (DATA / "district_tuning.csv").read_text(encoding="utf-8").splitlines()[1:]
        if not line.endswith(",triage")
    ]
    path = tmp_path / "three.csv"
    path.write_text("text,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_learn_writes_a_calibrated_threshold_unless_given_one(tmp_path: Path) -> None:
    data, out = _three_fields(tmp_path), tmp_path / "learned.toml"
    assert main(["learn", "--data", str(data), "--out", str(out), "--workers", "1"]) == 0
    thresholds = {t.threshold for t in load_tanks(out)}
    assert len(thresholds) == 1 and 0.0 < thresholds.pop() < 1.0
    assert "calibrated on 5 held-out folds" in out.read_text(encoding="utf-8")
    given = tmp_path / "given.toml"
    assert main(["learn", "--data", str(data), "--out", str(given), "--threshold", "0.4"]) == 0
    assert {t.threshold for t in load_tanks(given)} == {0.4}


def test_evaluate_takes_a_threshold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = DATA / "district_tuning.csv"
    base = ["evaluate", "--data", str(data), "--keywords", "config/think_tanks.toml", "--json"]
    shares = []
    for threshold in ("0", "0.99"):
        assert main([*base, "--threshold", threshold]) == 0
        shares.append(json.loads(capsys.readouterr().out)["triage_share"])
    assert shares[0] < shares[1]
    assert main([*base, "--threshold", "1.5"]) == 2
    assert "--threshold" in capsys.readouterr().err
