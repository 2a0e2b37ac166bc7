"""The HTTP plumbing both platforms' API clients share: UTF-8 JSON, errcodes, token retry.

Invariants: every JSON body goes out as UTF-8 with `ensure_ascii=False` (escaped Chinese is refused
with 40033 by WeChat and shown raw by WeCom); a refused access token is refreshed and the call made
once more, never more; transport faults, timeouts, 429 and 5xx become RetryLater, so the outbox
keeps the message.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import httpx

from handlers.delivery import Rejected, RetryLater
from handlers.wx.api_errors import ACCOUNT_RETRY, StaleToken, raise_for_errcode, raise_for_status
from handlers.wx.tokens import TokenCache

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
MAX_MEDIA = 20 * 1024 * 1024


def dumps(body: dict[str, Any]) -> bytes:
    """A JSON body as the platforms want it: UTF-8, no \\u escapes."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True, slots=True)
class Media:
    """A downloaded media file: its bytes, content type and file name (if the platform gave one)."""

    content: bytes
    content_type: str
    filename: str


class ApiClient:
    """Calls one platform's API at `base_url` with the token that `tokens` hands out."""

    def __init__(
        self, base_url: str, tokens: TokenCache, http: httpx.AsyncClient | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.tokens = tokens
        self._own_http = http is None
        self.http = http or httpx.AsyncClient(timeout=DEFAULT_TIMEOUT)

    async def aclose(self) -> None:
        """Close the HTTP client if this object created it."""
        if self._own_http:
            await self.http.aclose()

    async def request(
        self,
        method: str,
        path: str,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """One HTTP call; transport faults and timeouts become RetryLater."""
        try:
            return await self.http.request(
                method,
                self.base_url + path,
                params=params,
                content=dumps(body) if body is not None else None,
                headers={"Content-Type": "application/json; charset=utf-8"} if body else None,
            )
        except httpx.TimeoutException as e:
            raise RetryLater(f"{path}: timed out") from e
        except httpx.TransportError as e:
            raise RetryLater(f"{path}: {type(e).__name__}") from e

    async def call_json(
        self,
        method: str,
        path: str,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A call whose answer is JSON with an errcode; raises the sender's error for a fault."""
        response = await self.request(method, path, params, body)
        raise_for_status(response.status_code, path)
        return self._checked(response, path)

    async def token_answer(self, path: str, params: dict[str, str]) -> tuple[str, float]:
        """Fetch a new access token and the seconds it is valid (a refused secret: RetryLater)."""
        try:
            answer = await self.call_json("GET", path, params)
        except StaleToken as e:  # 40001 at the token endpoint: the secret is wrong
            raise RetryLater(str(e), ACCOUNT_RETRY) from e
        token, expires = answer.get("access_token"), answer.get("expires_in")
        if not isinstance(token, str) or not token or not isinstance(expires, int) or expires <= 0:
            raise Rejected(f"{path}: unexpected answer {sorted(answer)}")
        return token, float(expires)

    async def call_with_token(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """A call made with the access token, refreshed and retried once if it was refused."""
        token = await self.tokens.get()
        try:
            return await self.call_json(
                method, path, {**(params or {}), "access_token": token}, body
            )
        except StaleToken:
            log.info("%s: access token refused; refreshing it and retrying once", path)
            token = await self.tokens.refresh(token)
        try:
            return await self.call_json(
                method, path, {**(params or {}), "access_token": token}, body
            )
        except StaleToken as e:
            raise RetryLater(str(e)) from e

    async def download(self, path: str, params: dict[str, str]) -> Media:
        """Fetch a media file (binary), or raise the sender's error for the JSON error answer."""
        for attempt in range(2):
            token = await self.tokens.get()
            response = await self.request("GET", path, {**params, "access_token": token})
            raise_for_status(response.status_code, path)
            kind = response.headers.get("content-type", "")
            if "json" in kind or "text/plain" in kind:
                try:
                    self._checked(response, path)
                except StaleToken as e:
                    if attempt:
                        raise RetryLater(str(e)) from e
                    await self.tokens.refresh(token)
                    continue
                return Media(response.content, kind, "")  # pragma: no cover - errcode 0 JSON
            if len(response.content) > MAX_MEDIA:
                raise RetryLater(f"{path}: media larger than {MAX_MEDIA} bytes")
            disposition = response.headers.get("content-disposition", "")
            filename = disposition.split("filename=", 1)[-1].strip('"') if disposition else ""
            return Media(response.content, kind, filename)
        raise RetryLater(f"{path}: token refused twice")  # pragma: no cover - loop returns

    @staticmethod
    def _checked(response: httpx.Response, path: str) -> dict[str, Any]:
        try:
            answer = response.json()
        except ValueError as e:
            raise RetryLater(f"{path}: answer is not JSON") from e
        if not isinstance(answer, dict):
            raise RetryLater(f"{path}: answer is not a JSON object")
        errcode = answer.get("errcode", 0)
        raise_for_errcode(
            int(errcode) if isinstance(errcode, int) else -1, str(answer.get("errmsg", "")), path
        )
        return answer
