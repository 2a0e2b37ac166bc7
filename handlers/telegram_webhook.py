"""Telegram in webhook mode: Telegram posts each update to <MINQING_WEBHOOK_URL>/telegram, the
bot records it in the ingress table and hands it to core with the WeChat channels' IngressWorker.

Invariants (what a newcomer can break):
- A request is checked before anything in it is read: its X-Telegram-Bot-Api-Secret-Token
  header must equal the secret (compared in constant time), else 403 and nothing is stored.
  The secret is never logged nor put into an exception.
- 200 is answered only once the update is committed to the ingress table (dedupe key: its
  update_id). Telegram posts again whatever was not answered 2xx, so an update is never lost;
  a repeated one is the same row (and core records its update_id), so never a second case.
  A body over MAX_BODY is 413, malformed JSON 400 (logged): Telegram would post it again in
  vain, but answering 200 would hide that something is sending garbage.
- The answer does not wait for core: the worker takes the recorded rows, in order per chat, and
  marks a row handled only after core has committed its turn (handlers/ingress_worker.py).
- The secret derived from the token when none is configured (config/settings.py) is the same
  in every worker process, so any of them can check a request that the shared port gives it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web
from telegram import Bot, Update
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter

from config.settings import SettingsError
from core.messages import Inbound
from handlers.http_server import HttpServer
from handlers.inbound import to_inbound
from handlers.ingress_worker import Handle, IngressWorker
from handlers.supervision import Fatal, TokenRefused, pause
from handlers.telegram_transport import seconds
from storage.db import Database
from storage.ingress import IngressStore, Recorded, ingress_of

log = logging.getLogger(__name__)

CHANNEL = "telegram"
PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 256 * 1024  # an update is a few KiB; a reply quoting a long message stays far under
NO_CHAT = "-"  # the queue of updates that name no chat (none of the kinds the bot asks for)


@dataclass(frozen=True)
class WebhookSetup:
    """Where Telegram posts (the public HTTPS base), the secret it sends, and how many
    connections at once it may open (1-100)."""

    base_url: str
    secret: str
    max_connections: int = 40

    @property
    def url(self) -> str:
        """The address given to setWebhook: the base with the route's path."""
        return self.base_url.rstrip("/") + PATH


def chat_of(update: dict[str, Any]) -> str:
    """The chat an update belongs to (its ingress queue): the message's chat, the pressed
    button's message's chat, else the presser; NO_CHAT for anything else."""
    for kind in ("message", "edited_message", "channel_post"):
        message = update.get(kind)
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            return str(message["chat"].get("id", NO_CHAT))
    query = update.get("callback_query")
    if isinstance(query, dict):
        message = query.get("message")
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            return str(message["chat"].get("id", NO_CHAT))
        sender = query.get("from")
        if isinstance(sender, dict):
            return str(sender.get("id", NO_CHAT))
    return NO_CHAT


class WebhookEndpoint:
    """The POST /telegram route: check, record, wake the worker, then answer."""

    def __init__(
        self, store: IngressStore, secret: str, clock: Callable[[], datetime], max_body: int
    ) -> None:
        self.store, self.clock, self.max_body = store, clock, max_body
        self._secret = secret.encode()
        self.wake: Callable[[], None] = lambda: None

    async def receive(self, request: web.Request) -> web.Response:
        """Answer 200 once the update is committed; 403, 413, 400 or 500 otherwise."""
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, self._secret):
            log.warning("telegram webhook: refused a request without the right secret")
            return web.Response(status=403)
        body = await _body(request, self.max_body)
        if body is None:
            log.warning("telegram webhook: refused a body over %d bytes", self.max_body)
            return web.Response(status=413)
        try:
            text = body.decode("utf-8")  # what Telegram sends; a UnicodeDecodeError is a ValueError
            update = json.loads(text)
            update_id = update["update_id"]
            if not isinstance(update_id, int) or isinstance(update_id, bool):
                raise TypeError("update_id is not an integer")
        except (ValueError, TypeError, KeyError) as e:
            log.warning("telegram webhook: malformed update (%s: %s)", type(e).__name__, e)
            return web.Response(status=400)
        try:
            await self.store.record(str(update_id), chat_of(update), text, None, self.clock())
        except Exception as e:  # Telegram posts it again: nothing is lost
            log.error(
                "telegram webhook: update %s not recorded (%s: %s); Telegram will post it again",
                update_id,
                type(e).__name__,
                e,
            )
            return web.Response(status=500)
        self.wake()
        return web.Response(status=200)


