"""`minqing run | console | migrate`: the bot, the console demo and the schema."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

import bot
from cli.common import Subparsers
from config.settings import Settings, SettingsError
from config.tanks import ConfigError
from storage.db import Database

log = logging.getLogger("minqing")


def add_commands(sub: Subparsers) -> None:
    """Register run, console and migrate."""
    run = sub.add_parser(
        "run",
        help="run the bot on every configured channel; exits non-zero on a fatal error",
        description="Run the bot until SIGINT or SIGTERM: Telegram (polling) when "
        "MINQING_BOT_TOKEN is set, the WeChat Official Account and the WeCom app (callbacks on "
        "MINQING_HTTP_HOST:MINQING_HTTP_PORT) when theirs are. A fatal error is logged at "
        "CRITICAL and the exit code is 1, so that a supervisor (systemd) restarts it.",
    )
    run.add_argument(
        "--workers",
        type=positive,
        metavar="N",
        help="run N worker processes under a supervisor that restarts one that dies (N > 1"
        " needs PostgreSQL and, with Telegram, webhook mode)",
    )
    run.set_defaults(handler=run_command)
    console = sub.add_parser("console", help="the console demo: a seeded district, no token")
    console.add_argument(
        "--database",
        type=Path,
        default=Path("data/demo.db"),
        help="the demo's SQLite file (default data/demo.db)",
    )
    console.add_argument("--fresh", action="store_true", help="start from an empty database")
    console.set_defaults(handler=console_command)
    migrate = sub.add_parser("migrate", help="create or upgrade the database schema")
    migrate.set_defaults(handler=migrate_command)


def positive(text: str) -> int:
    """A whole number of at least 1 (argparse's type)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


def run_command(settings: Settings, args: argparse.Namespace) -> int:
    """Run the bot (or, with --workers, supervise worker processes that each run it); a fatal
    error is logged with its cause and exits 1."""
    if getattr(args, "workers", None) is not None:
        from handlers.workers import run_workers

        return run_workers(settings, args.workers)
    try:
        return asyncio.run(bot.run_bot(settings))
    except (SettingsError, ConfigError):
        raise
    except Exception:
        log.critical("the bot stopped on a fatal error", exc_info=True)
        return 1


def console_command(settings: Settings, args: argparse.Namespace) -> int:
    """Run the console demo."""
    return asyncio.run(bot.run_console(settings, args.database, args.fresh))


def migrate_command(settings: Settings, args: argparse.Namespace) -> int:
    """Create or upgrade the database schema."""
    return asyncio.run(_migrate(settings))


async def _migrate(settings: Settings) -> int:
    if settings.postgres_url is not None:
        from storage.pg import PgDatabase

        pg = await PgDatabase.open(settings.postgres_url.get_secret_value(), size=1)
        try:
            print(f"PostgreSQL: schema version {await pg.version()}")
        finally:
            await pg.close()
        return 0
    db = await Database.open(settings.database)
    try:
        print(f"{settings.database}: schema version {await db.version()}")
    finally:
        await db.close()
    return 0
