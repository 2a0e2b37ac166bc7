"""Word segmentation: jieba (or rjieba) with the district's domain words kept whole."""

from __future__ import annotations

import logging
import os
import re
import warnings
from collections.abc import Callable, Iterable
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


def _jieba_cut(
    user_words: list[str], cache_dir: str | os.PathLike[str] | None
) -> Callable[..., Any]:
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
    return tk.lcut


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
        if backend == "jieba":
            self._cut = _jieba_cut(words, cache_dir)
        elif backend == "rjieba":
            self._cut = _rjieba_cut(words)
        else:
            raise TokenizerError(f"unknown tokenizer backend {backend!r}; use one of {BACKENDS}")
        self.backend = backend
        self.user_words = tuple(words)
        log.debug("tokenizer %s ready with %d user words", backend, len(words))

    def cut(self, text: str) -> list[str]:
        """The words of a text, normalized, without the whitespace between them."""
        return [t for t in self._cut(normalize(text)) if not t.isspace()]
