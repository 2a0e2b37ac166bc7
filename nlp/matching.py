"""Finding a tank's keywords in a concern's words, each counted once, as the resident wrote it.

What one word (token) counts for is worked out once and remembered (nlp.keywords.Found):

- the keyword equal to it, and keywords inside it (价格 in 价格低), but never a keyword inside
  a longer keyword that also matched there: 担保人 counts, not 担保 again; 担保公司 counts for
  economy, not 担保 for law. A phrase ("拖欠 工资") likewise covers the words it is made of.
  Nor do two keywords that overlap both count: each character is read as one word, the longer
  (or, as long, the earlier) one (养鸡场 is 养鸡, not 养鸡 and 鸡场);
- a one-character keyword (种, 告) inside a short word that jieba made of it and a neighbour:
  a word its HMM made up of characters it did not know together (想告, 地来种), or a
  dictionary word that barely holds together (人种 in 没|人种, where 没人|种 was meant: jieba
  scores 人种 under e^COHESION times its two characters apart; 这种 and 外地 hold well);
- a keyword typed with one character of the same sound (代款 for 贷款, 农要 for 农药: the
  keyword character's commonest reading, see nlp.pinyin), when what was typed is no word of
  the dictionary: 公正 is no typo of 公证, 花费 none of 化肥;
- an English word in a plain inflection (wages for wage, loans for loan).

A co-occurrence rule ("没给|不给 + 钱|工钱") is looked for in the concern's text, not word by
word (jieba cuts 不还钱 into 不|还|钱): it counts once when each of its families has a word
somewhere in the text, and is shown as the words found, in the text's order (没给…工钱). Its
words cover nothing and nothing covers them: a rule adds to the keywords it shares words with.

Each decision is about the word alone, so it is remembered with it: a message costs one
lookup per distinct word, whatever the lists hold.
"""

from __future__ import annotations

from collections import ChainMap, Counter
from collections.abc import Callable, Iterator
from itertools import repeat

from nlp.features import MAX_INNER_TOKEN, MIN_INNER_WORD
from nlp.keywords import TYPO_LENGTHS, UNSEEN, Found, KeywordIndex, is_han
from nlp.pinyin import sound_alike

# Tokens remembered with what they count for. Words recur (Zipf), so after a few messages
# nearly every token is one dictionary lookup. Bounded, so odd input cannot grow it.
MEMO_LIMIT = 200_000
# jieba's HMM glues unknown characters in twos and threes; longer unknown words are names.
GLUE_MAX = 4
# A two-character dictionary word whose log probability is less than this above its two
# characters' apart is a loose one: 人种 0.9, 外地 2.6, 这种 6.1, 告诉 12.8.
COHESION = 1.0

Span = tuple[int, int, tuple[int, ...], str]  # start, end, keyword ids, the typo as written


def english_stems(word: str) -> Iterator[str]:
    """The plain forms an English word may be an inflection of: wages -> wage, paid stays."""
    if word.endswith("ies"):
        yield word[:-3] + "y"
    if word.endswith("es"):
        yield word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        yield word[:-1]
    for ending in ("ed", "ing"):
        if word.endswith(ending):
            base = word[: -len(ending)]
            yield base
            yield base + "e"  # owed -> owe, hiring -> hire
            if len(base) > 2 and base[-1] == base[-2]:
                yield base[:-1]  # scammed -> scam, robbed -> rob


def analyse(index: KeywordIndex, token: str) -> Found | None:
    """What one token counts for, on its own; None for nothing."""
    phrases = index.phrases.get(token, ())
    if token.isascii():
        ids = index.single.get(token, ())
        written: tuple[tuple[int, str], ...] = ()
        if not ids and len(token) > 3 and token.isalpha():
            for stem in english_stems(token):
                ids = index.single.get(stem, ())
                if ids:
                    written = tuple((kid, token) for kid in ids)
                    break
        return Found(token, ids, written, phrases) if ids or phrases else None
    n = len(token)
    spans: list[Span] = []
    whole = index.single.get(token)
    if whole:
        spans.append((0, n, whole, ""))
    if index.inner_max and MIN_INNER_WORD < n <= MAX_INNER_TOKEN:
        single = index.single
        for size in range(MIN_INNER_WORD, min(n - 1, index.inner_max) + 1):
            for start in range(n - size + 1):
                inner = single.get(token[start : start + size])
                if inner:
                    spans.append((start, start + size, inner, ""))
    known = index.known(token)
    if 1 < n <= GLUE_MAX and index.one_char and (not known or _loose(index, token)):
        for at, ch in enumerate(token):
            ids = index.one_char.get(ch, ())
            if ids:
                spans.append((at, at + 1, ids, ""))
    if not known and index.typos and is_han(token):
        spans += _typos(index, token)
    kept = _one_word_per_character([s for s in spans if not any(_inside(s, o) for o in spans)])
    if not kept and not phrases:
        return None
    ids = tuple(kid for s in kept for kid in s[2])
    typos = tuple((kid, s[3]) for s in kept if s[3] for kid in s[2])
    return Found(token, ids, typos, phrases)


def _loose(index: KeywordIndex, token: str) -> bool:
    """True for a two-character dictionary word that barely holds together (人种)."""
    if len(token) != 2 or not index.has_dictionary:
        return False
    return index.score(token) - index.score(token[0]) - index.score(token[1]) < COHESION


