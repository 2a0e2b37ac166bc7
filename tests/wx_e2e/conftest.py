"""The real WeChat and WeCom channels (callback server, ingress workers, senders, transports) as
tasks in the test's event loop, over a real SQLite file (or, for a test marked
`@pytest.mark.parametrize("wx", ON_BOTH, indirect=True)`, a fresh schema on the test PostgreSQL
server as well), against the fake platforms; simulated residents and members that sign and
encrypt as the platforms do.

Nothing here sleeps: every wait is for a condition, its timeout an upper bound only.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import httpx
import pytest

from core import roster
from core.context import District
from core.engines import Classifier
from core.service import Service
from handlers.wx.channels import WxChannels
from handlers.wx.config import WeChatConfig, WeComConfig, WxLimits
from storage.db import Database
from storage.pg import PgDatabase
from tests.fakes.wechat_api import TEMPLATE_ID, FakeWeChatAPI, Received
from tests.fakes.wecom_api import Delivered, FakeWeComAPI
from tests.fakes.wx_platform import ManualClock
from tests.fakes.wx_users import CallbackPoster, WeChatResident, WeComMember
from tests.pg import fresh_schema
from tests.support import Clock, sqlite_service

WECHAT_TOKEN = "wxcallbacktoken"
WECHAT_AES = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
WECOM_TOKEN = "wecomcallbacktoken"
WECOM_AES = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
ACCOUNT = "gh_fake_account"
FAST = WxLimits(rate=1000.0, chat_rate=1000.0, chat_burst=1000.0, backoff=0.05, rescan_every=0.5)
WITHIN = 10.0
ON_BOTH = ["sqlite", "postgres"]  # the `wx` fixture's databases, for indirect parametrization


class SharedClock(Clock):
    """Core's clock as the fakes' manual clock reads it: one time for all."""

    def __init__(self, manual: ManualClock) -> None:
        self.manual = manual

    def __call__(self) -> datetime:
        return datetime.fromtimestamp(self.manual(), UTC)


class WxBot:
    """The bot's WeChat and WeCom channels in the test's event loop; start, stop, restart."""

    def __init__(
        self,
        path: Path,
        district: District,
        classifier: Classifier,
        manual: ManualClock,
        wechat_api: FakeWeChatAPI,
        wecom_api: FakeWeComAPI,
        safe_mode: bool = True,
        template_id: str | None = TEMPLATE_ID,
        postgres: tuple[str, str] | None = None,
    ) -> None:
        self.path, self.district, self.classifier = path, district, classifier
        self.manual, self.clock = manual, SharedClock(manual)
        self.wechat_api, self.wecom_api, self.safe_mode = wechat_api, wecom_api, safe_mode
        self.template_id = template_id
        self.postgres = postgres  # (server url, schema): the bot on PostgreSQL instead
        self._db: Database | None = None
        self._service: Service | None = None
        self._channels: WxChannels | None = None
        self.http = httpx.AsyncClient(timeout=10.0)

    @property
    def db(self) -> Database:
        """The open database."""
        assert self._db is not None, "not running"
        return self._db

    @property
    def service(self) -> Service:
        """Core, as the running bot has it."""
        assert self._service is not None, "not running"
        return self._service

    @property
    def channels(self) -> WxChannels:
        """The running channels."""
        assert self._channels is not None, "not running"
        return self._channels

    async def start(self) -> None:
        """Open the database, build core as bot.py does, serve the callbacks on a free port."""
        if self.postgres is not None:
            url, schema = self.postgres
            self._db = cast(Database, await PgDatabase.open(url, schema=schema))
        else:
            self._db = await Database.open(self.path)
        self._service = sqlite_service(self._db, self.district, self.classifier, self.clock)
        wechat = WeChatConfig(
            app_id=self.wechat_api.app_id,
            secret=self.wechat_api.app_secret,
            token=WECHAT_TOKEN,
            api_url=self.wechat_api.url,
            aes_key=WECHAT_AES if self.safe_mode else None,
            template_id=self.template_id,
        )
        wecom = WeComConfig(
            corp_id=self.wecom_api.corp_id,
            agent_id=self.wecom_api.agent_id,
            secret=self.wecom_api.secret,
            token=WECOM_TOKEN,
            aes_key=WECOM_AES,
            api_url=self.wecom_api.url,
        )
        self._channels = WxChannels(
            self._service,
            self._db,
            wechat=wechat,
            wecom=wecom,
            host="127.0.0.1",
            port=0,
            route=self.route,
            public_url="http://files.example",
            limits=FAST,
        )
        await self._channels.start()

    def route(self, ids: list[int]) -> None:
        """Outbox ids to every sender, as bot.py routes them."""
        if self._channels is not None:
            self._channels.submit(ids)

    async def stop(self) -> None:
        """Stop serving and delivering; close the file."""
        try:
            if self._channels is not None:
                await self._channels.stop()
        finally:
            if self._db is not None:
                await self._db.close()
            self._db, self._service, self._channels = None, None, None

    async def settle(self) -> None:
        """Wait until what was recorded is handled and what it decided is delivered."""
        async with asyncio.timeout(WITHIN):
            for _ in range(3):
                await self.channels.drain()

    def resident(self, open_id: str) -> WeChatResident:
        """A follower of the account posting to /wechat."""
        poster = CallbackPoster(
            f"{self.channels.url}/wechat",
            WECHAT_TOKEN,
            WECHAT_AES if self.safe_mode else None,
            self.wechat_api.app_id,
            self.manual,
            self.http,
        )
        return WeChatResident(self.wechat_api, poster, open_id, ACCOUNT)

    def member(self, user_id: str) -> WeComMember:
        """Someone of the corp posting to /wecom."""
        poster = CallbackPoster(
            f"{self.channels.url}/wecom",
            WECOM_TOKEN,
            WECOM_AES,
            self.wecom_api.corp_id,
            self.manual,
            self.http,
        )
        return WeComMember(self.wecom_api, poster, user_id)

    async def add_member(self, user_id: str, tank: str, name: str) -> WeComMember:
        """A WeCom member of a tank, as `minqing member add <userid> <tank> --channel wecom`."""
        member = self.member(user_id)
        async with self.service.open_unit() as uow:
            await roster.add_member(uow, self.district, "wecom", user_id, tank, self.clock(), name)
            await uow.commit()
            self.route(list(uow.queued))
        return member

    async def make_coordinators(self, *user_ids: str) -> list[WeComMember]:
        """These WeCom members are the coordinators (MINQING_COORDINATORS=wecom:<id>)."""
        members = [self.member(u) for u in user_ids]
        async with self.service.open_unit() as uow:
            await roster.sync_coordinators(uow, "wecom", list(user_ids), self.clock())
            await uow.commit()
            self.route(list(uow.queued))
        return members

    async def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Committed rows of a read-only query."""
        return [tuple(r) for r in await self.db.reader.execute_fetchall(sql, params)]

    async def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """What a refused callback must leave as it was."""
        return {
            "cases": await self.rows("SELECT id, status, tank, assignee_id FROM cases"),
            "events": await self.rows("SELECT id, kind FROM case_events"),
            "people": await self.rows("SELECT id, channel, external_id, role FROM people"),
            "ingress": await self.rows("SELECT id, dedupe_key FROM ingress"),
            "outbox": await self.rows("SELECT id FROM outbox"),
            "dialogs": await self.rows("SELECT channel, chat_id, state FROM dialogs"),
        }


