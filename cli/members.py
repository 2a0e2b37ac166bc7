"""`minqing member add`: members of the think tanks, from the command line."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import replace

import bot
from cli.common import Subparsers
from config.settings import Settings
from core import roster
from core.models import Person, Role
from storage.db import Database
from storage.unit_of_work import unit_factory


def add_commands(sub: Subparsers) -> None:
    """Register member add."""
    member = sub.add_parser("member", help="manage members")
    member_sub = member.add_subparsers(dest="member_command", required=True, metavar="COMMAND")
    add = member_sub.add_parser(
        "add",
        help="make a Telegram user a member of a think tank (or change one); says what changed",
    )
    add.add_argument("telegram_id", type=int, help="the person's Telegram user id")
    add.add_argument("tank", help="the think tank's code (e.g. law)")
    add.add_argument("--name", help="the name colleagues and residents see")
    add.add_argument("--station", help="the member's workstation code (kept if not given)")
    add.set_defaults(handler=member_add_command)


def member_add_command(settings: Settings, args: argparse.Namespace) -> int:
    """Make a Telegram user a member of a tank; says what changed."""
    return asyncio.run(_member_add(settings, args))


async def _member_add(settings: Settings, args: argparse.Namespace) -> int:
    district = bot.load_district(settings)
    who = str(args.telegram_id)
    db = await Database.open(settings.database)
    try:
        async with unit_factory(db)() as uow:
            old = await uow.people.by_external("telegram", who)
            before = replace(old) if old is not None else None
            station = args.station
            if station is None and before is not None:
                station = before.station  # a station not given stays as it was
            person = await roster.add_member(
                uow, district, "telegram", who, args.tank, bot.utcnow(), args.name, station
            )
            await uow.commit()
    finally:
        await db.close()
    print(member_change(who, before, person))
    return 0


def member_change(who: str, before: Person | None, after: Person) -> str:
    """One line saying what `member add` changed."""
    label = f"member {who} ({after.name or '-'})"
    if before is None or before.role != Role.MEMBER:
        station = f", station {after.station}" if after.station else ""
        return f"{label} added to think tank {after.tank}{station}"
    changes = [
        f"{what} {old or '-'} → {new or '-'}"
        for what, old, new in (
            ("think tank", before.tank, after.tank),
            ("name", before.name, after.name),
            ("station", before.station, after.station),
        )
        if old != new
    ]
    if not before.active:
        changes.insert(0, "active again")
    if not changes:
        return f"{label}: nothing changed (think tank {after.tank}, station {after.station or '-'})"
    return f"{label}: {'; '.join(changes)}"
