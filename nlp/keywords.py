"""Keywords compiled to what they match, with their tank and weight (nlp.matching finds them)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from core.models import ThinkTank
from nlp.features import MIN_INNER_WORD
from nlp.pinyin import PinyinUnavailable, readings
from nlp.tokenizer import Tokenizer, normalize

# A typo is looked for in keywords of this many characters: shorter ones have too many
# homophones that are real words, longer ones are rarely typed wrong in one place only.
TYPO_LENGTHS = range(2, 7)


@dataclass(frozen=True, slots=True)
class Keyword:
    """One keyword of one tank: its text as written, its weight and the tank's index."""

    text: str
    weight: float
    tank: int


# A rule: words that must all occur somewhere in one concern, each of one family of alternatives
# ("没给|不给 + 钱|工钱" = 1.5: one of 没给, 不给 and one of 钱, 工钱). Written in a list as its
# families joined by " + ", each family's words joined by "|".
RULE_JOIN = "+"
RULE_ALTERNATIVE = "|"


@dataclass(frozen=True, slots=True)
class Rule:
    """A co-occurrence rule: its keyword id and its families of alternative words."""

    keyword: int
    families: tuple[tuple[str, ...], ...]


# A rule word is looked for only in a text holding its mark: the word's least likely pair of
# characters in a row (the character itself for a one-character word), so that a text holding
# a common character (了, 给) looks for none of the hundreds of words that share it, only for
# those whose pair it holds. mark -> (word, its places: (rule number, family number) ...) for
# every rule word with that mark. A word in several rules' families (跑了, 联系不上) is looked
# for once.
RuleMarks = dict[str, tuple[tuple[str, tuple[tuple[int, int], ...]], ...]]


def rule_marks(rules: Sequence[Rule], score: Callable[[str], float]) -> RuleMarks:
    """Every rule word under its mark: its pair of characters in a row that `score` finds least
    likely (the sum of the two characters' scores), or the word itself when it is one
    character."""
    places: dict[str, list[tuple[int, int]]] = {}
    for rule_no, rule in enumerate(rules):
        for family_no, family in enumerate(rule.families):
            for word in family:
                places.setdefault(word, []).append((rule_no, family_no))
    marks: dict[str, list[tuple[str, tuple[tuple[int, int], ...]]]] = {}
    for word, at in places.items():
        pairs = [word[i : i + 2] for i in range(len(word) - 1)] or [word]
        mark = min(pairs, key=lambda p: (sum(score(ch) for ch in p), p))
        marks.setdefault(mark, []).append((word, tuple(at)))
    return {mark: tuple(words) for mark, words in marks.items()}


# Phrases looked for around one of their words: (its position in the phrase, the phrase's words,
# keyword ids). That word is the phrase's rarest, so that common words (了, 不) trigger no search.
Phrases = tuple[tuple[int, tuple[str, ...], tuple[int, ...]], ...]


@dataclass(frozen=True, slots=True, eq=False)
class Found:
    """What one token counts for: keyword ids, the forms written differently, phrases it anchors.

    Compared and hashed by identity: one object per token, counted as the token is.
    """

    token: str = ""
    ids: tuple[int, ...] = ()
    written: tuple[tuple[int, str], ...] = ()  # (keyword id, the form in the text): typos
    phrases: Phrases = ()


UNSEEN = Found()  # what the memo answers for a token it has not seen


