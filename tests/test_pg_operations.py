"""The SQLite file's commands on a PostgreSQL database: backup, restore and purge refuse with one
line pointing at pg_dump and pg_restore, before touching anything (restore used to write a
SQLite file beside the server unasked)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import bot

PG = "postgresql://nobody@127.0.0.1:1/none"  # never reached: the refusal comes first


@pytest.mark.parametrize(
    "command",
    [["backup", "copy.db"], ["restore", "old.db"], ["restore", "old.db", "--force"]],
)
def test_file_commands_on_postgresql_point_at_pg_dump_and_pg_restore(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in [k for k in os.environ if k.startswith("MINQING_") and k != "MINQING_STRICT_TEXTS"]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("MINQING_DATABASE", PG)
    (tmp_path / "old.db").write_bytes(b"SQLite format 3\x00")
    assert bot.main(command) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pg_dump -Fc" in err[0] and "pg_restore" in err[0], err
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["old.db"]  # nothing written


def test_member_add_on_postgresql_writes_to_the_server_not_a_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    pg_schema: tuple[str, str],
) -> None:
    import asyncio

    import asyncpg

    url, schema = pg_schema
    monkeypatch.chdir(tmp_path)
    for name in [k for k in os.environ if k.startswith("MINQING_") and k != "MINQING_STRICT_TEXTS"]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("MINQING_DATABASE", f"{url}?search_path={schema}")
    assert bot.main(["member", "add", "4242", "law", "--name", "张律师"]) == 0
    assert "added to think tank law" in capsys.readouterr().out

    async def members() -> list[tuple[str, str]]:
        conn = await asyncpg.connect(url, server_settings={"search_path": schema})
        try:
            rows = await conn.fetch("SELECT external_id, tank FROM people WHERE role = 'member'")
            return [(r[0], r[1]) for r in rows]
        finally:
            await conn.close()

    assert asyncio.run(members()) == [("4242", "law")]
    assert not list(tmp_path.rglob("*.db"))  # no SQLite file made beside the server
