"""The PostgreSQL sweep bench on a tiny district: it runs, each run does the same work (the due
cases are put back between runs), and the table has its rows."""

from __future__ import annotations

from tests.bench import pgscale
from tests.bench.report import Report
from tests.pg import not_run


async def test_the_postgresql_sweep_bench_fills_its_rows() -> None:
    report = Report()
    await pgscale.run(report, cases=3_000, runs=2)
    if not report.rows:
        not_run(" ".join(report.notes))
    table = report.markdown()
    assert "PostgreSQL reminder sweep" in table and "PostgreSQL catch-up sweep" in table, table
    catch_up = next(row for row in report.rows if "catch-up" in row.what)
    sent = catch_up.values["sent"]
    assert len(sent) == 2 and sent[0] == sent[1] > 0, sent
    assert "cases_to_check" in table  # the due query walks its index