def _inside(span: Span, other: Span) -> bool:
    """True when `span` lies within the longer `other`."""
    return other[0] <= span[0] and span[1] <= other[1] and other[1] - other[0] > span[1] - span[0]


def _one_word_per_character(spans: list[Span]) -> list[Span]:
    """The spans that share no character with a longer (or, as long, earlier) one kept.

    养鸡场 holds 养鸡 and 鸡场, which overlap on 鸡: it counts as 养鸡 alone, not twice.
    Spans at the very same place (one word, several keywords) stay together.
    """
    if len(spans) < 2:
        return spans
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(_apart(span, c) or span[:2] == c[:2] for c in chosen):
            chosen.append(span)
    return [s for s in spans if s in chosen]


def _apart(span: Span, other: Span) -> bool:
    return span[1] <= other[0] or other[1] <= span[0]


def _typos(index: KeywordIndex, token: str) -> list[Span]:
    """Keywords typed with one character of the same sound, inside an unknown token."""
    spans: list[Span] = []
    n = len(token)
    for size in TYPO_LENGTHS:
        if size > n:
            break
        for start in range(n - size + 1):
            piece = token[start : start + size]
            if piece in index.single or (size < n and index.known(piece)):
                continue
            for at in range(size):
                for kid, ch in index.typos.get(f"{piece[:at]}?{piece[at + 1 :]}", ()):
                    if sound_alike(piece[at], ch):
                        spans.append((start, start + size, (kid,), piece))
    return spans


def match_keywords(index: KeywordIndex, tokens: list[str]) -> tuple[dict[int, int], dict[int, str]]:
    """How often each keyword occurs, by id, and the typos among them as written."""
    memo = index.memo
    # C-level passes: what each token counts for (None for nothing, UNSEEN when not yet
    # known), the tokens that count, counted by identity.
    counts = Counter(filter(None, map(memo.get, tokens, repeat(UNSEEN))))
    lookup = memo.get
    if UNSEEN in counts:  # tokens never seen before
        fresh = {t: analyse(index, t) for t in set(tokens).difference(memo)}
        if len(memo) + len(fresh) <= MEMO_LIMIT:
            memo.update(fresh)
        else:
            lookup = ChainMap(fresh, memo).get
        counts = Counter(filter(None, map(lookup, tokens)))
    found: dict[int, int] = {}
    typed: list[Found] = []
    starts: list[Found] = []
    for what, n in counts.items():
        for kid in what.ids:
            found[kid] = found.get(kid, 0) + n
        if what.written:
            typed.append(what)
        if what.phrases:
            starts.append(what)
    if starts:
        _phrases(tokens, starts, found, lookup)
    written = _as_written(typed, counts) if typed else {}
    if index.rules:
        _rules(index, "".join(tokens), found, written)
    return found, written


def _rules(index: KeywordIndex, text: str, found: dict[int, int], written: dict[int, str]) -> None:
    """Count each rule whose every family has a word in `text`, with the words as found.

    Only the words whose mark (their rarest pair of characters, or their one character) the
    text holds are looked for.
    """
    present: dict[int, dict[int, list[str]]] = {}
    marks = index.marks
    held = set(text)
    held.update(map(str.__add__, text, text[1:]))
    for mark in marks.keys() & held:
        for word, places in marks[mark]:
            if word in text:
                for rule_no, family_no in places:
                    present.setdefault(rule_no, {}).setdefault(family_no, []).append(word)
    for rule_no, families in present.items():
        rule = index.rules[rule_no]
        if len(families) < len(rule.families):
            continue
        words = sorted(min((text.find(w), w) for w in ws) for ws in families.values())
        found[rule.keyword] = 1
        written[rule.keyword] = "…".join(dict.fromkeys(w for _, w in words))


def _as_written(typed: list[Found], counts: Counter[Found]) -> dict[int, str]:
    """The keywords written only as typos, with a typo seen: {贷款's id: 代款}."""
    forms: dict[int, str] = {}
    for what in typed:
        for kid, form in what.written:
            forms.setdefault(kid, form)
    for what in counts:
        written = {kid for kid, _ in what.written}
        for kid in what.ids:
            if kid not in written:
                forms.pop(kid, None)  # also written as it is on the list
    return forms


def count_keywords(index: KeywordIndex, tokens: list[str]) -> dict[int, int]:
    """How often each keyword occurs in a list of tokens, by keyword id."""
    return match_keywords(index, tokens)[0]


def _phrases(
    tokens: list[str],
    anchors: list[Found],
    found: dict[int, int],
    lookup: Callable[[str], Found | None],
) -> None:
    """Add the phrases found around their anchors; the words they cover no longer count alone."""
    covered: set[int] = set()
    for anchor in anchors:
        at = -1
        while (at := _find(tokens, anchor.token, at + 1)) >= 0:
            for offset, words, ids in anchor.phrases:
                start = at - offset
                end = start + len(words)
                if start < 0 or tuple(tokens[start:end]) != words:
                    continue
                for kid in ids:
                    found[kid] = found.get(kid, 0) + 1
                for position in range(start, end):
                    if position in covered:
                        continue
                    covered.add(position)
                    covering = lookup(tokens[position])
                    for kid in covering.ids if covering else ():
                        if kid not in ids and found.get(kid, 0) > 0:
                            found[kid] -= 1
                            if not found[kid]:
                                del found[kid]


def _find(tokens: list[str], token: str, start: int) -> int:
    try:
        return tokens.index(token, start)
    except ValueError:
        return -1
