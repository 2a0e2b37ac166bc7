"""Shared fixtures: one jieba tokenizer for the session, and indexes made with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.tokenizer import Tokenizer
from similar.index import SimilarityIndex
from similar.place import Places
from similar.terms import Featurizer

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="session")
def featurizer() -> Featurizer:
    """The chosen measure's featurizer, with jieba for the words shown."""
    return Featurizer(Tokenizer().cut)


@pytest.fixture
def index(featurizer: Featurizer) -> SimilarityIndex:
    """An empty index with Daodi and Huanggezhuang as neighbours."""
    return SimilarityIndex(featurizer, Places.of([("daodi", "huanggezhuang")]))
