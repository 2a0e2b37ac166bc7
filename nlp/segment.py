"""jieba's accurate-mode cut of one run of word characters, in one pass over its dictionary.

jieba cuts a run by building a DAG of the dictionary words that start at each character, then
walking it backwards for the most probable route (log frequency over the total), then handing
the runs of single characters that are no word to its HMM. It builds the DAG as a dict of lists
and scores each edge through a generator and a log call. This does the same arithmetic, edge by
edge in the same order, with each word's log probability worked out once and remembered: the
same words come out (tests/nlp/test_segment.py compares them with jieba on every labelled
message), in less time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping

# Remembered for a prefix of dictionary words that is no word itself (frequency 0): a word's
# log probability is always finite.
PREFIX = math.inf


def dag_cutter(
    freq: Mapping[str, int], total: int, hmm: Callable[[str], Iterable[str]]
) -> Callable[[str], list[str]]:
    """A function cutting one run as jieba's Tokenizer.cut(run, HMM=True) does, as a list.

    `hmm` cuts a stretch of characters that are no dictionary word together (finalseg.cut).
    The log probabilities are remembered as entries are met, so the memory they take is that
    of the words the messages use, at most the dictionary's.
    """
    logtotal = math.log(total)
    log = math.log
    known: dict[str, float] = {}  # entry -> its log probability, or PREFIX
    remembered = known.get
    entry = freq.get
    unknown = -logtotal  # log(1) - log(total): what jieba gives a character it lacks

    def cut(sentence: str) -> list[str]:
        n = len(sentence)
        score = [0.0] * (n + 1)
        end = [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            best, best_end = unknown + score[k + 1], k
            found = False
            i = k
            frag = sentence[k]
            while True:
                value = remembered(frag)
                if value is None:
                    f = entry(frag)
                    if f is None:
                        break
                    value = known[frag] = log(f) - logtotal if f else PREFIX
                if value < PREFIX:
                    candidate = value + score[i + 1]
                    if not found or candidate >= best:
                        best, best_end, found = candidate, i, True
                i += 1
                if i >= n:
                    break
                frag = sentence[k : i + 1]
            score[k], end[k] = best, best_end
        words: list[str] = []
        buf = ""
        x = 0
        while x < n:
            y = end[x] + 1
            if y - x == 1:
                buf += sentence[x]
            else:
                if buf:
                    _flush(buf, freq, hmm, words)
                    buf = ""
                words.append(sentence[x:y])
            x = y
        if buf:
            _flush(buf, freq, hmm, words)
        return words

    return cut


def _flush(
    buf: str, freq: Mapping[str, int], hmm: Callable[[str], Iterable[str]], words: list[str]
) -> None:
    """Single characters in a row: one word, the HMM's words, or the characters (as jieba)."""
    if len(buf) == 1:
        words.append(buf)
    elif not freq.get(buf):
        words.extend(hmm(buf))
    else:
        words.extend(buf)
