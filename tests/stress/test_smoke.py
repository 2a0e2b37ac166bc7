"""A tiny stress run in the regular suite: the privacy part against the real bot process."""

from __future__ import annotations

from pathlib import Path

from tests.stress import privacy
from tests.stress.report import table
from tests.stress.scale import Scale


async def test_the_privacy_part_runs_against_the_real_bot(tmp_path: Path) -> None:
    rows = await privacy.run(Scale(privacy_residents=3), tmp_path, seed=1)
    assert rows and all(row.ok for row in rows), table(rows)
