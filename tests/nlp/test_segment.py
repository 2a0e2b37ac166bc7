"""The classifier's segmentation gives jieba's words, word for word, on every labelled text."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pytest

from nlp.dataset import Example, read_examples
from nlp.segment import dag_cutter
from nlp.tokenizer import Tokenizer, normalize
from tests.nlp.conftest import DATA

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "citizen_messages_train.csv"


def _jieba_words(tk: object, text: str) -> list[str]:
    """jieba's lcut of the normalized text, whitespace left out (what Tokenizer.cut promises)."""
    return [w for w in tk.lcut(normalize(text)) if not w.isspace()]  # type: ignore[attr-defined]


def _texts() -> list[str]:
    texts = [e.text for path in sorted(DATA.glob("*.csv")) for e in _examples(path)]
    if SHARED.is_file():
        texts += [e.text for e in read_examples(SHARED)]
    return texts


def _examples(path: Path) -> list[Example]:
    try:
        return read_examples(path)
    except ValueError:
        return []  # the pair files have no text column


@pytest.fixture(scope="module")
def plain_jieba() -> object:
    """A jieba tokenizer of its own, without user words."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import jieba
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    return tk


def test_same_words_as_jieba_on_every_labelled_text(plain_jieba: object) -> None:
    tokenizer = Tokenizer()
    texts = _texts()
    assert len(texts) > 1000
    differ = [t for t in texts if tokenizer.cut(t) != _jieba_words(plain_jieba, t)]
    assert differ == []


def test_same_words_with_the_districts_user_words(tokenizer: Tokenizer) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import jieba
    tk = jieba.Tokenizer()
    tk.initialize()
    for word in tokenizer.user_words:
        tk.add_word(word, freq=tokenizer.frequencies[word])  # type: ignore[index]
    texts = [e.text for e in read_examples(DATA / "district_tuning.csv")]
    assert [tokenizer.cut(t) for t in texts] == [_jieba_words(tk, t) for t in texts]


def test_every_short_text_over_a_small_dictionary_as_jieba_cuts_it() -> None:
    # Words inside longer ones (甲 乙 甲乙), prefixes that are no word (丙丁), characters
    # with no entry (戊), and runs of single characters that go to the HMM: every text of up to
    # five of these characters, cut by jieba's own DAG walk over the same dictionary.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import jieba
        from jieba import finalseg
    freq = {"甲": 2, "乙": 2, "甲乙": 1, "丙": 1, "丙丁": 0, "丙丁甲": 3, "丁": 1, "乙丙": 5}
    tk = jieba.Tokenizer()
    total = sum(freq.values())
    tk.FREQ, tk.total, tk.initialized = dict(freq), total, True
    cut = dag_cutter(freq, total, finalseg.cut)
    alphabet = "甲乙丙丁戊"
    texts = [""]
    for _ in range(5):
        texts = [t + ch for t in texts for ch in alphabet]
        for text in texts:
            assert cut(text) == list(tk._Tokenizer__cut_DAG(text)), text
