"""The WeCom app's API: access token, app messages (text, markdown, template cards, files), card
updates, media (download, and upload of the files the bot sends). A send that names only
members the app cannot reach (`invaliduser`) is Unreachable."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from handlers.delivery import RetryLater, Unreachable
from handlers.wx.api_base import ApiClient, Media
from handlers.wx.api_errors import StaleToken, raise_for_status
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

    async def upload_file(
        self, filename: str, mime: str, content: bytes, kind: str = "file"
    ) -> str:
        """Upload a file as temporary media (valid 3 days) of a kind (file, image, voice);
        returns its media id. A refused token is refreshed and the upload made once more."""
        path = "/cgi-bin/media/upload"
        for attempt in range(2):
            token = await self.tokens.get()
            try:
                response = await self.http.post(
                    self.base_url + path,
                    params={"access_token": token, "type": kind},
                    files={"media": (filename, content, mime)},
                )
            except httpx.TimeoutException as e:
                raise RetryLater(f"{path}: timed out") from e
            except httpx.TransportError as e:
                raise RetryLater(f"{path}: {type(e).__name__}") from e
            raise_for_status(response.status_code, path)
            try:
                answer = self._checked(response, path)
            except StaleToken as e:
                if attempt:
                    raise RetryLater(str(e)) from e
                await self.tokens.refresh(token)
                continue
            media_id = answer.get("media_id")
            if not isinstance(media_id, str) or not media_id:
                raise RetryLater(f"{path}: no media_id in the answer")
            return media_id
        raise RetryLater(f"{path}: token refused twice")  # pragma: no cover - loop returns

    async def send_file(self, user_id: str, media_id: str, kind: str = "file") -> Sent:
        """Send uploaded media to a member as a message of its kind (file, image, voice)."""
        return await self.send({"touser": user_id, "msgtype": kind, kind: {"media_id": media_id}})

    async def download_media(self, media_id: str) -> Media:
        """Download a temporary media file a member sent."""
        return await self.download("/cgi-bin/media/get", {"media_id": media_id})