def keyword_forms(keyword: str, tokenizer: Tokenizer) -> set[tuple[str, ...]]:
    """The token sequences a keyword matches: itself as one token, or its words in a row.

    A keyword with spaces is a phrase of exactly those words ("拖欠 工资"). A keyword without
    spaces matches a token equal to it (or, see nlp.matching, inside a longer token), and
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


def rule_families(keyword: str) -> tuple[tuple[str, ...], ...]:
    """A rule's families of words ("没给|不给 + 钱" -> (没给, 不给), (钱,)); () for none.

    A keyword is a rule when it has "+" between two non-empty parts; every family must have a
    word, or the keyword is no rule (and matches nothing, as a keyword of no words does).
    """
    text = normalize(keyword).strip()
    if RULE_JOIN not in text:
        return ()
    families = tuple(
        tuple(dict.fromkeys(w.strip() for w in part.split(RULE_ALTERNATIVE) if w.strip()))
        for part in text.split(RULE_JOIN)
    )
    return families if len(families) > 1 and all(families) else ()


def is_han(text: str) -> bool:
    """True for a text of Chinese characters only."""
    return bool(text) and all("\u4e00" <= ch <= "\u9fff" for ch in text)


@dataclass(frozen=True, slots=True)
class KeywordIndex:
    """Lookup tables from tokens to keywords, built once per classifier."""

    keywords: tuple[Keyword, ...]
    single: dict[str, tuple[int, ...]]  # token -> keyword ids
    phrases: dict[str, Phrases]  # the phrase's rarest token -> the phrases it is in
    inner_max: int  # the longest single-token keyword, 0 when none can sit inside a token
    one_char: dict[str, tuple[int, ...]]  # Chinese keywords of one character
    typos: dict[str, tuple[tuple[int, str], ...]]  # "?款" -> (keyword id, the character: 贷)
    has_dictionary: bool  # the tokenizer lets Python read its dictionary (jieba does)
    known: Callable[[str], bool]  # a word of the tokenizer's dictionary
    score: Callable[[str], float]  # its log probability, as jieba scores a cut
    rules: tuple[Rule, ...] = ()  # co-occurrence rules, looked for in the concern's text
    marks: RuleMarks = field(default_factory=dict)
    # token -> what it counts for, None for nothing
    memo: dict[str, Found | None] = field(default_factory=dict)


def build_index(tanks: Sequence[ThinkTank], tokenizer: Tokenizer) -> KeywordIndex:
    """Compile every tank's keywords; the same words twice in one tank add their weights."""
    keywords: list[Keyword] = []
    by_form: dict[tuple[str, ...], list[int]] = {}
    rules: list[Rule] = []
    score = getattr(tokenizer, "log_probability", _zero)
    for tank_no, tank in enumerate(tanks):
        seen: dict[frozenset[tuple[str, ...]], int] = {}
        for text, weight in tank.keywords.items():
            families = rule_families(text)
            if families:
                rules.append(Rule(len(keywords), families))
                keywords.append(Keyword(text, float(weight), tank_no))
                continue
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
    grouped: dict[str, list[tuple[int, tuple[str, ...], tuple[int, ...]]]] = {}
    for form, ids in sorted(by_form.items()):
        if len(form) == 1:
            single[form[0]] = tuple(ids)
        else:
            at = min(range(len(form)), key=lambda i: (score(form[i]), i))
            grouped.setdefault(form[at], []).append((at, form, tuple(ids)))
    phrases = {anchor: tuple(found) for anchor, found in grouped.items()}
    inner_max = max((len(w) for w in single if len(w) >= MIN_INNER_WORD), default=0)
    one_char = {w: ids for w, ids in single.items() if len(w) == 1 and is_han(w)}
    return KeywordIndex(
        tuple(keywords),
        single,
        phrases,
        inner_max,
        one_char,
        _typo_patterns(single, tokenizer),
        getattr(tokenizer, "frequencies", None) is not None,
        getattr(tokenizer, "is_known", _always),
        getattr(tokenizer, "log_probability", _zero),
        tuple(rules),
        rule_marks(rules, score),
    )


def _always(word: str) -> bool:
    return True


def _zero(word: str) -> float:
    return 0.0


def _typo_patterns(
    single: dict[str, tuple[int, ...]], tokenizer: Tokenizer
) -> dict[str, tuple[tuple[int, str], ...]]:
    """Each Chinese keyword with one character left out, where a homophone may stand."""
    if getattr(tokenizer, "frequencies", None) is None:
        return {}  # no dictionary to tell a typo from a real word
    try:
        table = readings()
    except PinyinUnavailable:
        return {}
    patterns: dict[str, list[tuple[int, str]]] = {}
    for word, ids in single.items():
        if len(word) not in TYPO_LENGTHS or not is_han(word):
            continue
        for at, ch in enumerate(word):
            if ch in table:
                pattern = f"{word[:at]}?{word[at + 1 :]}"
                patterns.setdefault(pattern, []).extend((kid, ch) for kid in ids)
    return {p: tuple(v) for p, v in patterns.items()}
