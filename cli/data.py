"""`minqing backup | restore | purge`: the database file, kept safe. Backup and restore are the
SQLite file's (PostgreSQL has pg_dump and pg_restore); purge erases on either database."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import cast

import bot
from cli.common import Subparsers, existing_database
from cli.progress import Progress, progress_for
from config.settings import Settings, SettingsError
from storage.backup import check_backup
from storage.db import Database, migrations
from storage.unit_of_work import unit_factory


def add_commands(sub: Subparsers) -> None:
    """Register backup, restore and purge."""
    backup = sub.add_parser("backup", help="copy the database safely while the bot runs")
    backup.add_argument("path", type=Path, help="the file to write the checked copy to")
    backup.add_argument("--force", action="store_true", help="replace the file if it exists")
    backup.set_defaults(handler=backup_command)
    restore = sub.add_parser("restore", help="replace the database with a backup (stop the bot)")
    restore.add_argument("path", type=Path, help="the backup file (checked before anything)")
    restore.add_argument(
        "--force",
        action="store_true",
        help="replace an existing database (kept beside it as <file>.replaced-<time>)",
    )
    restore.add_argument(
        "--skip-numbers",
        type=int,
        default=1000,
        metavar="N",
        help="continue case numbers N past the backup's last (default 1000)",
    )
    restore.set_defaults(handler=restore_command)
    purge = sub.add_parser("purge", help="erase identity from old closed cases")
    purge.add_argument(
        "--older-than",
        type=int,
        required=True,
        metavar="DAYS",
        help="erase from cases closed at least DAYS days ago (0 or more)",
    )
    purge.set_defaults(handler=purge_command)


def backup_command(settings: Settings, args: argparse.Namespace) -> int:
    """Copy the live database with SQLite's online backup, then check the copy."""
    existing_database(settings)
    if args.path.exists() and not args.force:
        raise SettingsError(f"{args.path} exists; add --force to replace it")
    pages = asyncio.run(_backup(settings, args.path, args.force, progress_for()))
    print(f"backed up {settings.database} to {args.path} ({pages} pages, integrity ok)")
    return 0


async def _backup(settings: Settings, target: Path, force: bool, progress: Progress) -> int:
    db = await Database.open(settings.database)
    try:
        with progress.task("backing up (pages)", None) as task:
            return await db.backup(target, overwrite=force, progress=task.update)
    except FileExistsError as e:
        raise SettingsError(f"{target} exists; add --force to replace it") from e
    finally:
        await db.close()


def restore_command(settings: Settings, args: argparse.Namespace) -> int:
    """Replace the database with a backup (stop the bot first). Case numbers go on N past the
    backup's last, so numbers residents were given after the backup are never reused. The
    backup is checked before anything is touched; the replaced file is kept beside it."""
    if settings.postgres_url is not None:
        existing_database(settings)  # refuses: PostgreSQL is restored with pg_restore
    if args.skip_numbers < 0:
        raise SettingsError(f"--skip-numbers must be 0 or more, not {args.skip_numbers}")
    check_backup(args.path, migrations()[-1][0])
    target = Path(settings.database)
    existed = target.exists()
    if existed and not args.force:
        raise SettingsError(f"MINQING_DATABASE: {target} exists; add --force to replace it")
    kept = target.with_name(f"{target.name}.replaced-{bot.utcnow():%Y%m%dT%H%M%SZ}")
    with progress_for().task("restoring (pages)", None) as task:
        restore = Database.restore(args.path, target, args.skip_numbers, kept, task.update)
        last = asyncio.run(restore)
    print(f"restored {args.path} into {target}; the next case is #{last + 1}")
    if existed:
        print(f"the database it replaced is kept as {kept}")
    return 0


def purge_command(settings: Settings, args: argparse.Namespace) -> int:
    """Erase identity from cases closed more than --older-than days ago."""
    if args.older_than < 0:
        raise SettingsError(f"--older-than must be 0 or more days, not {args.older_than}")
    if settings.postgres_url is None:  # the server the workers share needs no file
        existing_database(settings)
    with progress_for().task("purging", 1) as task:
        count = asyncio.run(_purge(settings, args.older_than))
        task.advance()
    print(
        f"erased name, contact and chat identity from {count} closed cases older than"
        f" {args.older_than} days"
    )
    return 0


async def _purge(settings: Settings, days: int) -> int:
    from core.cases import privacy

    if settings.postgres_url is not None:
        from storage.pg import PgDatabase

        pg = await PgDatabase.open(settings.postgres_url.get_secret_value(), size=1)
        db = cast(Database, pg)
    else:
        db = await Database.open(settings.database)
    try:
        return await privacy.purge(unit_factory(db), bot.utcnow(), days)
    finally:
        await db.close()
