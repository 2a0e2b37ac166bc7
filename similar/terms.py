"""A concern's terms: the words it is made of, as written, and the character pairs inside them.

Two kinds of term carry a concern's meaning here, and both are counted:

- its words, cut by the tokenizer the caller gives (jieba through nlp.tokenizer in the bot),
  less the filler words villagers put around every concern (俺, 咋整, 能不能);
- the pairs of Han characters in a row (二元组), which match what a cut misses: 老刘 in 包工头老刘,
  工地 and 工头, a word jieba cuts one way in one message and another way in the next.

A pair is keyed with a leading space, which no word has, so 工资 the word and 工资 the pair are
two terms: a word that was also cut the same way counts a little more. Each term's weight in a
text is 1 + ln(count). Every word keeps the form the resident wrote (case, full-width
letters), so an explanation quotes them, not the folded form matching uses.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from nlp.tokenizer import normalize

# The words of a normalized text, in order, without whitespace (nlp.tokenizer.Tokenizer.cut).
Cut = Callable[[str], list[str]]

GRAM = " "  # the prefix of a character-pair term
CHAR = "  "  # the prefix of a single-character term
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Longer than this, a concern is cut at this many characters: a pasted novel costs no more.
MAX_CHARS = 2_000

# The measure chosen on the tuning pairs (python -m similar compare): characters, and pairs of
# characters at a fifth of a character's weight; a place's name at half.
PAIR_WEIGHT = 0.2
PLACE_WEIGHT = 0.5

# Words that say nothing of which problem it is: pronouns, particles, the ways of asking for
# help. They are not matched on and never shown as a reason; their characters still make pairs,
# whose low weight (every concern has them) does the rest.
_FILLER_WORDS = """
    俺 俺们 俺家 我 我们 我家 咱 咱们 你 你们 您 他 他们 她 她们 它 人家 自己 大家 家里
    的 得 了 着 过 吗 呢 吧 啊 呀 嘛 哪 哈 呗 哦 么 啦 咧 哇 诶 嗯
    是 有 在 和 跟 与 及 或 也 都 还 就 又 才 再 很 太 忒 贼 挺 最 更 老 特别 非常
    不 没 没有 不是 别 被 把 给 让 叫 对 向 从 往 到 去 来 上 下 里 中 这 那 这个 那个 这种
    这样 那样 这么 那么 个 些 一 一个 一些 好 能 会 要 想 得 可 可以 应该 能不能 有没有 是不是
    咋 咋办 咋整 怎么 怎么办 怎样 为啥 为什么 啥 什么 哪儿 哪里 谁 多少 几 到底 究竟
    请 请问 求 求求 帮 帮帮 帮忙 帮帮忙 麻烦 谢谢 领导 您好 你好 问问 问一下 咨询 一下 反映
    现在 已经 一直 还是 但是 可是 所以 因为 如果 而且 然后 就是 只是 其实 真是 实在 确实
    说 问 看 找 知道 觉得 管 管管 办 弄 整
"""
FILLER = frozenset(_FILLER_WORDS.split())


@dataclass(frozen=True, slots=True)
class Terms:
    """A text's terms with their weights (1 + ln count) and each word as it was written."""

    weights: dict[str, float]
    written: dict[str, str] = field(default_factory=dict)
    # For explanations: each word term and the pair terms inside it.
    pairs_of: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.weights)


