"""The WeCom app's API: access token, app messages (text, markdown, template cards), card updates,
media. A send that names only members the app cannot reach (`invaliduser`) is Unreachable."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from handlers.delivery import Unreachable
from handlers.wx.api_base import ApiClient, Media
from handlers.wx.tokens import TokenCache

DEFAULT_URL = "https://qyapi.weixin.qq.com"


@dataclass(frozen=True, slots=True)
class Sent:
    """What message/send returned: the message id and, for a card, its first response code."""

    msgid: str
    response_code: str


class WeComClient(ApiClient):
    """One WeCom self-built app (corp id, agent id and the app's secret) at `base_url`."""

    def __init__(
        self,
        corp_id: str,
        agent_id: int,
        secret: str,
        base_url: str = DEFAULT_URL,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.corp_id, self.agent_id, self._secret = corp_id, agent_id, secret
        super().__init__(base_url, TokenCache(self.fetch_token, clock), http)

    async def fetch_token(self) -> tuple[str, float]:
        """A new access token from /cgi-bin/gettoken and the seconds it is valid."""
        return await self.token_answer(
            "/cgi-bin/gettoken",
            {"corpid": self.corp_id, "corpsecret": self._secret},
        )

    async def send(self, payload: dict[str, Any]) -> Sent:
        """Send one app message (a rendered payload with touser and msgtype; agentid is added)."""
        answer = await self.call_with_token(
            "POST", "/cgi-bin/message/send", {**payload, "agentid": self.agent_id}
        )
        invalid = str(answer.get("invaliduser", "") or answer.get("unlicenseduser", ""))
        if invalid and set(invalid.split("|")) >= set(str(payload.get("touser", "")).split("|")):
            raise Unreachable(f"/cgi-bin/message/send: not reachable: {invalid}")
        return Sent(str(answer.get("msgid", "")), str(answer.get("response_code", "")))

    async def send_text(self, user_id: str, content: str) -> Sent:
        """Send a plain text to a member."""
        return await self.send({"touser": user_id, "msgtype": "text", "text": {"content": content}})

    async def send_markdown(self, user_id: str, content: str) -> Sent:
        """Send a markdown message to a member."""
        return await self.send(
            {"touser": user_id, "msgtype": "markdown", "markdown": {"content": content}}
        )

    async def send_card(self, user_id: str, card: dict[str, Any]) -> Sent:
        """Send a template card (a rendered `template_card` object) to a member."""
        return await self.send(
            {"touser": user_id, "msgtype": "template_card", "template_card": card}
        )

    async def update_card(
        self,
        user_ids: list[str],
        response_code: str,
        card: dict[str, Any] | None = None,
        replace_name: str | None = None,
    ) -> None:
        """Replace a card (or grey out its buttons with `replace_name`) with a response code."""
        body: dict[str, Any] = {
            "userids": user_ids,
            "agentid": self.agent_id,
            "response_code": response_code,
        }
        if card is not None:
            body["template_card"] = card
        else:
            body["button"] = {"replace_name": replace_name or ""}
        await self.call_with_token("POST", "/cgi-bin/message/update_template_card", body)

    async def download_media(self, media_id: str) -> Media:
        """Download a temporary media file a member sent."""
        return await self.download("/cgi-bin/media/get", {"media_id": media_id})
