"""Pair rules learned from labelled messages: two words that together point to a label.

A pair (a, b) is a candidate for a label when both words are among that label's screened words
and they occur together in at least `min_df` of the label's training messages. Its gain is how
much more often a message holding both is the label's than a message holding the better of
the two alone (each share smoothed towards the label's share of all messages), times the square
root of how many of the label's messages hold both: a pair only earns a place by saying more
than either word says on its own, and by saying it often. The `per_label` pairs of most gain
are kept for each label, ties broken by the words, so the choice is deterministic.

Only the training messages are looked at; the pairs are written as co-occurrence rules
("a + b", nlp.keywords), so that a coordinator reads them like any keyword.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence, Set

from nlp.keywords import RULE_ALTERNATIVE, RULE_JOIN

Pair = tuple[str, str]


def rule_text(pair: Pair) -> str:
    """The pair as a rule of the tanks file: "a + b"."""
    return f"{pair[0]} {RULE_JOIN} {pair[1]}"


def can_pair(word: str) -> bool:
    """True for a word a rule can hold: none of the rule syntax's characters in it."""
    return RULE_JOIN not in word and RULE_ALTERNATIVE not in word and not word.isspace()


def choose_pairs(
    documents: Sequence[Set[str]],
    classes: Sequence[int],
    candidates: Sequence[Sequence[str]],
    per_label: int,
    min_df: int = 3,
) -> list[list[Pair]]:
    """Per label (by class number), its pairs of most gain, each pair's words sorted.

    `documents` are the words of each training message, `candidates` each label's words a
    pair may be made of (its screened words, strongest first).
    """
    k = len(candidates)
    pool = {w for words in candidates for w in words if can_pair(w)}
    word_df: Counter[str] = Counter()
    word_in: Counter[tuple[str, int]] = Counter()
    pair_df: Counter[Pair] = Counter()
    pair_in: Counter[tuple[Pair, int]] = Counter()
    for words, c in zip(documents, classes, strict=True):
        present = sorted(pool.intersection(words))
        word_df.update(present)
        word_in.update((w, c) for w in present)
        for pair in itertools.combinations(present, 2):
            pair_df[pair] += 1
            pair_in[(pair, c)] += 1
    sizes = Counter(classes)
    n = len(classes)
    chosen: list[list[Pair]] = []
    for c in range(k):
        prior = sizes[c] / n if n else 0.0
        own = {w for w in candidates[c] if can_pair(w)}

        def share(hits: int, total: int, prior: float = prior) -> float:
            return (hits + prior) / (total + 1)

        scored = []
        for pair, together in pair_df.items():
            hits = pair_in[(pair, c)]
            if hits < min_df or pair[0] not in own or pair[1] not in own:
                continue
            alone = max(share(word_in[(w, c)], word_df[w]) for w in pair)
            gain = share(hits, together) - alone
            if gain > 0:
                scored.append((-gain * math.sqrt(hits), pair))
        scored.sort()
        chosen.append([pair for _, pair in scored[:per_label]])
    return chosen
