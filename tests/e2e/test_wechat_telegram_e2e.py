"""One case across channels: a resident on WeChat, a member on Telegram, the same core and
database; what either decides reaches the other through that channel's own sender."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from handlers.wx.channels import WxChannels
from handlers.wx.config import WeChatConfig
from tests.e2e.conftest import RunningBot
from tests.fakes.wechat_api import TEMPLATE_ID, FakeWeChatAPI
from tests.fakes.wx_platform import ManualClock
from tests.fakes.wx_users import CallbackPoster, WeChatResident
from tests.wx_e2e.conftest import ACCOUNT, FAST, WECHAT_AES, WECHAT_TOKEN, got
from tests.wx_e2e.test_wechat_life_e2e import CONCERN, PHONE, file_concern


class Shared:
    """The WeChat channel beside the running Telegram bot, on its service and database."""

    def __init__(
        self, bot: RunningBot, channels: WxChannels, api: FakeWeChatAPI, http: httpx.AsyncClient
    ) -> None:
        self.bot, self.channels, self.wechat_api, self.http = bot, channels, api, http

    def resident(self, open_id: str) -> WeChatResident:
        """A follower of the account posting to this channel."""
        poster = CallbackPoster(
            f"{self.channels.url}/wechat",
            WECHAT_TOKEN,
            WECHAT_AES,
            self.wechat_api.app_id,
            self.wechat_api.clock,
            self.http,
        )
        return WeChatResident(self.wechat_api, poster, open_id, ACCOUNT)


@pytest.fixture
async def shared(bot: RunningBot) -> AsyncIterator[Shared]:
    """The WeChat channel added to the Telegram bot (the fake's clock follows core's)."""
    manual = ManualClock(bot.clock().timestamp())
    async with FakeWeChatAPI(clock=manual) as api, httpx.AsyncClient(timeout=10.0) as http:
        config = WeChatConfig(
            app_id=api.app_id,
            secret=api.app_secret,
            token=WECHAT_TOKEN,
            api_url=api.url,
            aes_key=WECHAT_AES,
            template_id=TEMPLATE_ID,
        )
        telegram = bot.channel.sender
        assert telegram is not None
        channels: WxChannels | None = None

        def route(ids: list[int]) -> None:
            telegram.submit(ids)
            if channels is not None:
                channels.submit(ids)

        channels = WxChannels(
            bot.service,
            bot.db,
            wechat=config,
            wecom=None,
            host="127.0.0.1",
            port=0,
            route=route,
            limits=FAST,
        )
        await channels.start()
        try:
            yield Shared(bot, channels, api, http)
        finally:
            await channels.stop()


async def test_a_wechat_resident_and_a_telegram_member_share_a_case(shared: Shared) -> None:
    bot = shared.bot
    zhang = await bot.add_member(601, "law", "张律师")
    await file_concern(shared.resident("o_mixed"))
    await zhang.wait_text("新案件 #1")
    await zhang.press("✋ 认领")
    told = await got(shared.wechat_api, "o_mixed", "已由")
    assert "张律师" in told.text
    assert await bot.rows("SELECT channel, status FROM cases") == [("wechat", "claimed")]


async def test_a_wechat_photo_is_left_out_for_a_telegram_member(shared: Shared) -> None:
    bot = shared.bot
    zhang = await bot.add_member(601, "law", "张律师")
    resident = shared.resident("o_photo")
    api = shared.wechat_api
    await resident.send_image(b"\xff\xd8\xff a photo")
    await got(api, "o_photo", "照片")
    await resident.send_text(CONCERN)
    await got(api, "o_photo", "哪个镇")
    await resident.tap("钱营镇")
    await got(api, "o_photo", "联系电话")
    await resident.send_text(PHONE)
    await got(api, "o_photo", "请确认您的反映")
    await resident.tap("✅ 确认提交")
    await got(api, "o_photo", "已受理")
    notice = await zhang.wait_text("新案件 #1")
    assert "📷 1" in (notice.text or "")  # the count is said; the photo cannot be sent here
    await bot.drain()
    assert await bot.rows("SELECT count(*) FROM outbox WHERE status = 'failed'") == [(0,)]
