"""Learning keywords: exact weights in a case solved by hand, and the TOML round trip."""

from __future__ import annotations

import csv
import math
import tomllib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from config.tanks import load_tanks
from nlp.__main__ import main
from nlp.classifier import KeywordClassifier
from nlp.learn import LearnOptions, as_matched, class_weights, learn, to_tanks
from nlp.optimize import Problem, fit
from nlp.svm import Sparse, fit_svm
from nlp.tankfile import quote
from nlp.tokenizer import Tokenizer

# Small labelled concerns written for these tests: each label has words of its own.
SMALL = [
    ("老板拖欠工资三个月，想找律师起诉", "law"),
    ("包工头拖欠工资不给，能起诉吗", "law"),
    ("离婚以后孩子的抚养费不给，找律师", "law"),
    ("工地拖欠工资，律师说可以仲裁", "law"),
    ("小店想贷款周转，银行不给贷款", "economy"),
    ("个体户办营业执照要多久，贷款难", "economy"),
    ("银行贷款利息太高，小店撑不住", "economy"),
    ("想开个小店，营业执照咋办", "economy"),
    ("麦子打药以后发黄，化肥也贵", "agriculture"),
    ("种的麦子卖不上价，化肥涨价", "agriculture"),
    ("大棚里的麦苗不长，化肥不管用", "agriculture"),
    ("今年麦子收成差，打药没用", "agriculture"),
]


def solve(equation: float) -> float:
    """The root of w = equation * sigmoid(-w), by bisection."""
    low, high = 0.0, equation
    for _ in range(200):
        mid = (low + high) / 2
        if mid - equation / (1 + math.exp(mid)) > 0:
            high = mid
        else:
            low = mid
    return (low + high) / 2


def test_weights_of_a_case_solved_by_hand() -> None:
    # Two labels, two messages each, one word each. By symmetry both labels get one weight w
    # on their own word and none on the other's (non-negative weights), biases 0; each
    # message's feature value is 1 (scaled to length 1). The objective
    #   C * 4 * ln(1 + e^-w) + w^2  is least where  w = 2C * sigmoid(-w).
    # The stored weight is w * idf, idf = ln((1 + 4) / (1 + 2)) + 1.
    docs = [["苹果"], ["苹果"], ["香蕉"], ["香蕉"]]
    options = LearnOptions(c=1.0, calibrate=False, max_iter=300)
    learned = learn(docs, ["a", "a", "b", "b"], options)
    w = solve(2 * 1.0)
    expected = round(w * (math.log(5 / 3) + 1), 3)
    assert expected == 1.02
    assert [(x.label, x.bias, x.keywords) for x in learned] == [
        ("a", 0.0, {"苹果": expected}),
        ("b", 0.0, {"香蕉": expected}),
    ]


def test_optimizer_meets_the_optimality_condition() -> None:
    problem = Problem(
        rows=[([0], [1.0]), ([0], [1.0]), ([1], [1.0]), ([1], [1.0])],
        classes=[0, 0, 1, 1],
        sample_weights=[1.0] * 4,
        n_features=2,
        allowed=[[0], [1]],
    )
    result = fit(problem, c=3.0)
    assert result.weights[0][0] == pytest.approx(solve(6.0), abs=1e-6)
    assert result.weights[0][1] == 0.0
    assert result.biases[0] == pytest.approx(result.biases[1], abs=1e-9)


def test_learning_finds_each_labels_own_words(tokenizer: Tokenizer) -> None:
    docs = [tokenizer.cut(text) for text, _ in SMALL]
    learned = learn(docs, [label for _, label in SMALL], LearnOptions(max_keywords=3))
    top = {x.label: list(x.keywords) for x in learned}
    assert [x.label for x in learned] == ["agriculture", "economy", "law"]
    assert all(len(words) <= 3 for words in top.values())
    assert {"化肥", "麦子"} <= set(top["agriculture"])
    assert {"贷款", "营业执照"} & set(top["economy"])
    assert {"拖欠", "律师", "起诉"} & set(top["law"])
    again = learn(docs, [label for _, label in SMALL], LearnOptions(max_keywords=3))
    assert again == learned  # deterministic


def write_csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "label", "text"])
        writer.writerows((i, label, text) for i, (text, label) in enumerate(rows))
    return path


def test_toml_round_trip(tmp_path: Path, tokenizer: Tokenizer) -> None:
    data = write_csv(tmp_path / "small.csv", SMALL)
    out = tmp_path / "learned.toml"
    assert main(["learn", "--data", str(data), "--out", str(out), "--max-keywords", "5"]) == 0
    tanks = load_tanks(out)
    assert [t.code for t in tanks] == ["agriculture", "economy", "law"]
    assert all(0 < len(t.keywords) <= 5 and t.threshold == 0.0 for t in tanks)
    result = KeywordClassifier(tanks, tokenizer).classify("我的麦子打药以后不长了")
    assert result.tank == "agriculture"
    assert result.hits[0].keyword == "麦子"  # the strongest contribution first
    assert [h.weight for h in result.hits] == sorted((h.weight for h in result.hits), reverse=True)
    assert out.read_text(encoding="utf-8") == _learn_again(data, tmp_path)


