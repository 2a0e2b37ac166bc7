"""Word segmentation: jieba (or rjieba) with the district's domain words kept whole."""

from __future__ import annotations

import logging
import math
import os
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any

log = logging.getLogger(__name__)

BACKENDS = ("jieba", "rjieba")

# Invisible characters that a keyboard or a copy-paste slips into a word: zero-width spaces and
# joiners, the word joiner, the byte-order mark, soft hyphen, and the bidirectional marks and
# embeddings (RTL). Removed before segmentation so that "冷\u200b链" is still 冷链.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
# Full-width letters and digits (ＡＰＰ, １２３), folded to ASCII. Full NFKC would do more, but
# costs more than jieba itself on a long message; punctuation needs no folding for matching.
_WIDE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_WIDE_TO_ASCII = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF5B)}


class TokenizerError(RuntimeError):
    """The requested segmentation backend cannot be used."""


def normalize(text: str) -> str:
    """Fold a text to the form keywords and messages are matched in (ASCII letters, lower case)."""
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    if _WIDE.search(text):
        text = text.translate(_WIDE_TO_ASCII)
    return text.lower()


def _jieba(user_words: list[str], cache_dir: str | os.PathLike[str] | None) -> Any:
    with warnings.catch_warnings():
        # jieba 0.42 imports pkg_resources, which newer setuptools deprecate.
        warnings.simplefilter("ignore", DeprecationWarning)
        import jieba
    jieba.setLogLevel(logging.WARNING)  # jieba logs its loading at DEBUG to stderr
    tk = jieba.Tokenizer()  # its own instance: never the module-global jieba.dt
    if cache_dir is not None:
        tk.tmp_dir = os.fspath(cache_dir)
    tk.initialize()  # the dictionary, from jieba's marshal cache when there is one
    for word in user_words:
        tk.add_word(word, freq=_whole_word_freq(tk.FREQ, tk.total, word, tk.lcut))
    return tk


def _words_cut(tk: Any) -> Callable[[str], list[str]]:
    """jieba's accurate mode (with HMM) as lcut does it, whitespace left out as it goes.

    lcut splits a text into runs of word characters, cuts each run with its DAG and HMM, and
    yields every other character (punctuation, spaces) alone. This does the same without the
    generator per run of punctuation, the paddle check and the filtering afterwards, and cuts
    each run with nlp.segment: the same words, in the same order, less the whitespace.
    """
    from jieba import finalseg, re_han_default  # imported by _jieba, quietly

    from nlp.segment import dag_cutter

    cut_run = dag_cutter(tk.FREQ, tk.total, finalseg.cut)  # as jieba's __cut_DAG, faster
    split = re_han_default.split

    def cut(text: str) -> list[str]:
        words: list[str] = []
        for i, part in enumerate(split(text)):
            if i & 1:
                words += cut_run(part)
            elif part:
                words += [ch for ch in part if not ch.isspace()]
        return words

    return cut


def _whole_word_freq(
    freq: dict[str, int], total: int, word: str, cut: Callable[..., list[str]]
) -> int:
    """A frequency that makes jieba keep the word whole, also between other words."""
    parts = cut(word, HMM=False)
    joined = 1.0
    for part in parts:
        joined *= freq.get(part, 1) / total
    # jieba's own suggestion is joined * total + 1: enough for the word alone, not always in a
    # sentence, where a neighbour can take one of its characters. Ten times that, and at least
    # a common word's frequency, keeps it whole without making it greedy.
    return max(int(joined * total * 10) + 1, freq.get(word, 0), 1000)


def _rjieba_cut(user_words: list[str]) -> Callable[..., Any]:
    try:
        import rjieba
    except ImportError as e:
        raise TokenizerError(
            "backend 'rjieba' asked for but rjieba is not installed: pip install 'minqing[fast]'"
        ) from e
    tk = rjieba.Jieba()
    for word in user_words:
        tk.add_word(word, None, None)
    return tk.cut


class Tokenizer:
    """Cuts text into words; the dictionary is loaded once, when the tokenizer is made."""

    def __init__(
        self,
        user_words: Iterable[str] = (),
        backend: str = "jieba",
        *,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        words = sorted({w for w in (normalize(u).strip() for u in user_words) if w})
        # The dictionary's word frequencies and their sum, when the backend lets Python read
        # them (jieba does, rjieba does not): they tell a known word from one that jieba's HMM
        # made up, such as a typo or a one-character word glued to its neighbour.
        self.frequencies: Mapping[str, int] | None = None
        self.total = 0
        if backend == "jieba":
            tk = _jieba(words, cache_dir)
            self._cut: Callable[[str], list[str]] = _words_cut(tk)
            self.frequencies, self.total = tk.FREQ, tk.total
        elif backend == "rjieba":
            cut = _rjieba_cut(words)
            self._cut = lambda text: [t for t in cut(text) if not t.isspace()]
        else:
            raise TokenizerError(f"unknown tokenizer backend {backend!r}; use one of {BACKENDS}")
        self.backend = backend
        self.user_words = tuple(words)
        log.debug("tokenizer %s ready with %d user words", backend, len(words))

    def cut(self, text: str) -> list[str]:
        """The words of a text, normalized, without the whitespace between them."""
        return self._cut(normalize(text))

    def is_known(self, word: str) -> bool:
        """True for a word of the dictionary (every word, when the backend hides it)."""
        return self.frequencies is None or bool(self.frequencies.get(word))

    def log_probability(self, word: str) -> float:
        """The log of the word's probability as jieba scores a cut (unknown words count 1)."""
        if self.frequencies is None:
            return 0.0
        return math.log(self.frequencies.get(word) or 1) - math.log(self.total or 1)
