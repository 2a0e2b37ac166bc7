"""The Official Account's API: access token, customer-service and template messages, menu, media.

Payloads come from the renderers (handlers.wx.wechat_render) or the convenience methods here; errors
are the sender's (handlers.wx.api_errors), WindowClosed included for 45015 and 45047.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from handlers.wx.api_base import ApiClient, Media
from handlers.wx.tokens import TokenCache

DEFAULT_URL = "https://api.weixin.qq.com"


class WeChatClient(ApiClient):
    """One Official Account (app id and secret) at `base_url`."""

    def __init__(
        self,
        app_id: str,
        app_secret: str,
        base_url: str = DEFAULT_URL,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app_id, self._secret = app_id, app_secret
        super().__init__(base_url, TokenCache(self.fetch_token, clock), http)

    async def fetch_token(self) -> tuple[str, float]:
        """A new access token from /cgi-bin/token and the seconds it is valid."""
        return await self.token_answer(
            "/cgi-bin/token",
            {"grant_type": "client_credential", "appid": self.app_id, "secret": self._secret},
        )

    async def send_custom(self, payload: dict[str, Any]) -> None:
        """Send one customer-service message (a rendered payload with touser and msgtype)."""
        await self.call_with_token("POST", "/cgi-bin/message/custom/send", payload)

    async def send_text(self, open_id: str, content: str) -> None:
        """Send a plain text within the 48-hour window."""
        await self.send_custom({"touser": open_id, "msgtype": "text", "text": {"content": content}})

    async def send_menu(
        self, open_id: str, head: str, items: list[tuple[str, str]], tail: str = ""
    ) -> None:
        """Send a msgmenu: a head text, tappable items (id, label) and a tail text."""
        menu = {
            "head_content": head,
            "list": [{"id": item_id, "content": label} for item_id, label in items],
            "tail_content": tail,
        }
        await self.send_custom({"touser": open_id, "msgtype": "msgmenu", "msgmenu": menu})

    async def send_image(self, open_id: str, media_id: str) -> None:
        """Send an image already uploaded as media."""
        await self.send_custom(
            {"touser": open_id, "msgtype": "image", "image": {"media_id": media_id}}
        )

    async def send_template(self, payload: dict[str, Any]) -> str:
        """Send a template message (a rendered payload); returns the platform's msgid."""
        answer = await self.call_with_token("POST", "/cgi-bin/message/template/send", payload)
        return str(answer.get("msgid", ""))

    async def create_menu(self, buttons: list[dict[str, Any]]) -> None:
        """Replace the account's custom menu (自定义菜单)."""
        await self.call_with_token("POST", "/cgi-bin/menu/create", {"button": buttons})

    async def private_templates(self) -> list[dict[str, Any]]:
        """The account's templates: template_id, title and content with its {{key.DATA}} fields."""
        answer = await self.call_with_token("GET", "/cgi-bin/template/get_all_private_template")
        templates = answer.get("template_list", [])
        return [t for t in templates if isinstance(t, dict)] if isinstance(templates, list) else []

    async def download_media(self, media_id: str) -> Media:
        """Download a temporary media file (a resident's photo or voice, valid for 3 days)."""
        return await self.download("/cgi-bin/media/get", {"media_id": media_id})
