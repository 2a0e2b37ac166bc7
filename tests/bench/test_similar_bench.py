"""The similarity bench on a small district: it runs, and the table has its rows."""

from __future__ import annotations

from pathlib import Path

from tests.bench import similar_rows
from tests.bench.report import Report


def test_the_similarity_bench_fills_its_rows(tmp_path: Path) -> None:
    report = Report()
    similar_rows.add(report, tmp_path / "absent.csv", cases=1_000)
    table = report.markdown()
    for what in (
        "suggestion at intake",
        "through core's port",
        "index of 1,000",
        "tuning pairs",
        "holdout pairs",
    ):
        assert what in table, table
    assert "purity" in table and "citizen messages: skipped" in table, table
    assert all(row.figure and "nan" not in row.figure for row in report.rows), table
