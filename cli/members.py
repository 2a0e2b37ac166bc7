"""`minqing member add`: members of the think tanks, from the command line."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import replace
from typing import cast

import bot
import wiring
from cli import CommandError
from cli.common import Subparsers
from config.settings import Settings, is_wecom_userid
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
        help="make someone a member of a think tank (or change one); says what changed",
    )
    add.add_argument(
        "user_id", help="the person's Telegram user id, or their WeCom userid (--channel wecom)"
    )
    add.add_argument("tank", help="the think tank's code (e.g. law)")
    add.add_argument("--name", help="the name colleagues and residents see")
    add.add_argument("--station", help="the member's workstation code (kept if not given)")
    add.add_argument(
        "--channel",
        choices=("telegram", "wecom"),
        default="telegram",
        help="where the member works: Telegram (default) or the WeCom app",
    )
    add.set_defaults(handler=member_add_command)


def member_add_command(settings: Settings, args: argparse.Namespace) -> int:
    """Make someone a member of a tank; says what changed."""
    who = args.user_id.strip()
    if args.channel == "telegram" and not who.isdigit():
        raise CommandError(f"{who!r} is not a Telegram user id (a number)")
    if args.channel == "wecom" and not is_wecom_userid(who):
        raise CommandError(
            f"{who!r} is not a WeCom userid (1-64 letters, digits and _-@., as the admin"
            " console shows it under 账号)"
        )
    return asyncio.run(_member_add(settings, args))


async def _member_add(settings: Settings, args: argparse.Namespace) -> int:
    district = wiring.load_district(settings)
    who, channel = args.user_id.strip(), args.channel
    if settings.postgres_url is not None:  # the server the workers share, not a stray file
        from storage.pg import PgDatabase

        pg = await PgDatabase.open(settings.postgres_url.get_secret_value(), size=1)
        db = cast(Database, pg)
    else:
        db = await Database.open(settings.database)
    try:
        async with unit_factory(db)() as uow:
            old = await uow.people.by_external(channel, who)
            before = replace(old) if old is not None else None
            station = args.station
            if station is None and before is not None:
                station = before.station  # a station not given stays as it was
            person = await roster.add_member(
                uow, district, channel, who, args.tank, bot.utcnow(), args.name, station
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
