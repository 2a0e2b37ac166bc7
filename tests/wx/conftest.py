"""Fixtures for the WeChat/WeCom protocol layer: the fake platforms and a shared manual clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from handlers.wx.wechat_api import WeChatClient
from handlers.wx.wecom_api import WeComClient
from tests.fakes.wechat_api import FakeWeChatAPI
from tests.fakes.wecom_api import FakeWeComAPI
from tests.fakes.wx_platform import ManualClock


@pytest.fixture
def wx_clock() -> ManualClock:
    """Epoch seconds that move only when a test moves them (fakes, clients and apps share it)."""
    return ManualClock()


@pytest.fixture
async def wechat_api(wx_clock: ManualClock) -> AsyncIterator[FakeWeChatAPI]:
    """A started fake Official Account API."""
    async with FakeWeChatAPI(clock=wx_clock) as server:
        yield server


@pytest.fixture
async def wecom_api(wx_clock: ManualClock) -> AsyncIterator[FakeWeComAPI]:
    """A started fake WeCom API."""
    async with FakeWeComAPI(clock=wx_clock) as server:
        yield server


@pytest.fixture
async def wechat(wechat_api: FakeWeChatAPI, wx_clock: ManualClock) -> AsyncIterator[WeChatClient]:
    """The real client pointed at the fake, on the shared clock."""
    http = httpx.AsyncClient(timeout=2.0)
    client = WeChatClient(
        wechat_api.app_id, wechat_api.app_secret, wechat_api.url, http=http, clock=wx_clock
    )
    yield client
    await http.aclose()


@pytest.fixture
async def wecom(wecom_api: FakeWeComAPI, wx_clock: ManualClock) -> AsyncIterator[WeComClient]:
    """The real client pointed at the fake, on the shared clock."""
    http = httpx.AsyncClient(timeout=2.0)
    client = WeComClient(
        wecom_api.corp_id,
        wecom_api.agent_id,
        wecom_api.secret,
        wecom_api.url,
        http=http,
        clock=wx_clock,
    )
    yield client
    await http.aclose()
