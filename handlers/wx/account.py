"""Start-up work on the Official Account: the notification template must have the fields the bot
fills (a one-line settings error otherwise), and the custom menu residents use instead of
commands is created. A platform that cannot be reached at start is only warned about."""

from __future__ import annotations

import logging

from config.settings import SettingsError
from core.texts import t
from handlers.delivery import DeliveryError, RetryLater
from handlers.wx import events
from handlers.wx.config import WeChatConfig
from handlers.wx.wechat_api import WeChatClient
from handlers.wx.wechat_render import missing_template_keys

log = logging.getLogger(__name__)


async def check_template(client: WeChatClient, config: WeChatConfig) -> None:
    """The template must be on the account with the keys the bot fills."""
    if not config.template_id:
        log.warning(
            "MINQING_WECHAT_TEMPLATE_ID is not set: outside the 48-hour window residents"
            " cannot be told of their case"
        )
        return
    try:
        templates = await client.private_templates()
    except RetryLater as e:
        log.warning("could not read the account's templates (%s); not checked", e)
        return
    except DeliveryError as e:
        raise SettingsError(f"MINQING_WECHAT_APP_ID: the account refused ({e})") from e
    missing = missing_template_keys(templates, config.template_id, config.template_keys)
    if missing is None:
        raise SettingsError(
            f"MINQING_WECHAT_TEMPLATE_ID: the account has no template {config.template_id}"
        )
    if missing:
        raise SettingsError(
            f"MINQING_WECHAT_TEMPLATE_KEYS: the template has no field {', '.join(missing)}"
        )


async def create_menu(client: WeChatClient) -> None:
    """The custom menu residents use instead of commands."""
    buttons = [
        {"type": "click", "name": t("zh", f"wx_menu_{key}"), "key": key}
        for key in events.MENU_COMMANDS
    ]
    try:
        await client.create_menu(buttons)
    except DeliveryError as e:
        log.warning("could not create the WeChat custom menu: %s", e)
