"""`minqing outbox`: what became of the messages decided lately, and which were given up, why."""

from __future__ import annotations

import argparse
import asyncio

import bot
from cli import CommandError
from cli.common import Subparsers
from config.settings import Settings
from storage.db import Database
from storage.deliveries import report


def add_commands(sub: Subparsers) -> None:
    """Register outbox."""
    outbox = sub.add_parser(
        "outbox",
        help="messages decided: how many went, wait, were given up",
        description="Count the messages of the last days by outcome; with --failed, list those "
        "given up with the platform's reason (never their text: it may quote a resident).",
    )
    outbox.add_argument("--failed", action="store_true", help="list those given up, and why")
    outbox.add_argument("--days", type=int, default=7, help="how far back (default 7)")
    outbox.add_argument("--limit", type=int, default=50, help="list at most this many (default 50)")
    outbox.set_defaults(handler=outbox_command)


def outbox_command(settings: Settings, args: argparse.Namespace) -> int:
    """Count the messages of the last days by outcome; with --failed, list those given up."""
    if args.days < 1 or args.limit < 1:
        raise CommandError("--days and --limit must be at least 1")
    return asyncio.run(_outbox(settings, args))


async def _outbox(settings: Settings, args: argparse.Namespace) -> int:
    db = await Database.open(settings.database)
    try:
        lines = await report(db, bot.utcnow(), args.days, settings.zone, args.failed, args.limit)
        print("\n".join(lines))
    finally:
        await db.close()
    return 0
