"""python-telegram-bot's HTTP layer on aiohttp instead of httpx, and calls with plain JSON bodies.

PTB makes every Bot API call through a `BaseRequest`; its default, on httpx and httpcore, costs
about 1 ms of CPU a call and more than twice that with some thirty calls in flight (httpcore walks
its connections and requests on every call, with a syscall for each idle connection). aiohttp's
client, with its parser in C, makes the same call for a fraction of that, whatever the number in
flight. Everything above the HTTP layer (the status codes as PTB's errors, retry_after) stays
PTB's.

`call` makes a call whose parameters are plain JSON (dicts, lists, strings, numbers) rather
than PTB objects, posted as a JSON body, and returns the answer as plain JSON too: the outbox
sender, which needs a message id and nothing else, builds no PTB objects either way (PTB's
Message of every answer cost more than the HTTP call). Telegram's errors are raised as PTB's.

Invariants: a timeout is raised as PTB's `TimedOut` and any other failure of the transport as its
`NetworkError`, as PTB's own request does; at most `connection_pool_size` connections are open,
and a call waits at most `pool_timeout` for one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, cast

import aiohttp
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import BaseRequest, RequestData

JSON_BODY = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` on one aiohttp session, made when PTB initialises the bot."""

    def __init__(
        self,
        connection_pool_size: int = 8,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self.pool_size = connection_pool_size
        self._read, self._write, self._connect = read_timeout, write_timeout, connect_timeout
        self._pool, self._media_write = pool_timeout, media_write_timeout
        self._limits = _timeout(pool_timeout, connect_timeout, write_timeout, read_timeout)
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call gives none."""
        return self._read

    async def initialize(self) -> None:
        """Open the session (and its connection pool)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.pool_size, limit_per_host=0)
            self._session = aiohttp.ClientSession(connector=connector, skip_auto_headers=())

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make one HTTP call; returns its status and body."""
        files = request_data is not None and request_data.contains_files
        limits = _timeout(
            _given(pool_timeout, self._pool),
            _given(connect_timeout, self._connect),
            _given(write_timeout, self._media_write if files else self._write),
            _given(read_timeout, self._read),
        )
        return await self._send(method, url, _form(request_data), limits)

    async def call(self, url: str, params: Mapping[str, Any]) -> Any:
        """One Bot API call with params as its JSON body (None values left out); returns the
        result as plain JSON, and raises Telegram's errors as PTB's (RetryAfter, Forbidden,
        BadRequest, ...), as PTB's own calls would."""
        body = {name: value for name, value in params.items() if value is not None}
        status, payload = await self._send(
            "POST", url, json.dumps(body, ensure_ascii=False).encode(), self._limits, JSON_BODY
        )
        try:
            answer = self.parse_json_payload(payload)
        except TelegramError:
            answer = {}
        if 200 <= status <= 299 and "result" in answer:
            return answer["result"]
        raise telegram_error(status, answer)

    async def upload(
        self, url: str, params: Mapping[str, Any], field: str, filename: str, mime: str, data: bytes
    ) -> Any:
        """One Bot API call that uploads a file (multipart/form-data): params as form fields
        (a value that is not a string JSON-encoded, None left out) and the file as the part
        named field; the result and errors as `call` gives them."""
        # Names as UTF-8, unquoted, as browsers and PTB's own request send them (aiohttp would
        # percent-encode a Chinese file name, and Telegram would show it so).
        form = aiohttp.FormData(quote_fields=False)
        for name, value in params.items():
            if value is not None:
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                form.add_field(name, text)
        form.add_field(field, data, filename=filename, content_type=mime)
        limits = _timeout(self._pool, self._connect, self._media_write, self._read)
        status, payload = await self._send("POST", url, form, limits)
        try:
            answer = self.parse_json_payload(payload)
        except TelegramError:
            answer = {}
        if 200 <= status <= 299 and "result" in answer:
            return answer["result"]
        raise telegram_error(status, answer)

    async def _send(
        self,
        method: str,
        url: str,
        body: aiohttp.FormData | dict[str, str] | bytes | None,
        limits: aiohttp.ClientTimeout,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("this AiohttpRequest is not initialized")
        try:
            async with session.request(
                method,
                url,
                data=body,
                headers={"User-Agent": self.USER_AGENT, **(headers or {})},
                timeout=limits,
            ) as response:
                return response.status, await response.read()
        except TimeoutError as e:
            raise TimedOut from e
        except aiohttp.ClientError as e:
            raise NetworkError(f"aiohttp.{type(e).__name__}: {e}") from e


def telegram_error(status: int, answer: Mapping[str, Any]) -> TelegramError:
    """The error PTB raises for an unsuccessful answer of the Bot API."""
    try:
        description = answer.get("description") or f"{HTTPStatus(status).phrase} ({status})"
    except ValueError:
        description = f"Unknown HTTPError ({status})"
    parameters = answer.get("parameters") or {}
    if parameters.get("migrate_to_chat_id"):
        return ChatMigrated(int(parameters["migrate_to_chat_id"]))
    if parameters.get("retry_after"):
        return RetryAfter(int(parameters["retry_after"]))
    if status == HTTPStatus.FORBIDDEN:
        return Forbidden(description)
    if status in (HTTPStatus.NOT_FOUND, HTTPStatus.UNAUTHORIZED):
        return InvalidToken(description)
    if status == HTTPStatus.BAD_REQUEST:
        return BadRequest(description)
    if status == HTTPStatus.CONFLICT:
        return Conflict(description)
    return NetworkError(description)


def _timeout(
    pool: float | None, connect: float | None, write: float | None, read: float | None
) -> aiohttp.ClientTimeout:
    """PTB's four timeouts as aiohttp's: waiting for a connection counts as connecting, and
    the whole call is bounded by their sum (aiohttp has no timeout for writing alone)."""
    parts = (pool, connect, write, read)
    return aiohttp.ClientTimeout(
        total=None if None in parts else sum(p for p in parts if p is not None),
        connect=None if pool is None or connect is None else pool + connect,
        sock_connect=connect,
        sock_read=read,
    )


def _given(value: object, default: float | None) -> float | None:
    """A timeout as a call gave it, or the default when it gave none."""
    return default if value is BaseRequest.DEFAULT_NONE else cast(float | None, value)


def _form(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """PTB's parameters as a form, with its files as parts when it uploads any."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not request_data.contains_files:
        return fields
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
