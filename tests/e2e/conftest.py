"""The real Telegram channel (PTB Application, processor, outbox sender, transport) as an asyncio
task against the fake Bot API, over a real SQLite file; and the handles e2e tests drive it with.

    async def test_something(bot: RunningBot) -> None:
        ann = bot.server.user(42, "Ann")
        await ann.send_command("/start")
        await ann.wait_text("您好")
        await bot.restart()  # the same database file and fake server, a new channel

Nothing here sleeps: every wait is for a condition, with its timeout as an upper bound only.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from core import roster
from core.context import District
from core.engines import Classifier
from core.models import Person
from core.service import Service
from core.texts import t
from handlers.http_server import HttpServer
from handlers.telegram_app import SendLimits, TelegramChannel
from handlers.telegram_webhook import TelegramWebhook, WebhookSetup
from storage.db import Database
from tests.fakes import CallbackAnswer, FakeBotAPI, FakeUser, SentMessage, fake_bot_api
from tests.pg import fresh_schema
from tests.support import Clock, sqlite_service

TOKEN = "123:ABC"
# Telegram's real pace (1 message a second per chat) would make a case's life take a minute.
FAST = SendLimits(rate=1000.0, chat_rate=1000.0, chat_burst=1000.0, backoff=0.05)
UP_WITHIN = 10.0
WEBHOOK_BASE = "https://bot.example.gov.cn"  # what the fake's stand-in proxy maps to the bot
DOWN_WITHIN = 15.0

assert os.environ.get("PTB_TIMEDELTA") == "1", "tests/conftest.py sets PTB_TIMEDELTA"


class RunningBot:
    """One bot process in the test's event loop: start, stop, restart on the same file."""

    def __init__(
        self,
        server: FakeBotAPI,
        path: Path,
        district: District,
        classifier: Classifier,
        clock: Clock,
        limits: SendLimits = FAST,
        postgres: tuple[str, str] | None = None,
        webhook: str | None = None,
    ) -> None:
        self.server, self.path, self.district = server, path, district
        self.postgres = postgres  # (server url, schema): the bot on PostgreSQL instead
        # The secret of webhook mode (the fake posts to the bot's HTTP server), or None: polling.
        self.webhook = webhook
        self.http: HttpServer | None = None
        self.classifier, self.clock, self.limits = classifier, clock, limits
        self.starts = 0
        self._db: Database | None = None
        self._service: Service | None = None
        self._channel: TelegramChannel | None = None
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    @property
    def db(self) -> Database:
        """The open database of the running bot."""
        assert self._db is not None, "the bot is not running"
        return self._db

    @property
    def service(self) -> Service:
        """The core service of the running bot."""
        assert self._service is not None, "the bot is not running"
        return self._service

    @property
    def channel(self) -> TelegramChannel:
        """The running Telegram channel."""
        assert self._channel is not None, "the bot is not running"
        return self._channel

    async def start(self) -> None:
        """Open the database, build the service as bot.py does, and run a new channel."""
        assert self._task is None, "already running"
        if self.postgres is not None:
            from storage.pg import PgDatabase

            url, schema = self.postgres
            self._db = await PgDatabase.open(url, schema=schema)  # type: ignore[assignment]
        else:
            self._db = await Database.open(self.path)
        assert self._db is not None
        self._service = sqlite_service(self._db, self.district, self.classifier, self.clock)
        ready = asyncio.Event()

        async def on_ready() -> None:
            ready.set()

        self._stop = asyncio.Event()
        hook = None
        if self.webhook is not None:
            self.http = HttpServer(self._db, "127.0.0.1", 0)
            setup = WebhookSetup(WEBHOOK_BASE, self.webhook, max_connections=40)
            hook = TelegramWebhook(self._db, setup, self.http, self.clock)
            await self.http.start()
            self.server.webhook.deliver_to(self.http.url)
        self._channel = TelegramChannel(
            self._service,
            self._db,
            TOKEN,
            self.server.api_url,
            on_ready=on_ready,
            limits=self.limits,
            webhook=hook,
        )
        self._task = asyncio.create_task(self._channel.run(self._stop), name="telegram-channel")
        waiter = asyncio.create_task(ready.wait())
        done, _ = await asyncio.wait(
            {waiter, self._task}, timeout=UP_WITHIN, return_when="FIRST_COMPLETED"
        )
        if waiter not in done:
            waiter.cancel()
            failed = self._task.exception() if self._task in done else None
            await self.stop()
            raise AssertionError(f"the bot did not come up within {UP_WITHIN}s: {failed!r}")
        if self.webhook is None:
            await self.server.wait_until_polling(UP_WITHIN)
        self.starts += 1

    async def stop(self, abrupt: bool = False) -> None:
        """Stop polling and delivering and close the file; what is undelivered stays pending.
        Abrupt: without waiting for queued deliveries (as when the stop grace runs out)."""
        task, self._task = self._task, None
        try:
            if task is not None:
                if abrupt and self._channel is not None:
                    self._channel.limits = replace(self._channel.limits, stop_grace=0.0)
                self._stop.set()
                async with asyncio.timeout(DOWN_WITHIN):
                    await task
        finally:
            if self.http is not None:
                await self.http.stop()
            if self._db is not None:
                await self._db.close()
            self._db, self._service, self._channel, self.http = None, None, None, None

    async def restart(self, abrupt: bool = False) -> None:
        """A new bot process on the same database file and the same fake server."""
        await self.stop(abrupt)
        await self.start()

    async def drain(self, within: float = 10.0) -> None:
        """Wait until the sender has delivered (or given up on) everything it knows of."""
        sender = self.channel.sender
        assert sender is not None
        async with asyncio.timeout(within):
            await sender.drain()

    def _submit(self, queued: Sequence[int]) -> None:
        sender = self.channel.sender
        assert sender is not None
        sender.submit(queued)

    async def add_member(
        self,
        user_id: int,
        tank: str,
        name: str,
        station: str | None = None,
        language_code: str | None = "zh-hans",
    ) -> FakeUser:
        """Make a Telegram user a member of a tank, as `bot.py member add` does; their menu goes
        out through the outbox. Returns the user, whose chat the fake now knows."""
        user = self.server.user(user_id, name, language_code=language_code)
        async with self.service.open_unit() as uow:
            await roster.add_member(
                uow, self.district, "telegram", str(user_id), tank, self.clock(), name, station
            )
            await uow.commit()
            queued = list(uow.queued)
        self._submit(queued)
        return user

    async def make_coordinators(self, *users: tuple[int, str]) -> list[FakeUser]:
        """Make exactly these (user id, name) coordinators, as bot.py does at start-up."""
        fakes = [self.server.user(user_id, name) for user_id, name in users]
        async with self.service.open_unit() as uow:
            ids = [str(user_id) for user_id, _ in users]
            await roster.sync_coordinators(uow, "telegram", ids, self.clock())
            await uow.commit()
            queued = list(uow.queued)
        self._submit(queued)
        return fakes

    async def person(self, user_id: int) -> Person | None:
        """The person the database knows by this Telegram user id."""
        async with self.service.open_unit() as uow:
            return await uow.people.by_external("telegram", str(user_id))

    async def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Committed rows of a read-only query, as plain tuples."""
        found = await self.db.reader.execute_fetchall(sql, params)
        return [tuple(row) for row in found]

    async def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Everything a refused request must leave as it was (the outbox aside)."""
        return {
            "cases": await self.rows(
                "SELECT id, status, tank, assignee_id, rating, resolved_at, closed_at FROM cases"
                " ORDER BY id"
            ),
            "events": await self.rows("SELECT id, case_id, kind FROM case_events ORDER BY id"),
            "people": await self.rows("SELECT id, role, tank, active FROM people ORDER BY id"),
            "invites": await self.rows("SELECT code FROM invites"),
        }