def _learn_again(data: Path, tmp_path: Path) -> str:
    again = tmp_path / "again.toml"
    main(["learn", "--data", str(data), "--out", str(again), "--max-keywords", "5"])
    return again.read_text(encoding="utf-8")


@pytest.mark.parametrize("text", ['a"b', "back\\slash", "tab\there", "nl\nx", "\x00\x7f", "中文"])
def test_quote_survives_tomllib(text: str) -> None:
    assert tomllib.loads(f"k = {quote(text)}")["k"] == text


def test_refits_count_words_as_the_classifier_finds_them(tokenizer: Tokenizer) -> None:
    docs = [["担保人", "跑", "了"], ["代款", "利息"]]
    counts = as_matched(docs, ["担保", "担保人", "贷款", "利息"], tokenizer)
    assert counts == [Counter({"担保人": 1}), Counter({"贷款": 1, "利息": 1})]


def test_class_balance_weighs_a_small_labels_messages() -> None:
    classes = [0, 0, 0, 1]  # n = 4, two labels
    assert class_weights(classes, 0.0) == [1.0, 1.0, 1.0, 1.0]
    assert class_weights(classes, 1.0) == pytest.approx([2 / 3, 2 / 3, 2 / 3, 2.0])
    half = class_weights(classes, 0.5)
    assert half == pytest.approx([math.sqrt(2 / 3)] * 3 + [math.sqrt(2.0)])
    assert LearnOptions().class_balance == 0.5  # each label's total between its size and equal


def test_svm_weight_of_a_case_solved_by_hand() -> None:
    # One feature: +1 in the positive row, -1 in the negative one, each weighing 1. By symmetry
    # the bias is 0 and both margins are 1 - w, so 1/2 w^2 + 2C (1 - w)^2 is least where
    # w = 4C / (1 + 4C): 2/3 for C = 0.5.
    x = Sparse.from_rows([([0], [1.0]), ([0], [-1.0])], 1)
    w, b = fit_svm(x, np.array([True, False]), np.ones(2), 0.5)
    assert w[0] == pytest.approx(2 / 3, abs=1e-6)
    assert b == pytest.approx(0.0, abs=1e-6)


def test_svm_meets_the_optimality_condition() -> None:
    # At the minimum, w = 2C * sum_i s_i * max(0, 1 - y_i f_i) * y_i * x_i, and b likewise
    # with x_i = 1 (liblinear's bias feature).
    rows = [([0, 1], [1.0, 0.5]), ([1], [2.0]), ([0, 2], [0.3, 1.0]), ([2], [1.5])]
    x = Sparse.from_rows(rows, 3)
    positive = np.array([True, True, False, False])
    weights = np.array([1.0, 2.0, 1.0, 0.5])
    w, b = fit_svm(x, positive, weights, 0.7)
    y = np.where(positive, 1.0, -1.0)
    slack = np.maximum(0.0, 1.0 - y * (x.dot(w) + b))
    coef = 2 * 0.7 * weights * slack * y
    assert w == pytest.approx(x.tdot(coef), abs=1e-5)
    assert b == pytest.approx(coef.sum(), abs=1e-5)


def test_nbsvm_lists_explain_by_non_negative_words(tokenizer: Tokenizer) -> None:
    docs = [tokenizer.cut(text) for text, _ in SMALL]
    labels = [label for _, label in SMALL]
    learned = learn(docs, labels, LearnOptions(method="nbsvm", min_df=1), tokenizer)
    assert [x.label for x in learned] == ["agriculture", "economy", "law"]
    assert all(w > 0 for x in learned for w in x.keywords.values())
    assert min(x.bias for x in learned) == 0.0  # the smallest bias taken off all of them
    top = {x.label: list(x.keywords)[:4] for x in learned}
    assert {"化肥", "麦子"} & set(top["agriculture"])
    assert {"贷款", "营业执照", "小店"} & set(top["economy"])
    assert {"拖欠", "律师", "起诉"} & set(top["law"])
    classifier = KeywordClassifier(to_tanks(learned), tokenizer)
    assert [classifier.classify_tokens(d).tank for d in docs] == labels
    result = classifier.classify("我的麦子打药以后不长了")
    assert result.tank == "agriculture"
    assert "麦子" in [h.keyword for h in result.hits]
    assert learn(docs, labels, LearnOptions(method="nbsvm", min_df=1), tokenizer) == learned


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="lists, nbsvm"):
        learn([["a"], ["b"]], ["x", "y"], LearnOptions(method="forest"))


def test_nbsvm_keeps_each_labels_strongest_words(tmp_path: Path, tokenizer: Tokenizer) -> None:
    data = write_csv(tmp_path / "small.csv", SMALL)
    out = tmp_path / "learned.toml"
    args = ["learn", "--data", str(data), "--out", str(out), "--method", "nbsvm", "--min-df", "1"]
    assert main([*args, "--max-keywords", "4", "--threshold", "0"]) == 0
    tanks = load_tanks(out)
    assert [len(t.keywords) for t in tanks] == [4, 4, 4]
    assert min(t.bias for t in tanks) == 0.0 < max(t.bias for t in tanks)
    result = KeywordClassifier(tanks, tokenizer).classify("今年的麦子打药以后发黄")
    assert result.tank == "agriculture"
