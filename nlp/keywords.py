"""Keywords compiled to the token sequences they match, with their tank and weight."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.models import ThinkTank
from nlp.features import MAX_INNER_TOKEN, MIN_INNER_WORD, inner_words
from nlp.tokenizer import Tokenizer, normalize

# Tokens already looked up, with the keywords they count for. Words recur (Zipf), so after a few
# messages nearly every token is one dictionary lookup. Bounded, so odd input cannot grow it.
MEMO_LIMIT = 200_000


@dataclass(frozen=True, slots=True)
class Keyword:
    """One keyword of one tank: its text as written, its weight and the tank's index."""

    text: str
    weight: float
    tank: int


def keyword_forms(keyword: str, tokenizer: Tokenizer) -> set[tuple[str, ...]]:
    """The token sequences a keyword matches: itself as one token, or its words in a row.

    A keyword with spaces is a phrase of exactly those words ("拖欠 工资"). A keyword without
    spaces matches a token equal to it (or, see `count_keywords`, inside a longer token), and
    also the words the tokenizer cuts it into, in a row, so "拖欠工资" matches whether or not
    jieba keeps it whole in a given sentence.
    """
    text = normalize(keyword).strip()
    if not text:
        return set()
    parts = text.split()
    if len(parts) > 1:
        return {tuple(parts)}
    forms: set[tuple[str, ...]] = {(text,)}
    words = tokenizer.cut(text)
    if len(words) > 1:
        forms.add(tuple(words))
    return forms


@dataclass(frozen=True, slots=True)
class KeywordIndex:
    """Lookup tables from tokens to keywords, built once per classifier."""

    keywords: tuple[Keyword, ...]
    single: dict[str, tuple[int, ...]]  # token -> keyword ids
    phrases: dict[str, tuple[tuple[tuple[str, ...], tuple[int, ...]], ...]]  # first token -> ...
    inner_max: int  # the longest single-token keyword, 0 when none can sit inside a token
    memo: dict[str, tuple[int, ...]] = field(default_factory=dict)  # token -> keyword ids
    matching: dict[str, tuple[int, ...]] = field(default_factory=dict)  # the memo's non-empty


def build_index(tanks: Sequence[ThinkTank], tokenizer: Tokenizer) -> KeywordIndex:
    """Compile every tank's keywords; the same words twice in one tank add their weights."""
    keywords: list[Keyword] = []
    by_form: dict[tuple[str, ...], list[int]] = {}
    for tank_no, tank in enumerate(tanks):
        seen: dict[frozenset[tuple[str, ...]], int] = {}
        for text, weight in tank.keywords.items():
            forms = keyword_forms(text, tokenizer)
            if not forms:
                continue
            key = frozenset(forms)
            if key in seen:
                old = keywords[seen[key]]
                keywords[seen[key]] = Keyword(old.text, old.weight + float(weight), tank_no)
                continue
            seen[key] = len(keywords)
            for form in forms:
                by_form.setdefault(form, []).append(len(keywords))
            keywords.append(Keyword(text, float(weight), tank_no))
    single: dict[str, tuple[int, ...]] = {}
    grouped: dict[str, list[tuple[tuple[str, ...], tuple[int, ...]]]] = {}
    for form, ids in sorted(by_form.items()):
        if len(form) == 1:
            single[form[0]] = tuple(ids)
        else:
            grouped.setdefault(form[0], []).append((form[1:], tuple(ids)))
    phrases = {first: tuple(rest) for first, rest in grouped.items()}
    inner_max = max((len(w) for w in single if len(w) >= MIN_INNER_WORD), default=0)
    return KeywordIndex(tuple(keywords), single, phrases, inner_max)


def _token_keywords(index: KeywordIndex, token: str) -> tuple[int, ...]:
    """The keywords one token counts for: itself, and the words inside it."""
    ids = index.single.get(token, ())
    if index.inner_max and MIN_INNER_WORD < len(token) <= MAX_INNER_TOKEN:
        for word in inner_words(token, index.single, index.inner_max):
            ids += index.single[word]
    return ids


def count_keywords(index: KeywordIndex, tokens: list[str]) -> dict[int, int]:
    """How often each keyword occurs in a list of tokens, by keyword id."""
    found: dict[int, int] = {}
    counts = Counter(tokens)
    memo, matching = index.memo, index.matching
    # Set arithmetic in C, each over the message's words only (a set minus a dict looks each of
    # the set's items up; a dict view minus a dict view would walk the whole memo).
    for token in set(counts).difference(memo):
        ids = _token_keywords(index, token)
        if len(memo) < MEMO_LIMIT:
            memo[token] = ids
            if ids:
                matching[token] = ids
        elif ids:
            for kid in ids:
                found[kid] = found.get(kid, 0) + counts[token]
    for token in counts.keys() & matching.keys():
        n = counts[token]
        for kid in matching[token]:
            found[kid] = found.get(kid, 0) + n
    if index.phrases:
        for first in counts.keys() & index.phrases.keys():
            at = -1
            while (at := _find(tokens, first, at + 1)) >= 0:
                for rest, ids in index.phrases[first]:
                    if tuple(tokens[at + 1 : at + 1 + len(rest)]) == rest:
                        for kid in ids:
                            found[kid] = found.get(kid, 0) + 1
    return found


def _find(tokens: list[str], token: str, start: int) -> int:
    try:
        return tokens.index(token, start)
    except ValueError:
        return -1
