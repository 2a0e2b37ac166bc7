"""`minqing keywords suggest [--apply]`: keyword weights from people's routing corrections."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

import wiring
from cli.common import Subparsers, existing_database
from cli.progress import progress_for
from config.settings import Settings, SettingsError
from config.tanks import ConfigError
from core.models import Correction
from storage.db import Database
from storage.unit_of_work import unit_factory


def add_commands(sub: Subparsers) -> None:
    """Register keywords suggest."""
    keywords = sub.add_parser("keywords", help="the routing keywords")
    keywords_sub = keywords.add_subparsers(
        dest="keywords_command", required=True, metavar="COMMAND"
    )
    sug = keywords_sub.add_parser(
        "suggest", help="suggest keyword weights from people's routing corrections"
    )
    sug.add_argument(
        "--apply",
        action="store_true",
        help="write the changes into the tanks file (MINQING_THINK_TANKS)",
    )
    sug.add_argument(
        "--min-support",
        type=int,
        default=2,
        metavar="N",
        help="cases a new keyword needs (default 2)",
    )
    sug.add_argument(
        "--max-change",
        type=float,
        default=1.0,
        metavar="W",
        help="most a weight may move (default 1.0)",
    )
    sug.add_argument("--json", action="store_true", help="the suggestion as one JSON object")
    sug.set_defaults(handler=suggest_command)


async def read_corrections(settings: Settings) -> list[Correction]:
    """Every routing correction people made, oldest first."""
    db = await Database.open(settings.database)
    try:
        async with unit_factory(db)() as uow:
            return await uow.corrections.all()
    finally:
        await db.close()


def suggest_command(settings: Settings, args: argparse.Namespace) -> int:
    """Suggest keyword weights from the corrections; --apply writes them into the tanks file."""
    from cli import tables
    from nlp import suggest, tankfile
    from nlp.keyword_update import SuggestOptions

    if args.min_support < 1 or not args.max_change > 0:
        raise SettingsError("--min-support must be at least 1 and --max-change above 0")
    district = wiring.load_district(settings)
    existing_database(settings)
    corrections = asyncio.run(read_corrections(settings))
    options = SuggestOptions(min_support=args.min_support, max_change=args.max_change)
    with progress_for(silent=args.json).task("suggesting", 1) as task:
        result = suggest.suggest(
            corrections,
            district.tanks,
            lambda t: wiring.build_tokenizer(t, settings.tokenizer),
            options,
        )
        task.advance()
    path = Path(settings.think_tanks)
    backup = None
    if result.changes and args.apply:
        try:
            backup = tankfile.rewrite(path, district.tanks, result.tanks)
        except ConfigError as e:
            raise ConfigError(f"MINQING_THINK_TANKS: {path}: {e}") from e
    if args.json:
        out = {**tables.suggestion_data(result), "file": str(path)}
        print(json.dumps({**out, "backup": backup and str(backup)}, ensure_ascii=False))
        return 0
    console = tables.stdout_console()
    if console.is_terminal:
        tables.show(console, tables.suggestion_tables(result))
    else:
        print("\n".join(suggest.report_lines(result)))
    if not result.changes:
        print(f"{path} 未改动 unchanged.")
    elif backup is None:
        print(f"加 --apply 写入 {path}。Add --apply to write them into {path}.")
    else:
        print(f"已写入 {path}，原文件存为 {backup}。Written; the old file is kept as {backup}.")
    return 0
