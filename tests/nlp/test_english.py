"""Keyword lists per language: an English concern reaches its tank, explained in its words."""

from __future__ import annotations

import tomllib

import pytest

from config.tanks import ConfigError, parse_tanks
from nlp.classifier import KeywordClassifier

OLD_FORMAT = """
[tanks.law]
name_zh = "法律"
[tanks.law.keywords]
"律师" = 2.5
"""

PER_LANGUAGE = (
    OLD_FORMAT
    + """
[tanks.law.keywords_en]
"lawyer" = 2.5
"child support" = 3.0
"""
)


def test_the_tanks_file_takes_a_keyword_list_per_language() -> None:
    (law,) = parse_tanks(tomllib.loads(PER_LANGUAGE))
    assert law.keywords == {"律师": 2.5, "lawyer": 2.5, "child support": 3.0}
    (old,) = parse_tanks(tomllib.loads(OLD_FORMAT))
    assert old.keywords == {"律师": 2.5}


@pytest.mark.parametrize(
    "bad", ['[tanks.law.keywords_en]\n"lawyer" = "high"\n', "[tanks.law]\nkeywords_en = 3\n"]
)
def test_a_bad_language_list_is_refused_with_its_name(bad: str) -> None:
    with pytest.raises(ConfigError, match="keywords_en"):
        parse_tanks(tomllib.loads(OLD_FORMAT.replace("[tanks.law]\n", "") + bad))


@pytest.mark.parametrize(
    ("text", "tank", "written"),
    [
        ("My boss has not paid my wages for three months.", "law", "wages"),
        ("The landlord keeps my deposit and won't give it back", "law", "landlord"),
        ("How do I apply for a business licence to open a shop?", "economy", "licence"),
        ("Can a small company get a bank loan with low interest?", "economy", "loan"),
        ("Aphids are all over our wheat and the pesticide does nothing", "agriculture", ""),
        ("Our chickens stopped laying eggs, is there a vet nearby?", "agriculture", ""),
    ],
)
def test_an_english_concern_reaches_its_tank(
    district: KeywordClassifier, text: str, tank: str, written: str
) -> None:
    result = district.classify(text)
    assert result.tank == tank, result
    if written:
        assert written in [h.shown for h in result.hits]


@pytest.mark.parametrize(
    "text",
    [
        "The street light outside our building has been broken for a month.",
        "The number 5 bus never comes on time in the morning.",
        "The school canteen food is cold and there is not enough of it.",
    ],
)
def test_english_concerns_of_other_fields_go_to_triage(
    district: KeywordClassifier, text: str
) -> None:
    assert district.classify(text).tank is None
