"""The weighted-keyword classifier: a linear score per tank, a softmax, a threshold, reasons."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from core.models import Classification, KeywordHit, ThinkTank
from nlp.keywords import build_index
from nlp.matching import match_keywords
from nlp.tokenizer import Tokenizer

# Longer messages are classified by their beginning: it keeps one message's cost bounded in the
# event loop (jieba cuts roughly 250,000 characters a second), and Telegram caps a message at
# 4,096 characters anyway.
MAX_CHARS = 20_000


def repeat_value(count: int) -> float:
    """What a keyword seen `count` times adds, in units of its weight: 1 + ln(count)."""
    return 1.0 + math.log(count) if count > 1 else float(count > 0)


class KeywordClassifier:
    """Routes a concern to the tank whose keywords it carries, and says which keywords.

    `other_fields` are words of the coordinators' other fields (路灯, 物业 ...) with weights.
    Their score is the weight of the strongest one found (a street-light concern that also
    says 小区 is no more another field's for it), and a concern goes to its best tank only
    when that tank's score is above it as well as confident enough: one that says as much or
    more of another field than of any tank waits in triage. The tanks' confidence (their own
    softmax) is unchanged, so a concern with none of these words is scored exactly as without
    the list. They are shown as hits marked `other` when the concern waits in triage.
    """

    def __init__(
        self,
        tanks: Sequence[ThinkTank],
        tokenizer: Tokenizer,
        other_fields: Mapping[str, float] | None = None,
    ) -> None:
        if not tanks:
            raise ValueError("a classifier needs at least one think tank")
        rivals = ThinkTank("", "", "", keywords=dict(other_fields or {}))
        for tank in (*tanks, rivals):
            numbers = [tank.bias, tank.threshold, *tank.keywords.values()]
            if not all(math.isfinite(float(n)) for n in numbers):
                raise ValueError(f"tank {tank.code}: weights, bias and threshold must be finite")
        self.tanks = tuple(tanks)
        self.tokenizer = tokenizer
        self._index = build_index((*self.tanks, rivals), tokenizer)
        self._other = len(self.tanks)  # the other fields' index among the scores
        self._codes = tuple(t.code for t in self.tanks)
        self._bias = tuple(float(t.bias) for t in self.tanks)
        self._threshold = tuple(float(t.threshold) for t in self.tanks)
        self._weight = tuple(k.weight for k in self._index.keywords)
        self._tank_of = tuple(k.tank for k in self._index.keywords)
        # tank index -> the factor its matched rules put on the other tanks' scores
        self._outweigh = {
            i: float(t.rules_outweigh) for i, t in enumerate(self.tanks) if t.rules_outweigh < 1
        }
        self._rule_ids = frozenset(rule.keyword for rule in self._index.rules)

    def classify(self, text: str) -> Classification:
        """Classify one concern: the tank or None (triage), the confidence and the keywords.

        `scores` are the tanks' linear scores (bias plus the hits' contributions), before the
        softmax; with no keyword matched, confidence is 0 and `best` is None.
        """
        return self.classify_tokens(self.tokenizer.cut(text[:MAX_CHARS]))

    def classify_tokens(self, tokens: list[str]) -> Classification:
        """Classify a concern already cut by this classifier's tokenizer."""
        found, typos = match_keywords(self._index, tokens)
        scores = [*self._bias, 0.0]
        other = self._other
        weight, tank_of = self._weight, self._tank_of
        for kid, n in found.items():
            if tank_of[kid] == other:  # the other fields count by their strongest word
                scores[other] = max(scores[other], weight[kid])
            else:
                scores[tank_of[kid]] += weight[kid] if n == 1 else weight[kid] * repeat_value(n)
        if not any(tank_of[kid] != other for kid in found):  # no tank's word: triage
            return Classification(
                tank=None,
                confidence=0.0,
                hits=self._hits(found, typos, other),
                scores=dict(zip(self._codes, scores, strict=False)),
                other=scores[other],
            )
        if self._outweigh:
            self._apply_outweigh(scores, found)
        tanks = scores[:other]
        top = max(tanks)
        best = tanks.index(top)
        confidence = 1.0 / sum([math.exp(s - top) for s in tanks])  # the tanks' softmax's best
        routed = confidence >= self._threshold[best] and top > scores[other]
        hits = self._hits(found, typos, best) + (() if routed else self._hits(found, typos, other))
        return Classification(
            tank=self._codes[best] if routed else None,
            confidence=confidence,
            hits=hits,
            best=self._codes[best],
            scores=dict(zip(self._codes, scores, strict=False)),
            other=scores[other],
        )

    def _apply_outweigh(self, scores: list[float], found: dict[int, int]) -> None:
        """Scale the other tanks' scores down where a tank with `rules_outweigh` matched one of
        its rules (the other fields' score stays: it is no tank's)."""
        rules, tank_of = self._rule_ids, self._tank_of
        owners = [
            (owner, factor)
            for owner, factor in self._outweigh.items()
            if any(kid in rules and tank_of[kid] == owner for kid in found)
        ]
        for owner, factor in owners:
            for i in range(self._other):
                if i != owner:
                    scores[i] = min(scores[i], scores[i] * factor)

    def _hits(
        self, found: dict[int, int], typos: dict[int, str], owner: int
    ) -> tuple[KeywordHit, ...]:
        """The keywords found of one tank (or of the other fields), strongest first."""
        weight, keywords = self._weight, self._index.keywords
        mine = sorted(
            (-weight[kid] * repeat_value(found[kid]), keywords[kid].text, kid)
            for kid in found
            if self._tank_of[kid] == owner
        )
        other = owner == self._other
        return tuple(
            KeywordHit(text, weight[kid], found[kid], typos.get(kid, ""), other)
            for _, text, kid in mine
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
