"""A tiny stress run in the regular suite: the privacy part against the real bot process, on a
SQLite file and on four workers sharing PostgreSQL (when a server is reachable)."""

from __future__ import annotations

from pathlib import Path

from tests.pg import not_run
from tests.stress import privacy, store
from tests.stress.report import table
from tests.stress.scale import Scale


async def test_the_privacy_part_runs_against_the_real_bot(tmp_path: Path) -> None:
    rows = await privacy.run(Scale(privacy_residents=3), tmp_path, seed=1)
    assert rows and all(row.ok for row in rows), table(rows)


async def test_the_privacy_part_runs_against_four_workers_on_postgresql(tmp_path: Path) -> None:
    why = await store.reachable()
    if why is not None:
        not_run(why)
    rows = await privacy.run(Scale(privacy_residents=3), tmp_path, seed=1, database="postgres")
    assert rows and all(row.ok for row in rows), table(rows)
    assert "4 workers on PostgreSQL" in rows[0].tried, table(rows)
