"""The Telegram channel's start and end against the fake Bot API: a network that is not there yet
at start-up, a token refused at start or revoked while running; the token never in a log."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest

from cli.logs import TEXT_FORMAT, Redacting, secret_parts
from core.context import District
from core.messages import Outbound
from handlers.supervision import TokenRefused
from handlers.telegram_app import SendLimits, TelegramChannel
from storage.db import Database
from storage.unit_of_work import unit_factory
from tests.fakes import FakeBotAPI
from tests.support import Clock, RuleClassifier, sqlite_service

TOKEN = "123:RealSecretToken"
WRONG = "123:WrongSecretToken"
FAST = SendLimits(rate=1000.0, chat_rate=1000.0, chat_burst=1000.0, connect_backoff=0.05)


class Lines(logging.Handler):
    """Every log record of the run, down to DEBUG, formatted (traceback included) as the bot's
    log is; `wait_for` returns once a record matching a text has come."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(
            Redacting(logging.Formatter(TEXT_FORMAT), secret_parts(TOKEN) + secret_parts(WRONG))
        )
        self.records: list[logging.LogRecord] = []
        self.changed = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.changed.set()

    def text(self) -> str:
        """The whole log as it would be written."""
        return "\n".join(self.format(r) for r in self.records)

    def matching(self, part: str) -> list[logging.LogRecord]:
        """Records whose message holds part."""
        return [r for r in self.records if part in r.getMessage()]

    async def wait_for(self, part: str, count: int = 1, within: float = 10.0) -> None:
        """Until count records hold part."""
        async with asyncio.timeout(within):
            while len(self.matching(part)) < count:
                self.changed.clear()
                await self.changed.wait()


@pytest.fixture
def lines() -> Iterator[Lines]:
    handler = Lines()
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old)


def free_port() -> int:
    """A port of 127.0.0.1 where nothing listens (just now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def running(
    channel: TelegramChannel, stop: asyncio.Event
) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(channel.run(stop))
    try:
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), 20)


def channel_on(
    db: Database,
    district: District,
    classifier: RuleClassifier,
    clock: Clock,
    api_url: str,
    token: str = TOKEN,
    ready: asyncio.Event | None = None,
) -> TelegramChannel:
    async def on_ready() -> None:
        if ready is not None:
            ready.set()

    service = sqlite_service(db, district, classifier, clock)
    return TelegramChannel(service, db, token, api_url, on_ready=on_ready, limits=FAST)


async def test_start_up_waits_for_the_network_one_line_per_attempt(
    db: Database, district: District, classifier: RuleClassifier, clock: Clock, lines: Lines
) -> None:
    port = free_port()
    ready, stop = asyncio.Event(), asyncio.Event()
    channel = channel_on(db, district, classifier, clock, f"http://127.0.0.1:{port}", ready=ready)
    async with running(channel, stop) as task:
        await lines.wait_for("cannot reach the Bot API", count=3)
        assert not task.done()
        server = FakeBotAPI(token=TOKEN)
        await server.start(port)
        try:
            await asyncio.wait_for(ready.wait(), 20)
            await server.wait_until_polling()
            stop.set()
            await asyncio.wait_for(task, 20)
        finally:
            await server.stop()
    attempts = lines.matching("cannot reach the Bot API")
    assert len(attempts) >= 3
    for record in attempts:
        assert record.levelno == logging.WARNING and record.exc_info is None
        assert "\n" not in lines.format(record)
    assert "Traceback" not in lines.text()
    # The first call that reached the server checked the token, as every attempt did.
    assert server.calls()[0].method == "getMe"


async def test_a_token_refused_at_start_up_is_one_line_that_never_shows_it(
    db: Database, district: District, classifier: RuleClassifier, clock: Clock, lines: Lines
) -> None:
    async with FakeBotAPI(token=TOKEN) as server:
        channel = channel_on(db, district, classifier, clock, server.api_url, token=WRONG)
        with pytest.raises(TokenRefused) as refused:
            await asyncio.wait_for(channel.run(asyncio.Event()), 20)
    message = str(refused.value)
    assert "MINQING_BOT_TOKEN" in message and "\n" not in message
    assert refused.value.__suppress_context__ and refused.value.__cause__ is None
    assert "WrongSecret" not in message and "WrongSecret" not in lines.text()


async def test_a_token_revoked_while_running_ends_the_run_and_keeps_the_outbox(
    db: Database, district: District, classifier: RuleClassifier, clock: Clock, lines: Lines
) -> None:
    ready, stop = asyncio.Event(), asyncio.Event()
    async with FakeBotAPI(token=TOKEN) as server:
        resident = server.user(501, "王小明")
        channel = channel_on(db, district, classifier, clock, server.api_url, ready=ready)
        async with running(channel, stop) as task:
            await asyncio.wait_for(ready.wait(), 20)
            await server.wait_until_polling()
            server.revoke_token()
            async with unit_factory(db)() as uow:
                row = await uow.outbox.add(Outbound(chat_id=str(resident.id), text="你好"), clock())
                await uow.commit()
            assert channel.sender is not None
            channel.sender.submit([row])
            with pytest.raises(TokenRefused):
                await asyncio.wait_for(asyncio.shield(task), 20)
            assert not stop.is_set()  # it ended on its own
    critical = [r for r in lines.records if r.levelno == logging.CRITICAL]
    assert any("refused the token" in r.getMessage() for r in critical), lines.text()
    assert "RealSecret" not in lines.text()
    rows = await db.reader.execute_fetchall("SELECT status, attempts FROM outbox")
    assert [tuple(r) for r in rows] == [("pending", 0)]


async def test_a_token_refused_as_polling_begins_ends_the_run_in_order(
    db: Database, district: District, classifier: RuleClassifier, clock: Clock, lines: Lines
) -> None:
    async with FakeBotAPI(token=TOKEN) as server:
        server.faults.fail_next("deleteWebhook", "401")
        channel = channel_on(db, district, classifier, clock, server.api_url)
        with pytest.raises(TokenRefused):
            await asyncio.wait_for(channel.run(asyncio.Event()), 20)
    assert channel.sender is not None and not channel.sender.running
    assert not channel.app.running
    assert "RealSecret" not in lines.text()