def _aligned(text: str) -> tuple[str, list[int]]:
    """The text normalized, and for each of its characters the index it came from."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = normalize(ch)
        out.append(folded)
        origin.extend([i] * len(folded))
    return "".join(out), origin


def pairs(run: str) -> list[str]:
    """The character-pair terms of a run of Han characters."""
    return [GRAM + run[i : i + 2] for i in range(len(run) - 1)]


def _cut_at(folded: str, cut: Cut) -> list[tuple[str, int]]:
    """Each word of a normalized text with where it starts (-1 if the cutter changed it)."""
    out: list[tuple[str, int]] = []
    at = 0
    for word in cut(folded):
        start = folded.find(word, at)
        if start >= 0:
            at = start + len(word)
        out.append((word, start))
    return out


def word_spans(text: str, cut: Cut) -> list[tuple[str, str]]:
    """Each word of a text (normalized) with the characters it was written as."""
    folded, origin = _aligned(text[:MAX_CHARS])
    return [
        (word, text[origin[start] : origin[start + len(word) - 1] + 1] if start >= 0 else word)
        for word, start in _cut_at(folded, cut)
    ]


# A place's name: one to three Han characters before a place's ending (东庄村, 和平小区, 稻地镇).
# Found by its ending, not by a dictionary: cheap, and a village jieba does not know is found too.
PLACE = re.compile(
    "[\u4e00-\u9fff]{1,3}?(?:小区|街道|社区|家园|花园|公寓|新村|村(?!民|委|里)|庄(?!稼)|镇(?!上))"
)


def _is_term_word(word: str) -> bool:
    if word in FILLER or not word.strip():
        return False
    if HAN.fullmatch(word):
        return True
    return any(ch.isalnum() for ch in word)


@dataclass(frozen=True, slots=True)
class Featurizer:
    """Turns a text into Terms; the defaults are the measure chosen on the tuning pairs.

    words: the cutter's words are terms (they always are for explanations and place names);
    chars, grams: single Han characters, and pairs of them weighing pair_weight; place_weight:
    how much the characters of a place's name count.
    """

    cut: Cut | None
    words: bool = False
    grams: bool = True
    chars: bool = True
    place_weight: float = PLACE_WEIGHT
    pair_weight: float = PAIR_WEIGHT

    def terms(self, text: str, *, written: bool = True) -> Terms:
        """The text's terms; written=False skips the words as written (to index, not to explain)."""
        folded, origin = _aligned(text[:MAX_CHARS])
        counts: dict[str, float] = {}
        as_written: dict[str, str] = {}
        pairs_of: dict[str, tuple[str, ...]] = {}
        light = [1.0] * len(folded)  # how much each character counts (less in a place's name)
        for place in PLACE.finditer(folded):
            for i in range(place.start(), place.end()):
                light[i] = self.place_weight
        if self.cut is not None and (written or self.words):
            for word, start in _cut_at(folded, self.cut):
                if start < 0 or not _is_term_word(word):
                    continue
                if self.words:
                    counts[word] = counts.get(word, 0.0) + light[start]
                as_written.setdefault(word, text[origin[start] : origin[start + len(word) - 1] + 1])
                if word not in pairs_of:
                    pairs_of[word] = _parts(word, self.chars)
        for found in HAN.finditer(folded):
            run, at = found.group(), found.start()
            for i, ch in enumerate(run):
                if self.chars and ch not in FILLER:
                    key = CHAR + ch
                    counts[key] = counts.get(key, 0.0) + light[at + i]
                if self.grams and i + 1 < len(run):
                    key = GRAM + run[i : i + 2]
                    weight = self.pair_weight * min(light[at + i], light[at + i + 1])
                    counts[key] = counts.get(key, 0.0) + weight
        weights = {t: (n if n <= 1 else 1.0 + math.log(n)) for t, n in counts.items()}
        return Terms(weights, as_written, pairs_of)


def _parts(word: str, chars: bool) -> tuple[str, ...]:
    """The pair (and character) terms inside a word."""
    if not HAN.fullmatch(word):
        return ()
    inner = tuple(pairs(word))
    if chars:
        inner += tuple(CHAR + ch for ch in word if ch not in FILLER)
    return inner


def explain(shared: Iterable[tuple[str, float]], query: Terms, limit: int = 3) -> tuple[str, ...]:
    """The query's words that carry most of the shared weight, as the resident wrote them."""
    by_term = dict(shared)
    credit: dict[str, float] = {}
    for word, as_written in query.written.items():
        inner = query.pairs_of.get(word, ())
        got = by_term.get(word, 0.0) + sum(by_term.get(p, 0.0) for p in inner)
        if got > 0:
            credit[as_written] = max(credit.get(as_written, 0.0), got)
    ranked = sorted(credit.items(), key=lambda kv: (-kv[1], kv[0]))
    chosen: list[str] = []
    for word, _ in ranked:
        # A word inside one already chosen (工资 in 拖欠工资) says nothing more.
        if any(word in other or other in word for other in chosen):
            continue
        chosen.append(word)
        if len(chosen) == limit:
            break
    return tuple(chosen)
