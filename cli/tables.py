"""Tables people can read on a terminal: an evaluation's per-label figures and confusion
matrix, a keyword suggestion's changes. rich aligns by display width, so Chinese labels (two
columns each) line up; --json output never goes through here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from nlp.evaluate import Report
from nlp.suggest import Suggestion
from nlp.tankfile import number


def stdout_console() -> Console:
    """The console for a command's result (stdout); is_terminal tells whether to draw tables."""
    return Console(highlight=False)


def show(console: Console, parts: Sequence[RenderableType]) -> None:
    """Print tables and lines, one after the other."""
    for part in parts:
        console.print(part)


def evaluation_tables(report: Report) -> list[RenderableType]:
    """Per-label precision, recall, F1 and support; the totals; the confusion matrix."""
    labels = Table(title="per label", title_justify="left")
    labels.add_column("label")
    for name in ("precision", "recall", "F1", "support"):
        labels.add_column(name, justify="right")
    for label, s in report.per_label.items():
        labels.add_row(
            label, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", f"{s.support}"
        )
    summary = Text(
        f"macro-F1 {report.macro_f1:.4f}   accuracy {report.accuracy:.4f}   "
        f"triage {report.triage_share:.1%}   messages {report.messages}   "
        f"{report.messages_per_second:,.0f} messages/s"
    )
    confusion = Table(
        title="confusion (rows: true label, columns: predicted)", title_justify="left"
    )
    columns = list(next(iter(report.confusion.values()), {}).keys())
    confusion.add_column("true \\ predicted")
    for column in columns:
        confusion.add_column(column, justify="right")
    for label, row in report.confusion.items():
        confusion.add_row(label, *(f"{row[c]}" for c in columns))
    return [labels, summary, confusion]


def suggestion_tables(s: Suggestion) -> list[RenderableType]:
    """The changes per tank with their cases, the effect, the cases still misrouted."""
    names = {t.code: t.name_zh for t in s.tanks}
    n = len(s.examples)
    if not n and not s.unknown:
        return [
            Text("还没有更正（转交或分诊决定），没有可学的。No corrections yet: nothing to learn.")
        ]
    parts: list[RenderableType] = []
    if s.changes:
        changes = Table(
            title=f"关键词建议 keyword changes, from the last correction of {n} cases",
            title_justify="left",
        )
        for name, justify in (
            ("智库 tank", "left"),
            ("关键词 keyword", "left"),
            ("现在 now", "right"),
            ("建议 new", "right"),
            ("案件 cases", "left"),
        ):
            changes.add_column(name, justify=justify)  # type: ignore[arg-type]
        for c in s.changes:
            old = "新增 new" if c.old is None else number(c.old)
            word = f"{c.keyword} (+domain_words)" if c.domain_word else c.keyword
            cases = ", ".join(f"#{i}" for i in c.cases)
            changes.add_row(f"{names[c.tank]} {c.tank}", word, old, number(c.new), cases)
        parts.append(changes)
    else:
        parts.append(Text("没有要修改的关键词。Nothing to suggest."))
    parts.append(
        Text(
            f"效果 effect: 现有词表分对 right now {s.right_before}/{n}，"
            f"建议的词表 suggested {s.right_after}/{n}"
        )
    )
    wrong = [(e, a) for e, a in zip(s.examples, s.after, strict=True) if a != e.label]
    if wrong:
        misrouted = Table(title="仍未分对 still misrouted", title_justify="left")
        for name in ("案件 case", "应为 should be", "现为 now"):
            misrouted.add_column(name)
        for e, a in wrong:
            should = f"{names[e.label]} {e.label}" if e.label else "分诊 triage"
            now = f"{names[a]} {a}" if a else "分诊 triage"
            misrouted.add_row(f"#{e.case_id}", should, now)
        parts.append(misrouted)
    if s.unknown:
        cases = ", ".join(f"#{i}" for i in s.unknown)
        parts.append(
            Text(f"跳过 skipped ({cases}): 词表里已没有其智库 their tank is not in the file")
        )
    return parts


def suggestion_data(s: Suggestion) -> dict[str, Any]:
    """The suggestion as plain JSON-ready data."""
    return {
        "cases": len(s.examples),
        "right_before": s.right_before,
        "right_after": s.right_after,
        "changes": [
            {
                "tank": c.tank,
                "keyword": c.keyword,
                "old": c.old,
                "new": c.new,
                "cases": list(c.cases),
                "domain_word": c.domain_word,
            }
            for c in s.changes
        ],
        "misrouted": [
            {"case": e.case_id, "label": e.label, "now": a}
            for e, a in zip(s.examples, s.after, strict=True)
            if a != e.label
        ],
        "skipped": list(s.unknown),
    }
