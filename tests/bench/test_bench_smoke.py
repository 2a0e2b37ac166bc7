"""The benchmark's database and writer sections on a tiny district: they run, and the table
has their rows."""

from __future__ import annotations

from pathlib import Path

from tests.bench import dbscale, writerheld
from tests.bench.report import Report


async def test_the_quick_database_bench_fills_its_rows(tmp_path: Path) -> None:
    report = Report()
    await dbscale.run(report, cases=2_000, runs=1, workdir=tmp_path, due=20)
    table = report.markdown()
    for what in (
        "reminder sweep",
        "catch-up sweep",
        "/stats all",
        "/stats 30d",
        "/overdue",
        "/case",
        "bytes per",
    ):
        assert what in table, table
    assert all(row.figure and "nan" not in row.figure for row in report.rows), table
    catch_up = next(row for row in report.rows if "catch-up sweep" in row.what)
    assert "20 cases due" in catch_up.what


async def test_the_writer_bench_fills_its_rows(tmp_path: Path) -> None:
    report = Report()
    figures = await writerheld.run(report, tmp_path, draft_chars=300, events=200)
    table = report.markdown()
    assert "300-character draft" in table and "/case on a 200-event case" in table, table
    assert all(value > 0 for value in figures.values()), figures
