"""The capped, mistake-driven keyword update: candidate words, perceptron rounds, selection."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from core.models import ThinkTank
from nlp.classifier import repeat_value, softmax
from nlp.features import is_word
from nlp.keywords import KeywordIndex, build_index
from nlp.matching import count_keywords
from nlp.tokenizer import Tokenizer, normalize

# Words of any concern that say nothing about its field: never proposed as new keywords.
_FILLER_WORDS = """
我们 你们 他们 她们 咱们 自己 大家 人家 别人 什么 怎么 怎么办 怎样 为什么 为啥 这个 那个 这些
那些 这样 那样 这么 那么 这里 那里 哪里 这边 那边 一个 一些 一下 一直 一样 一点 已经 现在 还是
还有 因为 所以 但是 可是 而且 如果 然后 就是 不是 没有 没人 可以 不能 能不能 不了 不会 不要 时候
今年 去年 明年 今天 昨天 明天 每天 每次 问题 情况 事情 希望 请问 帮忙 帮助 麻烦 反映 解决 处理
谢谢 领导 政府 相关 部门 有关 需要 应该 知道 觉得 认为 里面 出来 起来 多少 几个 很多 非常 特别
比较 真的 老百姓 群众 村里 家里 我家 说法 怎么回事 到底 一般 总是 结果 之后 以后 以前
不发 没发 不给 没给 不让 不管 没管 不行 不好 没用
"""
FILLER = frozenset(_FILLER_WORDS.split())
_NUMERALS = frozenset("0123456789零〇一二三四五六七八九十百千万亿两几半多个年月日天号次元块")


@dataclass(frozen=True, slots=True)
class SuggestOptions:
    """The knobs of the update; the defaults keep each suggestion small."""

    min_support: int = 2
    step: float = 0.5
    max_change: float = 1.0
    max_weight: float = 3.0
    max_changes: int = 10
    max_rounds: int = 10


@dataclass(frozen=True, slots=True)
class Example:
    """A corrected case: its text and the tank a person chose (None: triage)."""

    case_id: int
    text: str
    label: str | None


@dataclass(frozen=True, slots=True)
class Change:
    """One keyword's weight in one tank's list, before (None: new) and after, and its cases."""

    tank: str
    keyword: str
    old: float | None
    new: float
    cases: tuple[int, ...]
    domain_word: bool = False  # also added to the tank's domain_words: jieba would split it


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


@dataclass
class UpdateModel:
    """The examples' keyword counts, scored as KeywordClassifier scores them, weights changing."""

    tanks: tuple[ThinkTank, ...]
    tokenizer: Tokenizer
    examples: list[Example]
    docs: list[list[str]]
    before: tuple[str | None, ...]
    opts: SuggestOptions
    labels: list[int | None] = field(init=False)  # tank indexes, None for triage
    index: KeywordIndex = field(init=False)  # the lists' keywords and every candidate
    found: list[dict[int, int]] = field(init=False)  # per example: keyword id -> count
    start: list[float] = field(init=False)  # the weights now, 0 for candidates
    new: set[int] = field(init=False)  # the candidates with enough support
    file_weight: dict[int, float] = field(init=False)  # the lists' keywords: the file's weight

    def __post_init__(self) -> None:
        codes = [t.code for t in self.tanks]
        self.labels = [None if e.label is None else codes.index(e.label) for e in self.examples]
        words = self._candidate_words(build_index(self.tanks, self.tokenizer))
        extended = [
            replace(t, keywords=dict(t.keywords) | {w: 0.0 for w in sorted(words[i])})
            for i, t in enumerate(self.tanks)
        ]
        self.index = build_index(extended, self.tokenizer)
        self.found = [count_keywords(self.index, d) for d in self.docs]
        self.start = [k.weight for k in self.index.keywords]
        self.new = {i for i, k in enumerate(self.index.keywords) if k.text in words[k.tank]}
        self.new &= self._supported()
        own = {(i, k) for i, t in enumerate(self.tanks) for k in t.keywords}
        self.file_weight = {
            i: self.tanks[k.tank].keywords[k.text]
            for i, k in enumerate(self.index.keywords)
            if (k.tank, k.text) in own
        }

    def _wrong(self, i: int) -> bool:
        return self.before[i] != self.examples[i].label

    def _candidate_words(self, index: KeywordIndex) -> list[set[str]]:
        """Per tank, the words of its misrouted examples that no keyword of the tank matches."""
        taken = {normalize(k.text).strip() for k in index.keywords}
        words: list[set[str]] = [set() for _ in self.tanks]
        for i, doc in enumerate(self.docs):
            label = self.labels[i]
            if label is None or not self._wrong(i):
                continue
            for token in set(doc):
                if len(token) < 2 or not is_word(token) or token in FILLER or token in taken:
                    continue
                if all(ch in _NUMERALS for ch in token):
                    continue
                if any(index.keywords[k].tank == label for k in count_keywords(index, [token])):
                    continue
                words[label].add(token)
        return words

    def _supported(self) -> set[int]:
        """The candidates in enough misrouted examples of their tank and in none of another."""
        keep = set()
        for kid in self.new:
            tank = self.index.keywords[kid].tank
            having = [i for i, f in enumerate(self.found) if kid in f]
            if any(self.labels[i] != tank for i in having):
                continue
            if sum(self._wrong(i) for i in having) >= self.opts.min_support:
                keep.add(kid)
        return keep

    def listed(self, kid: int, weights: Sequence[float]) -> bool:
        """True for a keyword on the lists: one of the file's, or a candidate given a weight."""
        return kid in self.file_weight or (kid in self.new and weights[kid] > 0)

    def route(self, i: int, weights: Sequence[float]) -> tuple[int | None, int | None]:
        """Example i's tank (None: triage) and best tank under these weights."""
        scores = [t.bias for t in self.tanks]
        matched = False
        for kid in sorted(self.found[i]):
            if not self.listed(kid, weights):
                continue
            matched = True
            tank = self.index.keywords[kid].tank
            scores[tank] += weights[kid] * repeat_value(self.found[i][kid])
        if not matched:
            return None, None
        best = max(range(len(scores)), key=scores.__getitem__)
        routed = best if softmax(scores)[best] >= self.tanks[best].threshold else None
        return routed, best

    def _bounds(self, kid: int) -> tuple[float, float]:
        o = self.opts
        w = self.start[kid]
        if kid in self.new:
            return 0.0, min(o.max_change, o.max_weight)
        low = w - min(o.max_change, self.file_weight.get(kid, w))
        return max(0.0, low), max(w, min(o.max_weight, w + o.max_change))

    def learn(self) -> list[Change]:
        """Perceptron rounds over the misrouted examples; every weight changed, with its cases."""
        weights = list(self.start)
        ups: dict[int, set[int]] = {}
        downs: dict[int, set[int]] = {}
        direction: dict[int, int] = {}  # a weight moves one way only: no back and forth
        for _ in range(self.opts.max_rounds):
            push: dict[int, int] = {}
            for i, example in enumerate(self.examples):
                label = self.labels[i]
                if not self._wrong(i):
                    continue  # the examples routed right are the guard (select), not a target
                routed, best = self.route(i, weights)
                if routed == label:
                    continue
                bad = routed if routed is not None else (best if best != label else None)
                for kid in self.found[i]:
                    tank = self.index.keywords[kid].tank
                    if tank == label and (kid in self.new or kid in self.file_weight):
                        push[kid] = push.get(kid, 0) + 1
                        ups.setdefault(kid, set()).add(example.case_id)
                    elif tank == bad and self.listed(kid, weights):
                        push[kid] = push.get(kid, 0) - 1
                        downs.setdefault(kid, set()).add(example.case_id)
            moved = False
            for kid, net in push.items():
                if net == 0 or _sign(net) != direction.setdefault(kid, _sign(net)):
                    continue
                way = direction[kid]
                low, high = self._bounds(kid)
                value = min(high, max(low, weights[kid] + self.opts.step * way))
                value = round(value, 6)
                moved |= value != weights[kid]
                weights[kid] = value
            if not moved:
                break
        changes = []
        for kid, w in enumerate(weights):
            if w == self.start[kid] or (kid in self.new and w <= 0):
                continue
            k = self.index.keywords[kid]
            cases = ups.get(kid, set()) if w > self.start[kid] else downs.get(kid, set())
            old = self.file_weight.get(kid)
            new = round(w - self.start[kid] + old, 6) if old is not None else w
            single = self.tokenizer.cut(k.text) == [normalize(k.text).strip()]
            domain = old is None and not single
            changes.append(
                Change(self.tanks[k.tank].code, k.text, old, new, tuple(sorted(cases)), domain)
            )
        return changes

    def _weights(self, changes: Iterable[Change]) -> list[float]:
        weights = list(self.start)
        ids = {(self.tanks[k.tank].code, k.text): i for i, k in enumerate(self.index.keywords)}
        for c in changes:
            kid = ids[(c.tank, c.keyword)]
            weights[kid] = c.new if c.old is None else round(self.start[kid] + c.new - c.old, 6)
        return weights

    def _right(self, changes: Iterable[Change]) -> list[bool]:
        weights = self._weights(changes)
        return [self.route(i, weights)[0] == lab for i, lab in enumerate(self.labels)]

    def select(self, changes: list[Change]) -> list[Change]:
        """The changes that break no right routing, each needed to fix what they fix."""
        order = {t.code: n for n, t in enumerate(self.tanks)}
        ranked = sorted(
            changes,
            key=lambda c: (-len(c.cases), -abs(c.new - (c.old or 0.0)), order[c.tank], c.keyword),
        )
        per_tank: dict[str, int] = {}
        capped = []
        for c in ranked:
            if per_tank.get(c.tank, 0) < self.opts.max_changes:
                per_tank[c.tank] = per_tank.get(c.tank, 0) + 1
                capped.append(c)
        was_right = self._right([])

        def safe(chosen: list[Change]) -> tuple[bool, int]:
            right = self._right(chosen)
            return all(r for r, w in zip(right, was_right, strict=True) if w), sum(right)

        kept: list[Change] = []
        for c in capped:
            if safe([*kept, c])[0]:
                kept.append(c)
        fixed = safe(kept)[1]
        for c in reversed(list(kept)):
            rest = [k for k in kept if k is not c]
            ok, count = safe(rest)
            if ok and count >= fixed:
                kept = rest
        return sorted(kept, key=lambda c: (order[c.tank], c.old is None))
