"""Shared fixtures: one jieba tokenizer for the whole session (it takes most of a second)."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.tanks import DEFAULT_TANKS, load_other_fields, load_tanks
from core.models import ThinkTank
from nlp.classifier import KeywordClassifier, domain_words
from nlp.tokenizer import Tokenizer

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="session")
def district_tanks() -> list[ThinkTank]:
    """The district's tanks from config/think_tanks.toml."""
    return load_tanks(DEFAULT_TANKS)


@pytest.fixture(scope="session")
def tokenizer(district_tanks: list[ThinkTank]) -> Tokenizer:
    """A jieba tokenizer with the district's domain words."""
    return Tokenizer(domain_words(district_tanks))


@pytest.fixture(scope="session")
def district(district_tanks: list[ThinkTank], tokenizer: Tokenizer) -> KeywordClassifier:
    """The classifier the bot builds from the district's lists (and its other fields' words)."""
    return KeywordClassifier(district_tanks, tokenizer, load_other_fields(DEFAULT_TANKS))
