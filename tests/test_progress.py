"""Progress and tables for operators: plain lines off a terminal, a bar on one, silence for
--json, and tables aligned by display width (a Chinese character takes two columns)."""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console

from cli.progress import Bar, Plain, Silent, progress_for
from cli.tables import evaluation_tables, show, suggestion_data, suggestion_tables
from nlp.evaluate import score
from nlp.suggest import suggest


class Ticks:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_plain_lines_at_the_start_every_few_seconds_and_at_the_end() -> None:
    out, clock = io.StringIO(), Ticks()
    progress = Plain(out, every=5.0, clock=clock)
    with progress.task("learning", 100) as task:
        task.advance(10)  # no time has passed: no line
        clock.now += 5.0
        task.advance(10)
        clock.now += 2.0
        task.advance(30)
        clock.now += 3.0
        task.update(80)
        clock.now += 1.0
    assert out.getvalue().splitlines() == [
        "learning: 0/100 (0%)",
        "learning: 20/100 (20%), 5 s, about 20 s left",
        "learning: 80/100 (80%), 10 s, about 2 s left",
        "learning: 80/100 done in 11.0 s",
    ]


def test_plain_lines_when_the_total_is_learned_on_the_way() -> None:
    out, clock = io.StringIO(), Ticks()
    with Plain(out, every=1.0, clock=clock).task("backing up (pages)", None) as task:
        clock.now += 1.0
        task.update(1024, 4096)
        clock.now += 1.0
        task.update(4096, 4096)
    assert out.getvalue().splitlines() == [
        "backing up (pages): 0",
        "backing up (pages): 1024/4096 (25%), 1 s, about 3 s left",
        "backing up (pages): 4096/4096 (100%), 2 s",
        "backing up (pages): 4096/4096 done in 2.0 s",
    ]


def test_silent_for_json_and_a_bar_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    pipe = io.StringIO()
    assert isinstance(progress_for(silent=True, stream=Terminal()), Silent)
    assert isinstance(progress_for(stream=pipe), Plain)
    assert isinstance(progress_for(stream=Terminal()), Bar)
    screen = Terminal()
    bar = Bar(Console(file=screen, force_terminal=True, width=100, color_system=None))
    with bar.task("cutting messages", 40) as task:
        task.advance(40)
    drawn = screen.getvalue()
    assert "cutting messages" in drawn and "40/40" in drawn and "100%" in drawn
    with Silent().task("anything", 3) as quiet:
        quiet.advance(3)
    assert pipe.getvalue() == ""


def test_evaluation_tables_align_chinese_labels_by_display_width() -> None:
    truth = ["法律", "法律", "economy", "农业农村", "economy"]
    predicted: list[str | None] = ["法律", None, "economy", "农业农村", "法律"]
    console = Console(file=io.StringIO(), width=120, color_system=None, record=True)
    show(console, evaluation_tables(score(truth, predicted)))
    lines = console.export_text().splitlines()
    rows = [line for line in lines if line.startswith("│")]
    assert any("法律" in r for r in rows) and any("农业农村" in r for r in rows)
    for table in (rows[:3], rows[3:]):  # per label, then the confusion matrix: 3 rows each
        assert len(table) == 3 and len({cell_len(r) for r in table}) == 1, table
        bars = {tuple(i for i, c in enumerate(_cells(r)) if c == "│") for r in table}
        assert len(bars) == 1, table  # every column boundary at the same screen column


def _cells(line: str) -> list[str]:
    """The line as screen cells: a wide character and a blank after it."""
    cells: list[str] = []
    for ch in line:
        cells += [ch] + [""] * (cell_len(ch) - 1)
    return cells


def test_suggestion_tables_show_each_change_with_its_cases() -> None:
    from tests.nlp.test_suggest import ROWS, bot_tokenizer, corrections, tanks

    result = suggest(corrections(ROWS), tanks(), bot_tokenizer)
    console = Console(file=io.StringIO(), width=140, color_system=None, record=True)
    show(console, suggestion_tables(result))
    text = console.export_text()
    rows = [line for line in text.splitlines() if line.startswith("│")]
    changes = [r.split("│")[1:-1] for r in rows[:3]]
    assert [[cell.strip() for cell in row] for row in changes] == [
        ["法律 law", "工资", "1.2", "2.2", "#12"],
        ["法律 law", "扣钱", "新增 new", "1.0", "#4, #7"],
        ["经济 economy", "企业", "2.0", "1.5", "#12"],
    ]
    assert len({cell_len(r) for r in rows[:3]}) == 1
    assert "分对 right now 2/6，建议的词表 suggested 5/6" in text
    assert "#30" in text  # still misrouted, listed
    data = suggestion_data(result)
    assert data["right_before"] == 2 and data["right_after"] == 5 and data["skipped"] == [40]
    assert data["changes"][1] == {
        "tank": "law",
        "keyword": "扣钱",
        "old": None,
        "new": 1.0,
        "cases": [4, 7],
        "domain_word": False,
    }
