"""Minqing's composition root and command line: run | console | migrate | member add | keywords."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from config.settings import Settings, SettingsError, load_settings
from config.tanks import ConfigError, load_defaults, load_stations, load_tanks
from core import membership
from core.context import District
from core.membership import MembershipError
from core.models import Correction, ThinkTank
from core.ports import Classifier, Offload
from core.service import Service
from storage.db import Database
from storage.unit_of_work import committed_dialogs, unit_factory
from storage.views import SqlViews

if TYPE_CHECKING:
    from nlp.tokenizer import Tokenizer

log = logging.getLogger("minqing")
T = TypeVar("T")
STARTED = time.perf_counter()


def utcnow() -> datetime:
    """The real clock, in UTC."""
    return datetime.now(UTC)


def load_district(settings: Settings) -> District:
    """The configured tanks, stations, deadlines and quiet hours."""
    try:
        tanks = tuple(load_tanks(settings.think_tanks))
        triage = load_defaults(settings.think_tanks)
    except ConfigError as e:
        raise ConfigError(f"MINQING_THINK_TANKS: {e}") from e
    try:
        stations = tuple(load_stations(settings.stations))
    except ConfigError as e:
        raise ConfigError(f"MINQING_STATIONS: {e}") from e
    quiet_start, quiet_end = settings.quiet
    return District(
        tanks=tanks,
        stations=stations,
        timezone=settings.zone,
        triage_deadlines=triage,
        wider_notice_hours=settings.wider_notice_hours,
        quiet_start=quiet_start,
        quiet_end=quiet_end,
        escalate_in_quiet_hours=settings.escalate_in_quiet_hours,
        digest_time=settings.digest_time,
    )


def build_tokenizer(tanks: Sequence[ThinkTank], backend: str) -> Tokenizer:
    """The tokenizer, every tank's domain words and keywords in its dictionary."""
    from nlp.tokenizer import Tokenizer

    words = [w for tank in tanks for w in (*tank.domain_words, *tank.keywords)]
    return Tokenizer(words, backend=backend)


def build_classifier(district: District, backend: str) -> Classifier:
    """The keyword classifier, its tokenizer's dictionary loaded once, here."""
    from nlp.classifier import KeywordClassifier

    return KeywordClassifier(district.tanks, build_tokenizer(district.tanks, backend))


def build_service(
    db: Database,
    district: District,
    classifier: Classifier,
    clock: Callable[[], datetime],
    offload: Offload,
) -> Service:
    """Core on a database: turns on the writer; lists, figures and the conversations as
    committed on read-only connections; the classifier run by offload."""
    views, dialogs = SqlViews(db), committed_dialogs(db)
    return Service(
        unit_factory(db), district, classifier, clock, views, dialogs=dialogs, offload=offload
    )


