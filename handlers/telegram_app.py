"""The Telegram channel: python-telegram-bot's Application wired to core and the outbox sender.

Invariants (what a newcomer can break):
- Start-up needs no network: until the Bot API answers, `run` tries again with a back-off and
  logs one line per attempt (no traceback); a stop meanwhile ends it cleanly.
- The token is never logged nor put into an exception: PTB's InvalidToken from `initialize`
  carries it in its text, so it is replaced by TokenRefused without its context.
- A Fatal failure of any background task (the poller's or the sender's 401) ends `run` the same
  orderly way as a stop, and `run` then raises it: the process exits non-zero.
- An update whose handling failed altogether (core apologises for every failure it can; only a
  database refusing even that gets here) is logged at CRITICAL and its batch fetched again: the
  poller does not confirm it.
- Stopping: the poller first, then the application (which handles what was fetched), then the
  confirmation of what was handled, then the sender with a grace period (see _finish_sending).
- In webhook mode (`webhook` given, handlers/telegram_webhook.py) nothing polls: updates arrive
  on the shared HTTP server and go through the ingress table; stopping stops serving, then the
  ingress worker (within the grace period), then the sender the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from telegram import BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from core.conversation import menus
from core.models import Role
from core.service import Service
from handlers.aiohttp_request import AiohttpRequest
from handlers.inbound import to_inbound
from handlers.polling import ConfirmingPoller
from handlers.processor import ChatOrderedProcessor
from handlers.sender import OutboxSender
from handlers.supervision import Fatal, TokenRefused, pause
from handlers.telegram_transport import TelegramTransport, seconds
from handlers.telegram_webhook import TelegramWebhook
from storage.db import Database
from storage.outbox import deliveries_of

log = logging.getLogger(__name__)

CHANNEL = "telegram"
ALLOWED_UPDATES = ["message", "callback_query"]
MENU_ATTEMPTS = 3
MENU_BACKOFF = 0.5


@dataclass(frozen=True)
class SendLimits:
    """The outbox sender's pace: Telegram's limits by default (tests may go faster); and how
    long a stop waits for what is queued to go out before leaving it to the next start."""

    rate: float = 30.0
    chat_rate: float = 1.0
    chat_burst: float = 3.0
    backoff: float = 0.5
    stop_grace: float = 5.0
    sends_in_flight: int = 30  # chats with a new message out at once (a crash repeats one each)
    slow_send: float = 0.5  # a send slower than this lets the next one go
    connect_backoff: float = 0.5  # the first pause when the Bot API cannot be reached at start


class TelegramChannel:
    """Receives updates, hands them to core, and delivers the outbox through the Bot API."""

    def __init__(
        self,
        service: Service,
        db: Database,
        token: str,
        api_url: str,
        concurrency: int = 32,
        on_ready: Callable[[], Awaitable[None]] | None = None,
        limits: SendLimits = SendLimits(),
        route: Callable[[list[int]], None] | None = None,
        webhook: TelegramWebhook | None = None,
    ) -> None:
        self.service = service
        self.webhook = webhook  # None: polling
        self.concurrency = concurrency
        # Where the outbox ids a turn queued go: every channel's sender (each takes its own).
        self.route = route
        self.db = db
        self.api_url = api_url
        self.on_ready = on_ready
        self.limits = limits
        self.sender: OutboxSender | None = None
        # One HTTP connection per concurrently processed chat, so the pool never starves. The
        # calls go through aiohttp, not PTB's httpx: a tenth of the CPU per call, whatever the
        # number in flight (handlers/aiohttp_request.py).
        request = AiohttpRequest(connection_pool_size=concurrency + 8, pool_timeout=30.0)
        self.app: Application = (
            ApplicationBuilder()
            .token(token)
            .base_url(f"{api_url}/bot")
            .base_file_url(f"{api_url}/file/bot")
            .request(request)
            .get_updates_request(AiohttpRequest(connection_pool_size=2))
            .concurrent_updates(ChatOrderedProcessor(concurrency))
            .updater(None)  # ConfirmingPoller instead: it confirms a batch once it is handled
            .build()
        )
        self.app.add_handler(TypeHandler(Update, self._on_update))
        self.app.add_error_handler(self._on_error)
        self.poller: ConfirmingPoller | None = None

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        inbound = to_inbound(update, self.app.bot.username)
        if inbound is None:
            return
        self._submit(await self.service.handle(inbound))

    def _submit(self, ids: list[int]) -> None:
        if self.route is not None:
            self.route(ids)
        elif self.sender is not None:
            self.sender.submit(ids)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An update that could not be handled at all (the database refused even the apology):
        logged at CRITICAL; its batch is not confirmed, so it is fetched and handled again."""
        error = context.error
        update_id = update.update_id if isinstance(update, Update) else None
        log.critical(
            "handling update %s failed (%s: %s); it is fetched again",
            update_id,
            type(error).__name__,
            error,
            exc_info=error,
        )
        if self.poller is not None and update_id is not None:
            self.poller.unhandled()

    async def run(self, stop: asyncio.Event) -> None:
        """Receive (poll, or serve the webhook) and deliver until stop is set; then finish
        cleanly. Undelivered stays pending.
        Raises TokenRefused if the Bot API refuses the token, at start or later."""
        if not await self._connect(stop):
            return
        failures: list[Fatal] = []
        failed = asyncio.Event()

        def on_fatal(error: Fatal) -> None:
            failures.append(error)
            failed.set()

        async with self.app:
            # Invitation deep links (t.me/<bot>?start=...) must name the bot that is running.
            district = self.service.district
            self.service.district = replace(district, bot_username=self.app.bot.username)
            await self._default_menus(self.app)
            limits = self.limits
            self.sender = OutboxSender(
                deliveries_of(self.db, CHANNEL),
                TelegramTransport(self.app.bot),
                rate=limits.rate,
                chat_rate=limits.chat_rate,
                chat_burst=limits.chat_burst,
                backoff=limits.backoff,
                sends_in_flight=limits.sends_in_flight,
                slow_send=limits.slow_send,
                clock=self.service.clock,  # the clock core stamped the rows' due times with
                on_unreachable=self._unreachable,
                on_fatal=on_fatal,
            )
            await self.sender.start()
            ends = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(failed.wait())]
            try:
                if self.webhook is None:
                    await self._poll(ends, on_fatal, failures)
                else:
                    await self._hook(self.webhook, stop, ends, on_fatal, failures)
            finally:
                for end in ends:
                    end.cancel()
        if failures:
            raise failures[0]

    async def _poll(
        self,
        ends: Sequence[asyncio.Future[Any]],
        on_fatal: Callable[[Fatal], None],
        failures: list[Fatal],
    ) -> None:
        """Poll until one of ends; then stop polling, handle what was fetched, confirm it."""
        assert self.sender is not None
        poller = ConfirmingPoller(self.app, ALLOWED_UPDATES, timeout=25, on_fatal=on_fatal)
        self.poller = poller
        try:
            await self.app.start()
            await poller.start()
            if self.on_ready is not None:
                await self.on_ready()
            await asyncio.wait(ends, return_when=asyncio.FIRST_COMPLETED)
        except Fatal as e:  # e.g. the token refused as polling began
            on_fatal(e)
        finally:
            await poller.stop()
            if self.app.running:
                await self.app.stop()  # handles what the poller has queued
            if not failures:
                await poller.confirm()
            await self._finish_sending(self.sender, refused=bool(failures))

    async def _hook(
        self,
        webhook: TelegramWebhook,
        stop: asyncio.Event,
        ends: Sequence[asyncio.Future[Any]],
        on_fatal: Callable[[Fatal], None],
        failures: list[Fatal],
    ) -> None:
        """Take recorded updates, set the webhook, serve until one of ends; then stop serving,
        let the worker and the sender finish within the grace period."""
        assert self.sender is not None
        limits = self.limits
        try:
            webhook.start(
                self.app.bot,
                self.service.handle,
                self._submit,
                concurrency=self.concurrency,
                backoff=limits.backoff,
                on_fatal=on_fatal,
            )
            if await webhook.register(self.app.bot, stop, limits.connect_backoff):
                if self.on_ready is not None:
                    await self.on_ready()
                await asyncio.wait(ends, return_when=asyncio.FIRST_COMPLETED)
        except Fatal as e:  # the token refused as the webhook was set
            on_fatal(e)
        finally:
            await webhook.stop(0.0 if failures else limits.stop_grace)
            await self._finish_sending(self.sender, refused=bool(failures))

    async def _connect(self, stop: asyncio.Event) -> bool:
        """Reach the Bot API and check the token, waiting for a network that is not there yet:
        one log line per attempt, with a back-off. False if stop was set meanwhile."""
        bot = self.app.bot
        failures = 0
        try:
            while not stop.is_set():
                try:
                    await bot.initialize()
                    return True
                except InvalidToken:
                    raise TokenRefused() from None  # PTB's text holds the token
                except RetryAfter as e:
                    wait = seconds(e.retry_after)
                    reason = "asked to wait"
                except NetworkError as e:  # includes TimedOut
                    failures += 1
                    wait = pause(failures, self.limits.connect_backoff)
                    reason = e.message
                log.warning(
                    "cannot reach the Bot API at %s (%s); trying again in %.1f s",
                    self.api_url,
                    reason,
                    wait,
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), wait)
        except BaseException:
            await bot.shutdown()
            raise
        await bot.shutdown()
        return False

    async def _unreachable(self, chat_id: str) -> None:
        """A chat blocked the bot: core decides who must know (a member → the coordinators)."""
        self._submit(await self.service.unreachable(CHANNEL, chat_id))

    async def _finish_sending(self, sender: OutboxSender, refused: bool = False) -> None:
        """Let queued deliveries finish before stopping: cancelling a call Telegram has already
        carried out leaves its row pending, and the next start would send the message again.
        After a refused token nothing can go out: no waiting."""
        if refused:
            await sender.stop()
            return
        try:
            async with asyncio.timeout(self.limits.stop_grace):
                await sender.drain()
        except TimeoutError:
            log.warning("stopping with undelivered messages; the next start sends them")
        await sender.stop()

    async def _default_menus(self, app: Application) -> None:
        """Residents' menu for every private chat, in Chinese and in English; a passing fault
        is retried a few times, so that one 502 at start-up does not leave residents without."""
        scope = BotCommandScopeAllPrivateChats()
        for locale, language in (("zh", None), ("en", "en")):
            commands = [BotCommand(n, d) for n, d in menus.menu(Role.RESIDENT, locale)]
            for attempt in range(1, MENU_ATTEMPTS + 1):
                try:
                    await app.bot.set_my_commands(commands, scope=scope, language_code=language)
                    break
                except RetryAfter as e:
                    wait = seconds(e.retry_after)
                except NetworkError:
                    wait = MENU_BACKOFF * attempt
                except TelegramError as e:
                    log.warning("could not set the default %s command menu: %s", locale, e)
                    break
                if attempt == MENU_ATTEMPTS:
                    log.warning("gave up setting the default %s command menu", locale)
                else:
                    await asyncio.sleep(wait)
