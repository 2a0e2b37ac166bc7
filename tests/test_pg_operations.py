"""The SQLite file's commands on a PostgreSQL database: backup and restore refuse with one line
pointing at pg_dump and pg_restore, before touching anything (restore used to write a SQLite
file beside the server unasked); member add and purge work on the server."""

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


def test_purge_on_postgresql_erases_old_closed_cases_on_the_server(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    pg_schema: tuple[str, str],
) -> None:
    """The retention purge is no file operation: on PostgreSQL it erases on the server, as on
    SQLite (it used to refuse, pointing at pg_dump, so a PostgreSQL deployment could not purge)."""
    import asyncio

    import asyncpg

    url, schema = pg_schema
    monkeypatch.chdir(tmp_path)
    for name in [k for k in os.environ if k.startswith("MINQING_") and k != "MINQING_STRICT_TEXTS"]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("MINQING_DATABASE", f"{url}?search_path={schema}")
    assert bot.main(["migrate"]) == 0
    day = 86_400_000
    now = int(bot.utcnow().timestamp() * 1000)

    async def cases(sql: str = "", *params: object) -> list[tuple[object, ...]]:
        conn = await asyncpg.connect(url, server_settings={"search_path": schema})
        try:
            if sql:
                await conn.execute(sql, *params)
            rows = await conn.fetch("SELECT id, contact_name, contact_phone FROM cases ORDER BY id")
            return [tuple(r) for r in rows]
        finally:
            await conn.close()

    person = (
        "INSERT INTO people (channel, external_id, chat_id, name, created_at)"
        " VALUES ('telegram', '424242', '424242', '王秘密', $1)"
    )
    asyncio.run(cases(person, now - 400 * day))
    insert = (
        "INSERT INTO cases (resident_id, channel, text, contact_name, contact_phone, status,"
        " created_at, updated_at, closed_at) SELECT id, 'telegram', '工资被拖欠', '王秘密',"
        " '13912345678', 'closed', $1, $1, $2 FROM people WHERE external_id = '424242'"
    )
    asyncio.run(cases(insert, now - 400 * day, now - 300 * day))
    asyncio.run(cases(insert, now - 20 * day, now - 10 * day))
    capsys.readouterr()
    assert bot.main(["purge", "--older-than", "180"]) == 0
    assert "from 1 closed cases older than 180 days" in capsys.readouterr().out
    assert asyncio.run(cases()) == [(1, None, None), (2, "王秘密", "13912345678")]
    assert not list(tmp_path.rglob("*.db"))  # no SQLite file made beside the server