def classifier_thread() -> Offload:
    """One worker thread for the classifier: jieba holds the GIL while it cuts, so more
    threads would only take more of the event loop's time, not cut faster."""
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="classifier")

    async def offload(work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(worker, work)

    return offload


async def open_service(
    settings: Settings, database: Path | None = None
) -> tuple[Database, Service]:
    """Open the database and build the core service on it."""
    district = load_district(settings)
    classifier = build_classifier(district, settings.tokenizer)
    db = await Database.open(database or settings.database)
    service = build_service(db, district, classifier, utcnow, classifier_thread())
    # The dictionaries (jieba's is hundreds of thousands of objects) live as long as the process:
    # take them out of the garbage collector's scans, which otherwise walk them again and again.
    gc.freeze()
    return db, service


async def sync_coordinators(service: Service, settings: Settings) -> list[int]:
    """Make the configured Telegram users the coordinators; returns outbox ids to deliver."""
    async with service.open_unit() as uow:
        ids = [str(i) for i in settings.coordinators]
        await membership.sync_coordinators(uow, "telegram", ids, service.clock())
        await uow.commit()
        return uow.queued


async def run_bot(settings: Settings) -> int:
    """Run the Telegram bot until SIGINT or SIGTERM."""
    # Before telegram is first imported: PTB 22 otherwise warns whenever it builds a RetryAfter.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    from handlers.scheduler import Scheduler
    from handlers.telegram_app import SendLimits, TelegramChannel

    if settings.bot_token is None:
        raise SettingsError("MINQING_BOT_TOKEN: not set (the token @BotFather gave you)")
    db, service = await open_service(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    queued = await sync_coordinators(service, settings)

    scheduler: Scheduler | None = None

    async def ready() -> None:
        nonlocal scheduler
        sender = channel.sender
        assert sender is not None
        sender.submit(queued)
        log.info("polling %s, ready in %.2f s", settings.api_base, time.perf_counter() - STARTED)
        scheduler = Scheduler(service, sender.submit)
        await scheduler.catch_up()
        scheduler.start()

    limits = SendLimits(
        rate=settings.send_rate,
        chat_rate=settings.chat_rate,
        chat_burst=settings.chat_burst,
        sends_in_flight=settings.sends_in_flight,
    )
    channel = TelegramChannel(
        service,
        db,
        settings.bot_token.get_secret_value(),
        settings.api_base,
        concurrency=settings.concurrency,
        on_ready=ready,
        limits=limits,
    )
    try:
        await channel.run(stop)
    finally:
        if scheduler is not None:
            scheduler.stop()
        await db.close()
    return 0


def remove_database(path: Path) -> None:
    """Delete a database file with its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def run_console(settings: Settings, database: Path, fresh: bool) -> int:
    """Run the console demo."""
    from handlers.console import Console

    if fresh:
        remove_database(database)
    db, service = await open_service(settings, database)
    try:
        await Console(service, db).run()
    finally:
        await db.close()
    return 0


async def run_migrate(settings: Settings) -> int:
    """Create or upgrade the database schema."""
    db = await Database.open(settings.database)
    print(f"{settings.database}: schema version {await db.version()}")
    await db.close()
    return 0


async def run_backup(settings: Settings, target: Path) -> int:
    """Copy the live database with SQLite's online backup, then check the copy."""
    db = await Database.open(settings.database)
    try:
        pages = await db.backup(target)
    finally:
        await db.close()
    print(f"backed up {settings.database} to {target} ({pages} pages, integrity ok)")
    return 0


def run_restore(settings: Settings, source: Path, force: bool, skip: int) -> int:
    """Replace the database with a backup (stop the bot first). Case numbers go on `skip` past
    the backup's last, so numbers residents were given after the backup are never reused."""
    if Path(settings.database).exists() and not force:
        raise SettingsError(
            f"MINQING_DATABASE: {settings.database} exists; add --force to replace it"
        )
    last = asyncio.run(Database.restore(source, settings.database, skip))
    print(f"restored {source} into {settings.database}; the next case is #{last + 1}")
    return 0


async def run_purge(settings: Settings, days: int) -> int:
    """Erase identity from cases closed more than `days` ago."""
    from core import privacy

    db = await Database.open(settings.database)
    try:
        count = await privacy.purge(unit_factory(db), utcnow(), days)
    finally:
        await db.close()
    print(
        f"erased name, contact and chat identity from {count} closed cases older than {days} days"
    )
    return 0


async def run_member_add(settings: Settings, args: argparse.Namespace) -> int:
    """Make a Telegram user a member of a tank."""
    district = load_district(settings)
    db = await Database.open(settings.database)
    try:
        async with unit_factory(db)() as uow:
            person = await membership.add_member(
                uow,
                district,
                "telegram",
                str(args.telegram_id),
                args.tank,
                utcnow(),
                name=args.name,
                station=args.station,
            )
            await uow.commit()
    finally:
        await db.close()
    print(f"member {args.telegram_id} ({person.name or '-'}) added to think tank {args.tank}")
    return 0


async def read_corrections(settings: Settings) -> list[Correction]:
    """Every routing correction people made, oldest first."""
    db = await Database.open(settings.database)
    try:
        async with unit_factory(db)() as uow:
            return await uow.corrections.all()
    finally:
        await db.close()


def run_keywords(settings: Settings, args: argparse.Namespace) -> int:
    """Suggest keyword weights from the corrections; --apply writes them into the tanks file."""
    from nlp import suggest, tomledit

    if args.min_support < 1 or not args.max_change > 0:
        raise SettingsError("--min-support must be at least 1 and --max-change above 0")
    district = load_district(settings)
    if not Path(settings.database).exists():
        raise SettingsError(f"MINQING_DATABASE: {settings.database} does not exist")
    corrections = asyncio.run(read_corrections(settings))
    options = suggest.SuggestOptions(min_support=args.min_support, max_change=args.max_change)
    result = suggest.suggest(
        corrections, district.tanks, lambda t: build_tokenizer(t, settings.tokenizer), options
    )
    print("\n".join(suggest.report_lines(result)))
    path = Path(settings.think_tanks)
    if not result.changes:
        print(f"{path} 未改动 unchanged.")
    elif not args.apply:
        print(f"加 --apply 写入 {path}。Add --apply to write them into {path}.")
    else:
        try:
            backup = tomledit.rewrite(path, district.tanks, result.tanks)
        except ConfigError as e:
            raise ConfigError(f"MINQING_THINK_TANKS: {path}: {e}") from e
        print(f"已写入 {path}，原文件存为 {backup}。Written; the old file is kept as {backup}.")
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line."""
    p = argparse.ArgumentParser(prog="bot.py", description=__doc__)
    sub = p.add_subparsers(dest="command")
    sub.add_parser("run", help="run the Telegram bot (polling)")
    console = sub.add_parser("console", help="the console demo: a seeded district, no token")
    console.add_argument("--database", type=Path, default=Path("data/demo.db"))
    console.add_argument("--fresh", action="store_true", help="start from an empty database")
    sub.add_parser("migrate", help="create or upgrade the database schema")
    backup = sub.add_parser("backup", help="copy the database safely while the bot runs")
    backup.add_argument("path", type=Path)
    restore = sub.add_parser("restore", help="replace the database with a backup")
    restore.add_argument("path", type=Path)
    restore.add_argument("--force", action="store_true")
    restore.add_argument(
        "--skip-numbers",
        type=int,
        default=1000,
        metavar="N",
        help="continue case numbers N past the backup's last (default 1000)",
    )
    purge = sub.add_parser("purge", help="erase identity from old closed cases")
    purge.add_argument("--older-than", type=int, required=True, metavar="DAYS")
    member = sub.add_parser("member", help="manage members")
    member_sub = member.add_subparsers(dest="member_command", required=True)
    add = member_sub.add_parser("add", help="make a Telegram user a member of a think tank")
    add.add_argument("telegram_id", type=int)
    add.add_argument("tank")
    add.add_argument("--name")
    add.add_argument("--station")
    keywords = sub.add_parser("keywords", help="the routing keywords")
    keywords_sub = keywords.add_subparsers(dest="keywords_command", required=True)
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
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run; settings problems exit with code 2 and one line."""
    args = parser().parse_args(argv)
    try:
        settings = load_settings()
        logging.basicConfig(
            level=settings.log_level,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        logging.getLogger("httpx").setLevel(logging.WARNING)
        command = args.command or "run"
        if command == "console":
            return asyncio.run(run_console(settings, args.database, args.fresh))
        if command == "migrate":
            return asyncio.run(run_migrate(settings))
        if command == "backup":
            return asyncio.run(run_backup(settings, args.path))
        if command == "restore":
            return run_restore(settings, args.path, args.force, args.skip_numbers)
        if command == "purge":
            return asyncio.run(run_purge(settings, args.older_than))
        if command == "member":
            return asyncio.run(run_member_add(settings, args))
        if command == "keywords":
            return run_keywords(settings, args)
        return asyncio.run(run_bot(settings))
    except (SettingsError, ConfigError) as e:
        print(f"minqing: {e}", file=sys.stderr)
        return 2
    except MembershipError as e:
        print(f"minqing: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
