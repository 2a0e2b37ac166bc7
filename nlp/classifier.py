"""The weighted-keyword classifier: a linear score per tank, a softmax, a threshold, reasons."""

from __future__ import annotations

import math
from collections.abc import Sequence

from core.models import Classification, KeywordHit, ThinkTank
from nlp.keywords import build_index, count_keywords
from nlp.tokenizer import Tokenizer

# Longer messages are classified by their beginning: it keeps one message's cost bounded in the
# event loop (jieba cuts roughly 250,000 characters a second), and Telegram caps a message at
# 4,096 characters anyway.
MAX_CHARS = 20_000


def repeat_value(count: int) -> float:
    """What a keyword seen `count` times adds, in units of its weight: 1 + ln(count)."""
    return 1.0 + math.log(count) if count > 1 else float(count > 0)


class KeywordClassifier:
    """Routes a concern to the tank whose keywords it carries, and says which keywords."""

    def __init__(self, tanks: Sequence[ThinkTank], tokenizer: Tokenizer) -> None:
        if not tanks:
            raise ValueError("a classifier needs at least one think tank")
        for tank in tanks:
            numbers = [tank.bias, tank.threshold, *tank.keywords.values()]
            if not all(math.isfinite(float(n)) for n in numbers):
                raise ValueError(f"tank {tank.code}: weights, bias and threshold must be finite")
        self.tanks = tuple(tanks)
        self.tokenizer = tokenizer
        self._index = build_index(self.tanks, tokenizer)
        self._codes = tuple(t.code for t in self.tanks)
        self._bias = tuple(float(t.bias) for t in self.tanks)

    def classify(self, text: str) -> Classification:
        """Classify one concern: the tank or None (triage), the confidence and the keywords.

        `scores` are the tanks' linear scores (bias plus the hits' contributions), before the
        softmax; with no keyword matched, confidence is 0 and `best` is None.
        """
        return self.classify_tokens(self.tokenizer.cut(text[:MAX_CHARS]))

    def classify_tokens(self, tokens: list[str]) -> Classification:
        """Classify a concern already cut by this classifier's tokenizer."""
        found = count_keywords(self._index, tokens)
        scores = list(self._bias)
        if not found:
            return Classification(
                tank=None, confidence=0.0, scores=dict(zip(self._codes, scores, strict=True))
            )
        contributions: list[tuple[float, int, int]] = []
        for kid in sorted(found):
            keyword = self._index.keywords[kid]
            value = keyword.weight * repeat_value(found[kid])
            scores[keyword.tank] += value
            contributions.append((value, kid, found[kid]))
        best = max(range(len(scores)), key=scores.__getitem__)
        confidence = softmax(scores)[best]
        hits = tuple(
            KeywordHit(self._index.keywords[kid].text, self._index.keywords[kid].weight, n)
            for value, kid, n in sorted(
                contributions, key=lambda c: (-c[0], self._index.keywords[c[1]].text)
            )
            if self._index.keywords[kid].tank == best
        )
        threshold = self.tanks[best].threshold
        return Classification(
            tank=self._codes[best] if confidence >= threshold else None,
            confidence=confidence,
            hits=hits,
            best=self._codes[best],
            scores=dict(zip(self._codes, scores, strict=True)),
        )


def softmax(scores: Sequence[float]) -> list[float]:
    """Probabilities from linear scores, stable for large ones."""
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def domain_words(tanks: Sequence[ThinkTank]) -> list[str]:
    """Every tank's domain words, for the tokenizer's user dictionary."""
    return sorted({w for tank in tanks for w in tank.domain_words})
