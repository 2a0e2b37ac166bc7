"""Evaluation figures against a confusion matrix computed by hand."""

from __future__ import annotations

import pytest

from nlp.evaluate import format_report, score, stratified_folds


def test_figures_match_the_hand_computed_confusion_matrix() -> None:
    truth = ["a", "a", "a", "a", "b", "b", "b", "c", "c", "c"]
    guess = ["a", "a", "b", None, "b", "b", "a", "c", None, "c"]
    # true\pred  a  b  c  triage
    #   a        2  1  0  1
    #   b        1  2  0  0
    #   c        0  0  2  1
    report = score(truth, guess, speed=123.0)
    assert report.confusion == {
        "a": {"a": 2, "b": 1, "c": 0, "triage": 1},
        "b": {"a": 1, "b": 2, "c": 0, "triage": 0},
        "c": {"a": 0, "b": 0, "c": 2, "triage": 1},
    }
    a, b, c = report.per_label["a"], report.per_label["b"], report.per_label["c"]
    assert (a.precision, a.recall, a.support) == (2 / 3, 2 / 4, 4)
    assert (b.precision, b.recall) == (2 / 3, 2 / 3)
    assert (c.precision, c.recall) == (1.0, 2 / 3)  # triage lowers recall, not precision
    assert a.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert c.f1 == pytest.approx(0.8)
    assert report.macro_f1 == pytest.approx((a.f1 + b.f1 + c.f1) / 3)
    assert report.accuracy == pytest.approx(6 / 10)
    assert report.triage_share == pytest.approx(2 / 10)
    data = report.as_dict()
    assert set(data) >= {
        "macro_f1",
        "accuracy",
        "per_label",
        "confusion",
        "triage_share",
        "messages_per_second",
    }
    assert data["messages_per_second"] == 123.0
    assert "macro-F1 0." in format_report(report)


def test_triage_as_a_label_is_scored_like_any_other() -> None:
    report = score(["law", "triage", "triage"], ["law", None, "law"])
    assert report.per_label["triage"].recall == 0.5
    assert report.per_label["triage"].precision == 1.0
    assert report.per_label["law"].precision == 0.5


def test_folds_are_stratified_disjoint_and_fixed() -> None:
    labels = ["x"] * 10 + ["y"] * 5
    folds = stratified_folds(labels, k=5, seed=1)
    assert sorted(i for f in folds for i in f) == list(range(15))
    assert all(sum(labels[i] == "y" for i in f) == 1 for f in folds)
    assert folds == stratified_folds(labels, k=5, seed=1)


def test_wrong_tank_and_other_field_to_a_tank_are_told_apart() -> None:
    truth = ["a", "a", "b", "b", "triage", "triage", "triage", "triage"]
    guess = ["a", "b", None, "b", "a", None, None, None]
    report = score(truth, guess)
    assert report.wrong_tank_share == pytest.approx(1 / 4)  # a -> b; b -> triage is no tank
    assert report.other_to_tank_share == pytest.approx(1 / 4)  # one triage concern -> a
    assert "wrong tank 25.0%" in format_report(report)
    assert "another field's sent to a tank 25.0%" in format_report(report)
