"""The WeChat Official Account and WeCom channels on one callback server (the shared
handlers/http_server.py, or one of their own when none is given): each records what arrives
(storage.ingress), hands it to core in order per chat (handlers/ingress_worker.py), and
delivers its outbox rows (the Telegram channel's OutboxSender, with this channel's transport).

Invariants (what a newcomer can break):
- The callback is answered only after the message is committed to the ingress table, and the
  answer does not wait for core: the platform's five seconds are spent on one batched write.
- Outbox ids a turn queued may be for any channel (a resident on WeChat, members on WeCom or
  Telegram): they go to `route`, which hands them to every channel's sender; each sender takes
  only its own channel's rows.
- Every background task (the ingress workers, the senders) runs supervised; start-up checks of
  the account (the template's fields) stop the process with one line naming the setting when
  they fail for good, and only warn while the platform cannot be reached.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from datetime import timedelta

import httpx
from pydantic import TypeAdapter

from core.messages import Inbound
from core.service import Service
from handlers.delivery import DeliveryError, RetryLater
from handlers.http_server import HttpServer
from handlers.ingress_worker import Convert, IngressWorker
from handlers.sender import OutboxSender
from handlers.supervision import Fatal
from handlers.wx import account, events, files
from handlers.wx.callback_app import WeChatEndpoint, WeComEndpoint, callback_routes
from handlers.wx.config import WeChatConfig, WeComConfig, WxLimits
from handlers.wx.wechat_api import WeChatClient
from handlers.wx.wechat_inbound import WeChatEvent, WeChatImage, WeChatMessage, WeChatVoice
from handlers.wx.wechat_transport import TemplateSettings, WeChatTransport
from handlers.wx.wecom_api import WeComClient
from handlers.wx.wecom_inbound import WeComCardEvent, WeComImage, WeComMessage
from handlers.wx.wecom_transport import WeComTransport
from storage.db import Database
from storage.ingress import IngressStore, Recorded, ingress_of
from storage.outbox import deliveries_of
from storage.wx_state import CaseBrief, WxState, case_brief

log = logging.getLogger(__name__)

CHOICES_LAST = timedelta(minutes=30)  # a typed "1" answers choices offered this recently
HELD_FOR = timedelta(days=7)  # held messages older than this are dropped, not sent late
WECHAT_MESSAGE: TypeAdapter[WeChatMessage] = TypeAdapter(WeChatMessage)
WECOM_MESSAGE: TypeAdapter[WeComMessage] = TypeAdapter(WeComMessage)
Route = Callable[[list[int]], None]
DEFAULT_LIMITS = WxLimits()


class WxChannels:
    """The configured WeChat and WeCom channels, their callback server and their senders."""

    def __init__(
        self,
        service: Service,
        db: Database,
        *,
        wechat: WeChatConfig | None,
        wecom: WeComConfig | None,
        host: str,
        port: int,
        route: Route,
        public_url: str | None = None,
        limits: WxLimits = DEFAULT_LIMITS,
        on_fatal: Callable[[Fatal], None] = lambda e: None,
        server: HttpServer | None = None,
    ) -> None:
        self.service, self.db, self.wechat, self.wecom = service, db, wechat, wecom
        self.host, self.port, self.route, self.limits = host, port, route, limits
        self.on_fatal = on_fatal
        self.state = WxState(db)
        secret = (wecom.secret if wecom else "") + (wechat.secret if wechat else "")
        key = hashlib.sha256(b"minqing-files:" + secret.encode()).digest()
        self.files = files.FileLinks(self.state, key, public_url)
        self.http = httpx.AsyncClient(timeout=10.0, limits=httpx.Limits(max_connections=64))
        self.senders: dict[str, OutboxSender] = {}
        self.workers: dict[str, IngressWorker] = {}
        self.wechat_client: WeChatClient | None = None
        self.wecom_client: WeComClient | None = None
        # The shared HTTP server (its owner starts it once every channel added its routes), or
        # None: then these channels start one of their own.
        self.server = server
        self._own: HttpServer | None = None

    @property
    def url(self) -> str:
        """Where the callbacks are served (empty until then)."""
        server = self.server or self._own
        return server.url if server is not None else ""

    def submit(self, ids: list[int]) -> None:
        """Hand committed outbox ids to these channels' senders (each takes its own rows)."""
        for sender in self.senders.values():
            sender.submit(ids)

    async def start(self) -> None:
        """Check the accounts, start the senders and workers, then serve the callbacks."""
        wechat_endpoint = wecom_endpoint = None
        if self.wechat is not None:
            wechat_endpoint = await self._start_wechat(self.wechat)
        if self.wecom is not None:
            wecom_endpoint = await self._start_wecom(self.wecom)
        server = self.server
        if server is None:
            server = self._own = HttpServer(self.db, self.host, self.port)
        now = self.service.clock
        callback_routes(server.app, now=now, wechat=wechat_endpoint, wecom=wecom_endpoint)
        self.files.add_routes(server.app)
        if self._own is not None:
            await self._own.start()
            log.info("serving WeChat/WeCom callbacks at %s", self.url)

    async def stop(self) -> None:
        """Stop serving, then handling, then (after a grace period) delivering."""
        server = self.server or self._own
        if server is not None:
            await server.stop()
        for worker in self.workers.values():
            await worker.stop()
        for sender in self.senders.values():
            try:
                async with asyncio.timeout(self.limits.stop_grace):
                    await sender.drain()
            except TimeoutError:
                log.warning("stopping with undelivered messages; the next start sends them")
            await sender.stop()
        await self.http.aclose()

    async def drain(self) -> None:
        """Wait until what was recorded is handled and what was decided is delivered."""
        for worker in self.workers.values():
            await worker.drain()
        for sender in self.senders.values():
            await sender.drain()

    def _sender(self, channel: str, transport: WeChatTransport | WeComTransport) -> OutboxSender:
        limits = self.limits

        async def unreachable(chat_id: str) -> None:
            self.route(await self.service.unreachable(channel, chat_id))

        sender = OutboxSender(
            deliveries_of(self.db, channel),  # on PostgreSQL, claimed per chat
            transport,
            clock=self.service.clock,
            rate=limits.rate,
            chat_rate=limits.chat_rate,
            chat_burst=limits.chat_burst,
            backoff=limits.backoff,
            rescan_every=limits.rescan_every,
            sends_in_flight=limits.sends_in_flight,
            on_unreachable=unreachable,
            on_fatal=self.on_fatal,
        )
        self.senders[channel] = sender
        return sender

    def _worker(self, store: IngressStore, convert: Convert) -> IngressWorker:
        worker = IngressWorker(
            store,
            convert,
            self.service.handle,
            self.route,
            self.service.clock,
            concurrency=self.limits.concurrency,
            rescan_every=self.limits.rescan_every,
            backoff=self.limits.backoff,
            on_fatal=self.on_fatal,
        )
        self.workers[store.channel] = worker
        return worker

    async def _start_wechat(self, config: WeChatConfig) -> WeChatEndpoint:
        client = WeChatClient(config.app_id, config.secret, config.api_url, http=self.http)
        self.wechat_client = client
        await account.check_template(client, config)
        await account.create_menu(client)
        store = ingress_of(self.db, "wechat")
        template = None
        if config.template_id:
            zone = self.service.district.timezone
            template = TemplateSettings(config.template_id, zone, config.template_keys)

        async def cases(case_id: int) -> CaseBrief | None:
            return await case_brief(self.db, case_id)

        transport = WeChatTransport(client, store, self.state, cases, self.service.clock, template)
        sender = self._sender("wechat", transport)
        await sender.start()

        async def convert(row: Recorded) -> Inbound | None:
            message = WECHAT_MESSAGE.validate_json(row.payload)
            # A message, or a menu click or tap (what a resident does after a template, which
            # shows no words of invitation), opens a window: what was held goes first.
            if events.opens(message) is not None:
                now = self.service.clock()
                self.route(await self.state.release("wechat", row.chat_id, now - HELD_FOR, now))
            return await self._wechat_inbound(client, message, row.id)

        worker = self._worker(store, convert)
        worker.start()

        async def sink(message: WeChatMessage) -> None:
            payload = message.model_dump_json()
            opens = events.opens(message)
            await store.record(
                message.dedupe_key, message.open_id, payload, opens, self.service.clock()
            )
            worker.wake()

        return WeChatEndpoint(config.token, config.app_id, sink, config.aes_key)

    async def _wechat_inbound(
        self, client: WeChatClient, message: WeChatMessage, update_id: int
    ) -> Inbound | None:
        chat = message.open_id
        ref = None
        if isinstance(message, WeChatImage | WeChatVoice):
            kind = "image" if isinstance(message, WeChatImage) else "voice"
            ref = await self._download(client, "wechat", chat, message.media_id, kind)
        if isinstance(message, WeChatEvent) and message.event == "unsubscribe":
            await deliveries_of(self.db, "wechat").unreachable(chat)
            return None
        since = self.service.clock() - CHOICES_LAST
        choices = await self.state.last_menu("wechat", chat, since)
        return events.wechat_event(message, update_id, choices, ref)

    async def _download(
        self, client: WeChatClient | WeComClient, channel: str, chat: str, media_id: str, kind: str
    ) -> str | None:
        """Download and keep a media file; None when the platform no longer has it (a passing
        fault raises RetryLater: the message is tried again)."""
        try:
            media = await client.download_media(media_id)
        except RetryLater:
            raise
        except DeliveryError as e:
            log.warning("%s media %s of %s could not be downloaded: %s", channel, media_id, chat, e)
            return None
        return await files.keep(
            self.state, channel, chat, media_id, kind, media, self.service.clock
        )

    async def _start_wecom(self, config: WeComConfig) -> WeComEndpoint:
        client = WeComClient(
            config.corp_id, config.agent_id, config.secret, config.api_url, http=self.http
        )
        self.wecom_client = client
        store = ingress_of(self.db, "wecom")
        transport = WeComTransport(client, self.state, self.service.clock, self.files.url)
        sender = self._sender("wecom", transport)
        await sender.start()

        async def convert(row: Recorded) -> Inbound | None:
            message = WECOM_MESSAGE.validate_json(row.payload)
            ref = None
            if isinstance(message, WeComImage):
                ref = await self._download(
                    client, "wecom", message.user_id, message.media_id, "image"
                )
            if isinstance(message, WeComCardEvent) and message.response_code:
                code, task = message.response_code, message.task_id
                await self.state.save_code(task, message.user_id, code, self.service.clock())
            since = self.service.clock() - CHOICES_LAST
            choices = await self.state.last_menu("wecom", message.user_id, since)
            return events.wecom_event(message, row.id, choices, ref)

        worker = self._worker(store, convert)
        worker.start()

        async def sink(message: WeComMessage) -> None:
            payload = message.model_dump_json()
            await store.record(
                message.dedupe_key, message.user_id, payload, None, self.service.clock()
            )
            worker.wake()

        return WeComEndpoint(config.token, config.corp_id, config.aes_key, sink)
