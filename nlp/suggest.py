"""Keyword changes suggested by people's routing corrections: a capped, mistake-driven update.

Every transfer and every triage decision is a labelled example: the case's text and where a
person put it (a tank, or None: triage, the concern belongs to no tank). A case moved twice is
one example, labelled by its last correction.

1. Every example is routed with the current lists by the real classifier and tokenizer.
2. Candidate new keywords of tank T: words (two or more characters, not filler, not another
   tank's keyword) of examples that should go to T but do not, which no keyword of T matches
   yet, found in at least `min_support` such examples and in no example labelled otherwise.
3. Perceptron rounds over the misrouted examples: each one still wrong raises its words for
   the right tank (the keywords of that tank it contains, and candidates) and lowers the
   matched keywords of the tank it wrongly went to (or was wrongly best in). Per round a
   keyword moves `step` the way most of its cases push, and only ever that way; in all at most
   `max_change` (a new one starts at 0), never below 0 or above `max_weight`.
   Rounds stop when they are all routed right or nothing moves.
4. Selection: the changes, most supported first (at most `max_changes` per tank), are kept one
   by one only if no example the current lists route right goes wrong; then any change whose
   removal fixes no fewer examples is dropped, so each change shown is needed.
5. The suggested lists are checked with the real classifier, new keywords in the tokenizer's
   dictionary; should that undo a right routing, the new keywords are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from core.models import Correction, ThinkTank
from nlp.classifier import MAX_CHARS, KeywordClassifier
from nlp.keyword_update import Change, Example, SuggestOptions, UpdateModel
from nlp.tankfile import number
from nlp.tokenizer import Tokenizer

TokenizerFor = Callable[[Sequence[ThinkTank]], Tokenizer]
SHOW_WRONG = 20  # misrouted cases listed by number; the rest are counted


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The changes, the lists with them, and the routing of every example before and after."""

    examples: tuple[Example, ...]
    before: tuple[str | None, ...]
    after: tuple[str | None, ...]
    changes: tuple[Change, ...]
    tanks: tuple[ThinkTank, ...]
    unknown: tuple[int, ...] = ()  # cases whose tank the file no longer has

    @property
    def right_before(self) -> int:
        """How many examples the current lists route right."""
        return sum(p == e.label for p, e in zip(self.before, self.examples, strict=True))

    @property
    def right_after(self) -> int:
        """How many examples the suggested lists route right."""
        return sum(p == e.label for p, e in zip(self.after, self.examples, strict=True))


def examples_from(
    corrections: Iterable[Correction], codes: Iterable[str]
) -> tuple[list[Example], list[int]]:
    """One example per case (its last correction; give them oldest first), unknown-tank cases."""
    known = set(codes)
    latest = {c.case_id: c for c in corrections}
    examples, unknown = [], []
    for case_id in sorted(latest):
        c = latest[case_id]
        if c.new_tank is not None and c.new_tank not in known:
            unknown.append(case_id)
        elif c.text.strip():
            examples.append(Example(case_id, c.text, c.new_tank))
    return examples, unknown


def suggest(
    corrections: Iterable[Correction],
    tanks: Sequence[ThinkTank],
    tokenizer_for: TokenizerFor,
    options: SuggestOptions | None = None,
) -> Suggestion:
    """The keyword changes the corrections call for; `tokenizer_for` builds the bot's tokenizer."""
    opts = options or SuggestOptions()
    tanks = tuple(tanks)
    examples, unknown = examples_from(corrections, (t.code for t in tanks))
    tokenizer = tokenizer_for(tanks)
    current = KeywordClassifier(tanks, tokenizer)
    docs = [tokenizer.cut(e.text[:MAX_CHARS]) for e in examples]
    before = tuple(current.classify_tokens(d).tank for d in docs)
    model = UpdateModel(tanks, tokenizer, examples, docs, before, opts)
    for with_new in (True, False):
        if not with_new:
            model.new = set()  # learn again without new keywords
        changes = model.select(model.learn())
        suggested = _apply(tanks, changes)
        if any(c.old is None for c in changes):
            check = KeywordClassifier(suggested, tokenizer_for(suggested))
        else:
            check = KeywordClassifier(suggested, tokenizer)
        after = tuple(check.classify(e.text).tank for e in examples)
        if all(
            a == e.label for a, b, e in zip(after, before, examples, strict=True) if b == e.label
        ):
            break
    else:  # weight changes alone are checked on the same tokens: never reached
        changes, suggested, after = [], tanks, before
    return Suggestion(tuple(examples), before, after, tuple(changes), suggested, tuple(unknown))


def _apply(tanks: Sequence[ThinkTank], changes: Sequence[Change]) -> tuple[ThinkTank, ...]:
    out = []
    for tank in tanks:
        mine = [c for c in changes if c.tank == tank.code]
        keywords = dict(tank.keywords) | {c.keyword: c.new for c in mine}
        added = tuple(c.keyword for c in mine if c.domain_word)
        out.append(replace(tank, keywords=keywords, domain_words=tank.domain_words + added))
    return tuple(out)


def report_lines(s: Suggestion) -> list[str]:
    """The suggestion for an operator: per tank each change and its cases, then the effect."""
    names = {t.code: t.name_zh for t in s.tanks}
    n = len(s.examples)
    if not n and not s.unknown:
        return ["还没有更正（转交或分诊决定），没有可学的。No corrections yet: nothing to learn."]
    lines = [
        f"依据 {n} 个案件的最后一次更正（转交或分诊决定）建议修改关键词权重：",
        f"Keyword weights the last correction of each of {n} cases calls for:",
    ]
    if not s.changes:
        lines.append("没有要修改的关键词。Nothing to suggest.")
    for c in s.changes:
        cases = ", ".join(f"#{i}" for i in c.cases)
        old = "新增 new" if c.old is None else number(c.old)
        extra = "; 加入 domain_words" if c.domain_word else ""
        lines.append(
            f"{names[c.tank]} {c.tank}: {c.keyword} {old} → {number(c.new)} ({cases}){extra}"
        )
    lines += [
        f"效果：现有词表分对 {s.right_before}/{n} 个案件，建议的词表分对 {s.right_after}/{n}。",
        f"Effect: the current lists route {s.right_before} of {n} cases right,"
        f" the suggested lists {s.right_after} of {n}.",
    ]
    wrong = [(e, a) for e, a in zip(s.examples, s.after, strict=True) if a != e.label]
    for e, a in wrong[:SHOW_WRONG]:
        should = f"{names[e.label]} {e.label}" if e.label else "分诊 triage"
        now = f"{names[a]} {a}" if a else "分诊 triage"
        lines.append(
            f"仍未分对 still misrouted: #{e.case_id} 应为 should be {should}, 现为 now {now}"
        )
    if len(wrong) > SHOW_WRONG:
        lines.append(f"…… 另有 {len(wrong) - SHOW_WRONG} 个 and {len(wrong) - SHOW_WRONG} more")
    if s.unknown:
        cases = ", ".join(f"#{i}" for i in s.unknown)
        lines.append(f"跳过 skipped ({cases}): 词表里已没有其智库 their tank is not in the file")
    return lines
