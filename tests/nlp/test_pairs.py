"""Pair rules learned from labelled messages (nlp.pairs, LearnOptions.pairs)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from config.tanks import load_tanks
from nlp.__main__ import main
from nlp.classifier import KeywordClassifier
from nlp.learn import LearnOptions, learn
from nlp.pairs import choose_pairs, rule_text
from nlp.tokenizer import Tokenizer

# 老板 and 工钱 each occur under both labels; together, only in law's concerns.
TOGETHER = [
    ("老板的工钱一直拖着，我要去告他", "law"),
    ("干了半年活，老板不给工钱", "law"),
    ("装修完了老板工钱没结就跑了", "law"),
    ("说好的工钱老板不认，还骂人", "law"),
    ("工钱太低，小店周转难", "economy"),
    ("开店的工钱不够，想问问贷款", "economy"),
    ("老板想申请补贴，只能等着", "economy"),
    ("老板营业执照没办，开不了店", "economy"),
]


def test_a_pair_that_says_more_than_its_words_is_chosen_for_its_label() -> None:
    docs = [
        {"没给", "钱"},
        {"没给", "钱"},
        {"没给", "钱"},
        {"律师"},
        {"钱", "贷款"},
        {"钱", "贷款"},
        {"没给", "银行"},
        {"没给", "银行"},
    ]
    classes = [0, 0, 0, 0, 1, 1, 1, 1]
    candidates = [["没给", "钱", "律师"], ["贷款", "钱", "没给", "银行"]]
    # 贷款 + 钱 and 没给 + 银行 say no more for economy than 贷款 or 银行 alone: no rule.
    assert choose_pairs(docs, classes, candidates, per_label=5, min_df=2) == [[("没给", "钱")], []]
    # Too rare together: nothing.
    assert choose_pairs(docs, classes, candidates, per_label=5, min_df=4) == [[], []]
    assert choose_pairs(docs, classes, candidates, per_label=0, min_df=2) == [[], []]


def test_words_of_the_rule_syntax_are_never_paired() -> None:
    docs = [{"c++", "钱", "a|b"}] * 3 + [{"贷款"}] * 3
    chosen = choose_pairs(docs, [0, 0, 0, 1, 1, 1], [["c++", "钱", "a|b"], ["贷款"]], 5, 2)
    assert chosen == [[], []]


def test_rule_text_reads_back_as_a_rule() -> None:
    assert rule_text(("没给", "钱")) == "没给 + 钱"


def test_learned_pair_routes_and_explains(tokenizer: Tokenizer) -> None:
    docs = [tokenizer.cut(text) for text, _ in TOGETHER]
    labels = [label for _, label in TOGETHER]
    options = LearnOptions(max_keywords=5, pairs=2, calibrate=False)
    learned = {x.label: x.keywords for x in learn(docs, labels, options, tokenizer)}
    assert learned["law"].get("工钱 + 老板", 0.0) > 0
    assert not any("+" in word for word in learned["economy"])
    assert len([w for w in learned["law"] if "+" not in w]) <= 5  # rules are besides the words
    assert learn(docs, labels, options, tokenizer) == learn(docs, labels, options, tokenizer)
    without = {x.label: x.keywords for x in learn(docs, labels, LearnOptions(max_keywords=5))}
    assert not any("+" in w for ws in without.values() for w in ws)


def write_csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["label", "text"])
        writer.writerows((label, text) for text, label in rows)
    return path


def test_learn_writes_pairs_a_coordinator_can_read(tmp_path: Path, tokenizer: Tokenizer) -> None:
    data = write_csv(tmp_path / "pairs.csv", TOGETHER)
    out = tmp_path / "learned.toml"
    args = ["learn", "--data", str(data), "--out", str(out), "--pairs", "2", "--threshold", "0"]
    assert main(args) == 0
    assert '"工钱 + 老板" = ' in out.read_text(encoding="utf-8")
    tanks = load_tanks(out)
    result = KeywordClassifier(tanks, tokenizer).classify("活干完了，老板就是不给工钱")
    assert result.tank == "law"
    rule = [h for h in result.hits if h.keyword == "工钱 + 老板"]
    assert [h.shown for h in rule] == ["老板…工钱"]  # the words as found, in the text's order


@pytest.mark.parametrize("command", ["learn", "crossval"])
def test_a_negative_number_of_pairs_is_refused(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_csv(tmp_path / "pairs.csv", TOGETHER)
    args = [command, "--data", str(data), "--pairs", "-1"]
    args += ["--out", str(tmp_path / "x.toml")] if command == "learn" else []
    assert main(args) == 2
    assert "--pairs" in capsys.readouterr().err


def test_crossval_learns_pairs_inside_each_fold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_csv(tmp_path / "pairs.csv", TOGETHER * 2)
    args = ["crossval", "--data", str(data), "--folds", "2", "--workers", "1", "--json"]
    assert main([*args, "--pairs", "2"]) == 0
    assert '"macro_f1"' in capsys.readouterr().out