async def got(api: FakeWeChatAPI, open_id: str, text: str, after: int = 0) -> Received:
    """Wait for the first message to a resident (from index after) whose text has text."""

    def probe() -> Received | None:
        return next((r for r in api.received(open_id)[after:] if text in r.text), None)

    return await api.changed.wait_until(
        probe,
        WITHIN,
        lambda: f"{open_id} never got {text!r}: {[r.text[:40] for r in api.received(open_id)]}",
    )


async def got_wecom(api: FakeWeComAPI, user_id: str, text: str, after: int = 0) -> Delivered:
    """Wait for the first message to a member (from index after) whose text has text."""

    def probe() -> Delivered | None:
        return next((d for d in api.received(user_id)[after:] if text in d.text), None)

    return await api.changed.wait_until(
        probe,
        WITHIN,
        lambda: f"{user_id} never got {text!r}: {[d.text[:40] for d in api.received(user_id)]}",
    )


@pytest.fixture
def manual() -> ManualClock:
    """The one clock of the fakes, the simulated users and the bot."""
    return ManualClock()


@pytest.fixture
async def wechat_api(manual: ManualClock) -> AsyncIterator[FakeWeChatAPI]:
    """A started fake Official Account API."""
    async with FakeWeChatAPI(clock=manual) as server:
        yield server


@pytest.fixture
async def wecom_api(manual: ManualClock) -> AsyncIterator[FakeWeComAPI]:
    """A started fake WeCom API."""
    async with FakeWeComAPI(clock=manual) as server:
        yield server


@pytest.fixture
async def wx(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    district: District,
    classifier: Classifier,
    manual: ManualClock,
    wechat_api: FakeWeChatAPI,
    wecom_api: FakeWeComAPI,
) -> AsyncIterator[WxBot]:
    """The WeChat and WeCom channels up, over minqing.db in tmp_path (or, parametrized with
    "postgres", a fresh schema on the test server, skipped saying why without one); stopped
    after."""
    if getattr(request, "param", "sqlite") == "postgres":
        async with fresh_schema() as found:
            bot = WxBot(
                tmp_path, district, classifier, manual, wechat_api, wecom_api, postgres=found
            )
            await bot.start()
            try:
                yield bot
            finally:
                await bot.stop()
                await bot.http.aclose()
        return
    bot = WxBot(tmp_path / "minqing.db", district, classifier, manual, wechat_api, wecom_api)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()
        await bot.http.aclose()
