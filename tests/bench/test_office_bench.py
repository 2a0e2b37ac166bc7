"""The benchmark's documents section on small files: it runs, and the table has its rows."""

from __future__ import annotations

from tests.bench import office
from tests.bench.report import Report


def test_the_documents_bench_fills_its_rows() -> None:
    report = Report()
    office.run(report, quick=True, rows=50, runs=1)
    table = report.markdown()
    for what in ("ledger .xlsx, 50 rows", "report .docx", "summary .docx", "cases by tank"):
        assert what in table, table
    assert "the three rates" in table and "working days" in table and "import bot" in table
    assert all(row.figure and "nan" not in row.figure for row in report.rows), table