@pytest.fixture
async def server() -> AsyncIterator[FakeBotAPI]:
    """A started fake Bot API on 127.0.0.1; fails the test if the fake itself broke."""
    async with fake_bot_api(TOKEN) as started:
        yield started
        assert not started.errors, f"the fake Bot API failed: {started.errors!r}"


@pytest.fixture
async def bot(
    server: FakeBotAPI,
    tmp_path: Path,
    district: District,
    classifier: Classifier,
    clock: Clock,
) -> AsyncIterator[RunningBot]:
    """The bot, up and polling the fake server, over minqing.db in tmp_path; stopped after."""
    running = RunningBot(server, tmp_path / "minqing.db", district, classifier, clock)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture(params=["sqlite", "postgres"])
async def any_bot(
    request: pytest.FixtureRequest,
    server: FakeBotAPI,
    tmp_path: Path,
    district: District,
    classifier: Classifier,
    clock: Clock,
) -> AsyncIterator[RunningBot]:
    """The bot on each database in turn: a SQLite file, then a fresh schema on the test
    PostgreSQL server (skipped, saying why, when there is none)."""
    if request.param == "sqlite":
        running = RunningBot(server, tmp_path / "minqing.db", district, classifier, clock)
        await running.start()
        try:
            yield running
        finally:
            await running.stop()
        return
    async with fresh_schema() as found:
        running = RunningBot(server, tmp_path, district, classifier, clock, postgres=found)
        await running.start()
        try:
            yield running
        finally:
            await running.stop()


def plain_text(html: str) -> str:
    """A catalogue text as the client shows it (tags out)."""
    return re.sub(r"<[^>]+>", "", html)


async def barrier(user: FakeUser, within: float = 10.0) -> SentMessage:
    """Send /help and wait for its answer: everything the chat sent before has then been handled
    and delivered (one chat's updates are handled, and its messages sent, in order)."""
    await user.send_command("/help")
    residents = {plain_text(t(locale, "help_resident")) for locale in ("zh", "en")}
    return await user.wait_for(
        lambda m: (
            ("/help" in (m.text or "") and "/cancel" in (m.text or ""))
            or (m.text or "") in residents
        ),
        within,
        what="the answer to /help",
    )


async def answer_of(user: FakeUser, update: dict[str, Any], within: float = 10.0) -> CallbackAnswer:
    """The bot's answer to the button press that update (from press/forge_callback) carried."""
    query_id = update["callback_query"]["id"]

    def probe() -> CallbackAnswer | None:
        return next((a for a in user.answers if a.callback_query_id == query_id), None)

    return await user.chat.signal.wait_until(
        probe, within, lambda: f"the answer to callback query {query_id} of {user!r}"
    )


class GroupChat:
    """A group the bot is in, where fake users write (FakeUser only knows private chats)."""

    def __init__(self, server: FakeBotAPI, chat_id: int, title: str) -> None:
        self.server = server
        self.state = server.add_chat(chat_id, "group", title=title)

    async def send(self, user: FakeUser, text: str) -> dict[str, Any]:
        """Push user's text into the group; a leading /word is marked as a bot command."""
        message: dict[str, Any] = {
            "message_id": self.state.new_message_id(),
            "from": user.user,
            "chat": self.state.chat,
            "date": int(time.time()),
            "text": text,
        }
        if text.startswith("/"):
            head = text.split(maxsplit=1)[0]
            length = len(head.encode("utf-16-le")) // 2
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.server.push({"message": message})

    @property
    def messages(self) -> list[SentMessage]:
        """What the bot sent to the group."""
        return list(self.state.messages)
