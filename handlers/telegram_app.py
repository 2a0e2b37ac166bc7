"""The Telegram channel: python-telegram-bot's Application wired to core and the outbox sender."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from telegram import BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.error import NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from core import menus
from core.models import Role
from core.service import Service
from handlers.aiohttp_request import AiohttpRequest
from handlers.inbound import to_inbound
from handlers.polling import ConfirmingPoller
from handlers.processor import ChatOrderedProcessor
from handlers.sender import OutboxSender
from handlers.telegram_transport import TelegramTransport, seconds
from storage.db import Database
from storage.outbox import OutboxStore

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
    sends_in_flight: int = 1  # a crash repeats at most this many messages
    slow_send: float = 0.5  # a send slower than this lets the next one go


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
    ) -> None:
        self.service = service
        self.db = db
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

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        inbound = to_inbound(update, self.app.bot.username)
        if inbound is None:
            return
        ids = await self.service.handle(inbound)
        if self.sender is not None:
            self.sender.submit(ids)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll and deliver until stop is set; then finish cleanly. Undelivered stays pending."""
        async with self.app:
            # Invitation deep links (t.me/<bot>?start=...) must name the bot that is running.
            district = self.service.district
            self.service.district = replace(district, bot_username=self.app.bot.username)
            await self._default_menus(self.app)
            limits = self.limits
            self.sender = OutboxSender(
                OutboxStore(self.db, CHANNEL),
                TelegramTransport(self.app.bot),
                rate=limits.rate,
                chat_rate=limits.chat_rate,
                chat_burst=limits.chat_burst,
                backoff=limits.backoff,
                sends_in_flight=limits.sends_in_flight,
                slow_send=limits.slow_send,
                clock=self.service.clock,  # the clock core stamped the rows' due times with
                on_unreachable=self._unreachable,
            )
            await self.sender.start()
            poller = ConfirmingPoller(self.app, ALLOWED_UPDATES, timeout=25)
            await self.app.start()
            await poller.start()
            if self.on_ready is not None:
                await self.on_ready()
            try:
                await stop.wait()
            finally:
                await poller.stop()
                await self.app.stop()  # handles what the poller has queued
                await poller.confirm()
                await self._finish_sending(self.sender)

    async def _unreachable(self, chat_id: str) -> None:
        """A chat blocked the bot: core decides who must know (a member → the coordinators)."""
        ids = await self.service.unreachable(CHANNEL, chat_id)
        if self.sender is not None:
            self.sender.submit(ids)

    async def _finish_sending(self, sender: OutboxSender) -> None:
        """Let queued deliveries finish before stopping: cancelling a call Telegram has already
        carried out leaves its row pending, and the next start would send the message again."""
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
