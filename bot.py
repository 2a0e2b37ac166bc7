"""Minqing's composition root: the service wired from wiring.py's parts, and the channels run."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from pydantic import SecretStr

from config.settings import Settings, SettingsError
from core import roster
from core.context import District
from core.engines import Classifier, Offload
from core.service import Service
from core.throttle import FloodLimit, SharedThrottle, Throttle
from documents.workers import FileWorkers
from handlers.office import DocumentFiles
from storage.db import Database
from storage.unit_of_work import committed_dialogs, unit_factory
from storage.views import SqlViews
from wiring import build_classifier, build_similar, load_district

if TYPE_CHECKING:
    from handlers.http_server import HttpServer
    from handlers.telegram_webhook import TelegramWebhook
    from handlers.wx.config import WeChatConfig, WeComConfig

log = logging.getLogger("minqing")
T = TypeVar("T")
FILE_WORKERS = 2  # files built at once, each in a thread of its own
STARTED = time.perf_counter()


def utcnow() -> datetime:
    """The real clock, in UTC."""
    return datetime.now(UTC)


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
    files = DocumentFiles(FileWorkers(FILE_WORKERS), district.timezone, district.issuer)
    return Service(
        unit_factory(db),
        district,
        classifier,
        clock,
        views,
        throttle=throttle_for(db),
        dialogs=dialogs,
        offload=offload,
        similar=build_similar(db, district, classifier),
        files=files,
    )


def throttle_for(db: Database) -> FloodLimit:
    """The flood limit: in this process on SQLite (the only one), in the database on PostgreSQL,
    where the workers share each person's bucket."""
    if getattr(db, "dialect", "sqlite") == "postgres":
        from storage.pg import PgDatabase
        from storage.pg_flood import PgFloodBuckets

        return SharedThrottle(PgFloodBuckets(cast(PgDatabase, db)))
    return Throttle()


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
    if settings.postgres_url is not None and database is None:
        from storage.pg import PgDatabase

        pg = await PgDatabase.open(settings.postgres_url.get_secret_value())
        db = cast(Database, pg)  # the same storage ports, on PostgreSQL (storage/pg.py)
    else:
        db = await Database.open(database or settings.database)
    service = build_service(db, district, classifier, utcnow, classifier_thread())
    from similar.port import IndexedSimilarCases

    if isinstance(service.similar, IndexedSimilarCases):
        await service.similar.ready()  # the open cases' index, before the freeze below
    # The dictionaries (jieba's is hundreds of thousands of objects) live as long as the process:
    # take them out of the garbage collector's scans, which otherwise walk them again and again.
    gc.freeze()
    return db, service


async def sync_coordinators(service: Service, settings: Settings) -> list[int]:
    """Make the configured people coordinators, on each channel (Telegram ids, wecom:<userid>);
    returns outbox ids to deliver. Workers starting together on PostgreSQL may add the same new
    person at once: the one that loses that race does it again, finding them there."""
    for attempt in range(3):
        try:
            async with service.open_unit() as uow:
                for channel in ("telegram", "wecom"):
                    ids = settings.coordinator_ids(channel)
                    await roster.sync_coordinators(uow, channel, ids, service.clock())
                await uow.commit()
                return uow.queued
        except Exception as e:
            if attempt == 2 or not _added_at_once(e, settings):
                raise
            log.info("another worker added the coordinators at the same time; again")
    raise AssertionError("unreachable")


def _added_at_once(error: Exception, settings: Settings) -> bool:
    """Whether a unit failed because another worker inserted the same row first."""
    if settings.postgres_url is None:
        return False
    import asyncpg

    return isinstance(error, asyncpg.UniqueViolationError)


NO_CHANNEL = (
    "MINQING_BOT_TOKEN: no channel is configured: set MINQING_BOT_TOKEN (Telegram),"
    " MINQING_WECHAT_APP_ID, _APP_SECRET and _TOKEN (WeChat), or MINQING_WECOM_CORP_ID,"
    " _AGENT_ID, _SECRET, _TOKEN and _AES_KEY (WeCom)"
)


def wx_configs(settings: Settings) -> tuple[WeChatConfig | None, WeComConfig | None]:
    """The configured WeChat and WeCom channels (SettingsError for one set up only in part)."""
    from handlers.wx.config import WeChatConfig, WeComConfig
    from handlers.wx.wechat_render import TemplateKeys

    def secret(value: SecretStr | None) -> str:
        return value.get_secret_value().strip() if value is not None else ""

    wechat = wecom = None
    if settings.wechat_configured:
        number, concern, progress, moment = settings.wechat_template_keys.split(",")
        wechat = WeChatConfig(
            app_id=str(settings.wechat_app_id),
            secret=secret(settings.wechat_app_secret),
            token=secret(settings.wechat_token),
            api_url=str(settings.wechat_api_url).rstrip("/"),
            aes_key=secret(settings.wechat_aes_key) or None,
            template_id=settings.wechat_template_id or None,
            template_keys=TemplateKeys(number, concern, progress, moment),
        )
    if settings.wecom_configured:
        wecom = WeComConfig(
            corp_id=str(settings.wecom_corp_id),
            agent_id=int(settings.wecom_agent_id or 0),
            secret=secret(settings.wecom_secret),
            token=secret(settings.wecom_token),
            aes_key=secret(settings.wecom_aes_key),
            api_url=str(settings.wecom_api_url).rstrip("/"),
        )
    return wechat, wecom


