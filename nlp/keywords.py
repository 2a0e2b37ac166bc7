"""Keywords compiled to the token sequences they match, with their tank and weight."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from core.models import ThinkTank
from nlp.features import MAX_INNER_TOKEN, MIN_INNER_WORD, inner_words
from nlp.tokenizer import Tokenizer, normalize


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


def count_keywords(index: KeywordIndex, tokens: list[str]) -> dict[int, int]:
    """How often each keyword occurs in a list of tokens, by keyword id."""
    found: dict[int, int] = {}
    counts = Counter(tokens)
    single = index.single
    for token in counts.keys() & single.keys():
        n = counts[token]
        for kid in single[token]:
            found[kid] = found.get(kid, 0) + n
    if index.inner_max:
        for token, n in counts.items():
            if MIN_INNER_WORD < len(token) <= MAX_INNER_TOKEN:
                for word in inner_words(token, single, index.inner_max):
                    for kid in single[word]:
                        found[kid] = found.get(kid, 0) + n
    if index.phrases and (starts := counts.keys() & index.phrases.keys()):
        for i, token in enumerate(tokens):
            if token in starts:
                for rest, ids in index.phrases[token]:
                    if tuple(tokens[i + 1 : i + 1 + len(rest)]) == rest:
                        for kid in ids:
                            found[kid] = found.get(kid, 0) + 1
    return found
