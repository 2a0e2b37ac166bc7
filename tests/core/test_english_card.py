"""An English resident's concern, routed by the real classifier, explained in English."""

from __future__ import annotations

import re

import pytest

from config.tanks import load_stations, load_tanks
from core.context import District
from core.service import Service
from nlp.classifier import KeywordClassifier, domain_words
from nlp.tokenizer import Tokenizer
from tests.core.conftest import NoViews
from tests.core.memory import MemoryState, MemoryUnitOfWork
from tests.support import UNLIMITED, Chat, Clock, Fetch

HAN = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # Chinese characters and punctuation


@pytest.fixture(scope="module")
def keyword_classifier() -> KeywordClassifier:
    """The classifier the bot builds from config/think_tanks.toml."""
    tanks = load_tanks()
    return KeywordClassifier(tanks, Tokenizer(domain_words(tanks)))


@pytest.fixture
def real_service(
    state: MemoryState, keyword_classifier: KeywordClassifier, clock: Clock
) -> Service:
    district = District(tuple(load_tanks()), tuple(load_stations()))
    open_unit = lambda: MemoryUnitOfWork(state)  # noqa: E731
    return Service(open_unit, district, keyword_classifier, clock, NoViews(), UNLIMITED)


async def test_an_english_residents_card_explains_in_english(
    real_service: Service, fetch: Fetch
) -> None:
    resident = Chat(real_service, fetch, "601", name="Anna", language="en-GB")
    await resident.text("My boss has not paid my wages for three months. What can I do?")
    await resident.press("Skip")
    await resident.text("No phone")
    card = resident.last_text()
    assert "the members for <b>Law</b>" in card, card
    because = card.split("Because you mentioned ", 1)[1].split("\n", 1)[0]
    assert because.startswith('"wages"'), because  # the word as written, with no weight
    assert not HAN.search(because), because