async def run_bot(settings: Settings) -> int:
    """Run every configured channel until SIGINT or SIGTERM; a refused token ends it
    (SettingsError), as does a fatal failure of any channel."""
    # Before telegram is first imported: PTB 22 otherwise warns whenever it builds a RetryAfter.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    from handlers.http_server import HttpServer
    from handlers.scheduler import Scheduler
    from handlers.supervision import Fatal
    from handlers.wx.channels import WxChannels
    from handlers.wx.config import WxLimits
    from storage.housekeeping import Retention, nightly

    wechat, wecom = wx_configs(settings)
    if settings.bot_token is None and wechat is None and wecom is None:
        raise SettingsError(NO_CHANNEL)
    webhook = settings.bot_token is not None and settings.webhook_url is not None
    db, service = await open_service(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    outlets: list[Callable[[list[int]], None]] = []
    failures: list[Fatal] = []

    def route(ids: list[int]) -> None:
        for submit in outlets:
            submit(ids)

    def on_fatal(error: Fatal) -> None:
        failures.append(error)
        stop.set()

    queued = await sync_coordinators(service, settings)
    scheduler: Scheduler | None = None
    retention = Retention.days(settings.retention_days, settings.update_log_days)

    async def housekeeping() -> object:
        pruned = await nightly(db, service.clock(), retention)
        return "nothing: another worker is at it" if pruned is None else pruned

    async def ready() -> None:
        nonlocal scheduler
        route(queued)
        log.info("ready in %.2f s", time.perf_counter() - STARTED)
        scheduler = Scheduler(service, route, housekeeping=housekeeping)
        await scheduler.catch_up()
        scheduler.start()

    wx: WxChannels | None = None
    server: HttpServer | None = None
    if webhook or wechat is not None or wecom is not None:
        # One server for every webhook and /health; its routes are added before it starts.
        server = HttpServer(db, settings.http_host, settings.http_port)
    try:
        if wechat is not None or wecom is not None:
            wx = WxChannels(
                service,
                db,
                wechat=wechat,
                wecom=wecom,
                host=settings.http_host,
                port=settings.http_port,
                route=route,
                public_url=str(settings.public_url) if settings.public_url else None,
                limits=WxLimits(concurrency=settings.concurrency),
                on_fatal=on_fatal,
                server=server,
            )
            await wx.start()
            outlets.append(wx.submit)
        hook = telegram_webhook(settings, db, service, server)
        if server is not None:  # every route is on it now
            await server.start()
            if wx is not None:
                log.info("serving WeChat/WeCom callbacks at %s", server.url)
        if settings.bot_token is not None:
            await run_telegram(settings, service, db, stop, route, outlets, ready, hook)
        else:
            await ready()
            await stop.wait()
    finally:
        if scheduler is not None:
            scheduler.stop()
        if server is not None:
            await server.stop()
        if wx is not None:
            await wx.stop()
        await db.close()
    if failures:
        raise failures[0]
    return 0


def telegram_webhook(
    settings: Settings, db: Database, service: Service, server: HttpServer | None
) -> TelegramWebhook | None:
    """Telegram's webhook route on the server when MINQING_WEBHOOK_URL is set (the secret
    configured, or derived from the token); None for polling."""
    from handlers.telegram_webhook import TelegramWebhook, WebhookSetup

    secret = settings.telegram_webhook_secret
    if secret is None or settings.webhook_url is None or server is None:
        return None
    connections = max(1, min(100, settings.concurrency))
    setup = WebhookSetup(str(settings.webhook_url), secret, connections)
    return TelegramWebhook(db, setup, server, service.clock)


async def run_telegram(
    settings: Settings,
    service: Service,
    db: Database,
    stop: asyncio.Event,
    route: Callable[[list[int]], None],
    outlets: list[Callable[[list[int]], None]],
    ready: Callable[[], Awaitable[None]],
    webhook: TelegramWebhook | None = None,
) -> None:
    """The Telegram channel until stop, polling or on the webhook given (whose route is on
    the started server); its sender joins the outlets once it is up."""
    from handlers.telegram_app import SendLimits, TelegramChannel

    assert settings.bot_token is not None

    async def telegram_ready() -> None:
        assert channel.sender is not None
        outlets.append(channel.sender.submit)
        if webhook is None:
            log.info("polling %s", settings.api_base)
        await ready()

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
        on_ready=telegram_ready,
        limits=limits,
        route=route,
        webhook=webhook,
    )
    await channel.run(stop)  # a refused token raises TokenRefused, a SettingsError


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


def main(argv: Sequence[str] | None = None) -> int:
    """The command line (cli.main): `python bot.py ...` is `minqing ...`."""
    from cli.main import main as cli_main

    return cli_main(argv, prog="bot.py")


if __name__ == "__main__":
    sys.exit(main())