async def _body(request: web.Request, cap: int) -> bytes | None:
    """The request's body, or None once it is over cap (read no further)."""
    if request.content_length is not None and request.content_length > cap:
        return None
    chunks, size = [], 0
    async for chunk in request.content.iter_chunked(16 * 1024):
        size += len(chunk)
        if size > cap:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


class TelegramWebhook:
    """The webhook side of the Telegram channel: its route on the shared server (added when
    built, before the server starts), the ingress worker, and the setWebhook at start."""

    def __init__(
        self,
        db: Database,
        setup: WebhookSetup,
        server: HttpServer,
        clock: Callable[[], datetime],
        max_body: int = MAX_BODY,
    ) -> None:
        self.setup, self.server, self.clock = setup, server, clock
        self.store = ingress_of(db, CHANNEL)
        self.endpoint = WebhookEndpoint(self.store, setup.secret, clock, max_body)
        server.add("POST", PATH, self.endpoint.receive)
        self.worker: IngressWorker | None = None

    def start(
        self,
        bot: Bot,
        handle: Handle,
        submit: Callable[[list[int]], None],
        *,
        concurrency: int,
        backoff: float,
        on_fatal: Callable[[Fatal], None],
    ) -> None:
        """Start handing recorded updates to core (what a previous run left first)."""

        async def convert(row: Recorded) -> Inbound | None:
            update = Update.de_json(json.loads(row.payload), bot)
            return to_inbound(update, bot.username)

        self.worker = IngressWorker(
            self.store,
            convert,
            handle,
            submit,
            self.clock,
            concurrency=concurrency,
            backoff=backoff,
            on_fatal=on_fatal,
        )
        self.worker.start()
        self.endpoint.wake = self.worker.wake

    async def register(self, bot: Bot, stop: asyncio.Event, backoff: float) -> bool:
        """setWebhook, trying again with a back-off (one line per attempt) while the Bot API
        cannot be reached; False if stop was set meanwhile. TokenRefused for a 401;
        SettingsError naming MINQING_WEBHOOK_URL when Telegram refuses the webhook itself."""
        setup, failures = self.setup, 0
        while not stop.is_set():
            try:
                await bot.set_webhook(
                    setup.url,
                    max_connections=setup.max_connections,
                    allowed_updates=["message", "callback_query"],
                    secret_token=setup.secret,
                )
                log.info("webhook set: Telegram posts updates to %s", setup.url)
                return True
            except InvalidToken:
                raise TokenRefused() from None  # PTB's text may hold the token
            except BadRequest as e:
                raise SettingsError(
                    f"MINQING_WEBHOOK_URL: Telegram refused the webhook {setup.url}: {e.message}"
                ) from None
            except RetryAfter as e:
                wait, reason = seconds(e.retry_after), "asked to wait"
            except NetworkError as e:  # includes TimedOut
                failures += 1
                wait, reason = pause(failures, backoff), e.message
            log.warning("cannot set the webhook (%s); trying again in %.1f s", reason, wait)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
        return False

    async def stop(self, grace: float) -> None:
        """Stop serving, let the worker finish what is recorded (within grace), stop it:
        what is left stays recorded for the next start."""
        await self.server.stop()
        worker, self.worker = self.worker, None
        if worker is None:
            return
        if grace > 0:
            # Not with no grace at all: a wake() that the stop's cancel meets at once is lost
            # in Python 3.11's wait_for (the worker's loop), and then nothing stops it.
            try:
                async with asyncio.timeout(grace):
                    await worker.drain()
            except TimeoutError:
                log.warning("stopping with recorded updates not handled; the next start does")
        await worker.stop()
