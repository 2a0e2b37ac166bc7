"""Per-label biases calibrated on held-out concerns (nlp.biases), and learned inside each fold."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from config.tanks import load_tanks
from nlp.__main__ import main
from nlp.biases import Scored, calibrate_biases, decide, macro_f1, outcomes
from nlp.calibrate import Outcome
from nlp.crossval import cross_validate, learn_calibrated
from nlp.evaluate import stratified_folds
from nlp.learn import LearnOptions, learn
from nlp.tokenizer import Tokenizer
from tests.nlp.test_learn import SMALL

# b's concerns score a little higher for a: without a bias every concern goes to a.
LEANING = [Scored({"a": 2.0, "b": 1.5}, "b")] * 3 + [Scored({"a": 3.0, "b": 0.0}, "a")] * 3


def test_a_bias_fixes_a_label_chosen_too_often() -> None:
    assert macro_f1(LEANING, {}) < 0.5
    biases = calibrate_biases(LEANING)
    # a is tried first, the smallest change first: -0.5 only ties (a wins a tie), -0.75 does it.
    assert biases == {"a": -0.75, "b": 0.0}
    assert macro_f1(LEANING, biases) == 1.0


def test_no_bias_where_nothing_is_gained() -> None:
    right = [Scored({"a": 2.0, "b": 1.0}, "a"), Scored({"a": 0.0, "b": 1.0}, "b")]
    assert calibrate_biases(right) == {"a": 0.0, "b": 0.0}


def test_decisions_and_outcomes_with_biases() -> None:
    assert decide({"a": 0.0, "b": 0.0}, {"b": 1.0}) is None  # no keyword: triage
    assert decide({"a": 1.0, "b": 1.0}, {}) == "a"  # a tie goes to the first, as the classifier
    assert decide({"a": 1.0, "b": 0.5}, {"b": 1.0}) == "b"
    got = outcomes([LEANING[0], Scored({"a": 0.0, "b": 0.0}, "a")], {"a": -0.75})
    assert got[1] == Outcome(0.0, False)
    assert got[0].right and got[0].confidence == pytest.approx(1 / (1 + math.exp(-0.25)))


def test_cross_validation_calibrates_biases_inside_each_training_set(
    tokenizer: Tokenizer,
) -> None:
    docs = [tokenizer.cut(text) for text, _ in SMALL * 2]
    labels = [label for _, label in SMALL * 2]
    options = LearnOptions(max_keywords=5, bias_folds=2)
    learned = learn_calibrated(docs, labels, options, tokenizer)
    plain = learn(docs, labels, options, tokenizer)
    assert [(x.label, x.keywords) for x in learned] == [(x.label, x.keywords) for x in plain]
    inner = cross_validate(
        docs,
        labels,
        tokenizer,
        LearnOptions(max_keywords=5, bias_folds=0),
        stratified_folds(labels, 2),
    )
    expected = calibrate_biases(inner.held_out)
    assert {x.label: x.bias for x in learned} == pytest.approx(expected)
    assert len(inner.held_out) == len(docs)
    assert all(set(s.scores) == {"agriculture", "economy", "law"} for s in inner.held_out)


def test_learn_writes_calibrated_biases(tmp_path: Path) -> None:
    data = tmp_path / "leaning.csv"
    with data.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["label", "text"])
        writer.writerows((label, text) for text, label in SMALL * 3)
    out, plain = tmp_path / "learned.toml", tmp_path / "plain.toml"
    args = ["learn", "--data", str(data), "--max-keywords", "3"]
    assert main([*args, "--out", str(out), "--biases"]) == 0
    assert "biases calibrated on 5 held-out folds" in out.read_text(encoding="utf-8")
    assert main([*args, "--out", str(plain), "--threshold", "0"]) == 0
    assert all(t.bias == 0.0 for t in load_tanks(plain))
    assert "biases" not in plain.read_text(encoding="utf-8")
