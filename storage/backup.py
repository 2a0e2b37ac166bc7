"""Backup and restore of the database file: a copy is checked before it replaces anything, and
a replaced database is kept beside it, never deleted."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import aiosqlite

_JOURNAL = ("", "-wal", "-shm")
_CORE_TABLES = {"people", "cases", "case_events", "outbox"}
_STEP = 1024  # pages copied per backup step, between progress reports

PageProgress = Callable[[int, int], None]
"""Told (pages copied, pages in all) as a backup or restore goes on."""


class RestoreError(ValueError):
    """A backup that cannot be restored, with the reason; nothing was changed."""


async def backup_to(
    reader: aiosqlite.Connection, target: Path, overwrite: bool, progress: PageProgress | None
) -> int:
    """Copy a database through one of its connections into a checked new file at target;
    returns the copy's page count (see Database.backup)."""
    await asyncio.to_thread(_make_room, target, overwrite)
    staging = target.with_name(f".{target.name}.partial")
    await asyncio.to_thread(_remove_with_journal, staging)
    try:
        copy = await aiosqlite.connect(str(staging), isolation_level=None)
        try:
            await reader.backup(copy, pages=_STEP, progress=_pages(progress))
            problems = [str(r[0]) for r in await copy.execute_fetchall("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise RuntimeError(f"backup {target} failed its integrity check: {problems[:5]}")
            rows = list(await copy.execute_fetchall("PRAGMA page_count"))
            await copy.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            await copy.close()
        await asyncio.to_thread(_settle, staging, target)
    except BaseException:
        await asyncio.to_thread(_remove_with_journal, staging)
        raise
    return int(rows[0][0]) if rows else 0


async def restore_from(
    source: Path,
    target: Path,
    skip_numbers: int,
    kept: Path | None,
    latest: int,
    progress: PageProgress | None,
) -> int:
    """Check the backup at source, copy it beside target, then swap it in; returns the last
    case number now taken (see Database.restore)."""
    await asyncio.to_thread(check_backup, source, latest)
    await asyncio.to_thread(_check_target, target, kept)
    staging = target.with_name(f".{target.name}.restoring")
    await asyncio.to_thread(_remove_with_journal, staging)
    try:
        src = await aiosqlite.connect(_read_only_uri(source), uri=True)
        try:
            dst = await aiosqlite.connect(str(staging), isolation_level=None)
            try:
                await src.backup(dst, pages=_STEP, progress=_pages(progress))
                last = await _skip_case_numbers(dst, skip_numbers)
                await dst.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                await dst.close()
        finally:
            await src.close()
        await asyncio.to_thread(_swap_in, staging, target, kept)
    except BaseException:
        await asyncio.to_thread(_remove_with_journal, staging)
        raise
    return last


def check_backup(path: Path, latest: int) -> int:
    """Check that a file is a sound Minqing database of schema version 1..latest; returns its
    version, or raises RestoreError saying what is wrong with it. Opens it read-only."""
    if not path.is_file():
        raise RestoreError(f"{path}: no such file")
    with path.open("rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            raise RestoreError(f"{path}: not a SQLite database")
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            tables = {str(r[0]) for r in rows}
            if version > latest:
                raise RestoreError(
                    f"{path}: schema version {version} is newer than this Minqing's ({latest})"
                )
            if version < 1 or not tables >= _CORE_TABLES:
                raise RestoreError(f"{path}: not a Minqing database (schema version {version})")
            problems = [str(r[0]) for r in conn.execute("PRAGMA integrity_check(5)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise RestoreError(f"{path}: not a sound SQLite database ({e})") from e
    if problems != ["ok"]:
        raise RestoreError(f"{path}: fails its integrity check: {'; '.join(problems)}")
    return version


def _make_room(target: Path, overwrite: bool) -> None:
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} exists")
    target.parent.mkdir(parents=True, exist_ok=True)


def _check_target(target: Path, kept: Path | None) -> None:
    if not target.exists():
        return
    if kept is None:
        raise RestoreError(f"{target} exists: say where to keep it")
    if any(Path(f"{kept}{suffix}").exists() for suffix in _JOURNAL):
        raise RestoreError(f"{kept} exists: it will not be overwritten")


async def _skip_case_numbers(conn: aiosqlite.Connection, skip: int) -> int:
    """Move the next case number on; returns the last number now taken."""
    rows = list(await conn.execute_fetchall("SELECT seq FROM sqlite_sequence WHERE name = 'cases'"))
    last = (int(rows[0][0]) if rows else 0) + skip
    if skip:
        await conn.execute("BEGIN IMMEDIATE")
        await conn.execute("DELETE FROM sqlite_sequence WHERE name = 'cases'")
        await conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('cases', ?)", (last,))
        await conn.execute("COMMIT")
    return last


def _remove_with_journal(path: Path) -> None:
    for suffix in _JOURNAL:
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _settle(staging: Path, target: Path) -> None:
    """Put a finished copy in place of target; a -wal or -shm left of the file it replaces
    would be read as part of the copy, so they go first."""
    for suffix in ("-wal", "-shm"):
        Path(f"{staging}{suffix}").unlink(missing_ok=True)
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staging, target)


def _swap_in(staging: Path, target: Path, kept: Path | None) -> None:
    """Move the target with its -wal and -shm aside to `kept` (committed work that a crashed
    writer left in the -wal goes with it), then move the restored copy in."""
    if kept is not None and target.exists():
        for suffix in _JOURNAL:
            old = Path(f"{target}{suffix}")
            if old.exists():
                os.replace(old, f"{kept}{suffix}")
    _settle(staging, target)


def _read_only_uri(path: Path) -> str:
    """A URI that opens a file read-only and never creates it."""
    return path.resolve().as_uri() + "?mode=ro"


def _pages(progress: PageProgress | None) -> Callable[[int, int, int], None] | None:
    """SQLite's backup progress (status, remaining, total) as (done, total)."""
    if progress is None:
        return None
    report = progress

    def step(status: int, remaining: int, total: int) -> None:
        report(total - remaining, total)

    return step
