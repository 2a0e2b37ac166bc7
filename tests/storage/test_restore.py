"""Restore on real files: a wrong source changes nothing, and the replaced database is kept."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from storage.db import Database, RestoreError, migrations


def case_texts(path: Path) -> list[str]:
    """The texts of the cases in a database file (its WAL included)."""
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT text FROM cases ORDER BY id")]
    finally:
        conn.close()


def names(folder: Path) -> list[str]:
    """The files in a folder."""
    return sorted(p.name for p in folder.iterdir())


def exists(path: Path | str) -> bool:
    """Whether a file is there."""
    return Path(path).exists()


async def make_db(path: Path, *texts: str) -> None:
    """A migrated database with one resident and a case per text."""
    db = await Database.open(path)
    try:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO people (id, channel, external_id, chat_id, created_at)"
                " VALUES (1, 'telegram', '1', '1', 0)"
            )
            for text in texts:
                await conn.execute(
                    "INSERT INTO cases (resident_id, channel, text, status, created_at,"
                    " updated_at) VALUES (1, 'telegram', ?, 'open', 0, 0)",
                    (text,),
                )
    finally:
        await db.close()


@pytest.fixture
async def live(tmp_path: Path) -> Path:
    """The live database, one case in it."""
    path = tmp_path / "minqing.db"
    await make_db(path, "路灯坏了")
    return path


def other_schema(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (x TEXT)")


def newer_schema(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE cases (id INTEGER PRIMARY KEY)")
        conn.execute(f"PRAGMA user_version = {migrations()[-1][0] + 1}")


def corrupt(path: Path) -> None:
    """A database of this schema whose cases table has a broken page."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
        for table in ("people", "case_events", "outbox"):
            conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
        conn.execute("CREATE TABLE cases (id INTEGER PRIMARY KEY, text TEXT)")
        conn.executemany("INSERT INTO cases (text) VALUES (?)", [("x" * 500,)] * 200)
        conn.execute(f"PRAGMA user_version = {migrations()[-1][0]}")
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'cases'").fetchone()[0]
    data = bytearray(path.read_bytes())
    start = (root - 1) * page  # the table's interior page: cell pointers to garbage
    data[start + 12 : start + 40] = b"\xff" * 28
    path.write_bytes(bytes(data))


BAD_SOURCES = {
    "missing": (lambda p: None, "no such file"),
    "text": (lambda p: p.write_text("not a database\n" * 100), "not a SQLite database"),
    "empty": (lambda p: p.touch(), "not a SQLite database"),
    "other schema": (other_schema, "not a Minqing database"),
    "newer schema": (newer_schema, "newer"),
    "corrupt": (corrupt, "integrity"),
}


@pytest.mark.parametrize("kind", list(BAD_SOURCES))
async def test_a_wrong_source_changes_nothing(tmp_path: Path, live: Path, kind: str) -> None:
    make, reason = BAD_SOURCES[kind]
    source = tmp_path / "backup.db"
    make(source)
    before = names(tmp_path)
    with pytest.raises(RestoreError, match=reason):
        await Database.restore(source, live, 1000, keep_as=tmp_path / "kept.db")
    assert names(tmp_path) == before
    assert case_texts(live) == ["路灯坏了"]


async def test_the_replaced_database_is_kept_with_its_wal(tmp_path: Path, live: Path) -> None:
    # A bot that crashed leaves committed work in the -wal file only: it goes with the file.
    writer = sqlite3.connect(live)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("UPDATE cases SET text = '路灯修好了'")
    writer.commit()
    crashed = tmp_path / "crashed.db"
    for suffix in ("", "-wal"):
        shutil.copy(f"{live}{suffix}", f"{crashed}{suffix}")
    writer.close()
    backup = tmp_path / "backup.db"
    await make_db(backup, "工资拖欠", "土地纠纷")

    kept = tmp_path / "crashed.db.replaced-20260101T000000Z"
    last = await Database.restore(backup, crashed, 1000, keep_as=kept)

    assert last == 1002
    assert case_texts(crashed) == ["工资拖欠", "土地纠纷"]
    assert not exists(f"{crashed}-wal")
    assert case_texts(kept) == ["路灯修好了"]
    conn = sqlite3.connect(kept)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


async def test_restore_refuses_to_overwrite_a_kept_file(tmp_path: Path, live: Path) -> None:
    backup = tmp_path / "backup.db"
    await make_db(backup, "工资拖欠")
    kept = tmp_path / "kept.db"
    kept.write_text("an older copy")
    with pytest.raises(RestoreError, match="exists"):
        await Database.restore(backup, live, 0, keep_as=kept)
    assert case_texts(live) == ["路灯坏了"] and kept.read_text() == "an older copy"


async def test_restore_into_an_existing_file_must_keep_it(tmp_path: Path, live: Path) -> None:
    backup = tmp_path / "backup.db"
    await make_db(backup, "工资拖欠")
    with pytest.raises(RestoreError, match="keep"):
        await Database.restore(backup, live, 0)
    assert case_texts(live) == ["路灯坏了"]


async def test_backup_refuses_to_overwrite_unless_told(tmp_path: Path, live: Path) -> None:
    target = tmp_path / "copy.db"
    target.write_text("yesterday's backup")
    db = await Database.open(live)
    try:
        with pytest.raises(FileExistsError):
            await db.backup(target)
        assert target.read_text() == "yesterday's backup"
        assert await db.backup(target, overwrite=True) > 0
    finally:
        await db.close()
    assert case_texts(target) == ["路灯坏了"]
