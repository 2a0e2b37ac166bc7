"""What the fake WeChat and WeCom API servers share: the server, a manual clock, access tokens,
UTF-8 JSON bodies, scripted faults and a record of every call."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from tests.fakes.records import Signal

ESCAPED_NON_ASCII = re.compile(rb"\\u(?!00[0-7][0-9a-fA-F])[0-9a-fA-F]{4}")
BAD_GATEWAY = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
TOKEN_LIFE = 7200


class ManualClock:
    """Epoch seconds that only move when a test moves them."""

    def __init__(self, start: float = 1_764_400_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time on."""
        self.now += seconds


class ApiFault(Exception):
    """An errcode answer the fake gives instead of carrying out a call."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(errmsg)
        self.errcode, self.errmsg = errcode, errmsg


@dataclass
class ApiCall:
    """One call the fake received: its path, query, JSON body (or None) and what it answered."""

    path: str
    query: dict[str, str]
    body: dict[str, Any] | None
    errcode: int | None = None
    status: int = 200


@dataclass
class TokenState:
    """An issued access token and the clock reading it stops working at."""

    expires_at: float
    revoked: bool = False


@dataclass
class ScriptedFaults:
    """Faults for the next calls of a path: "busy" (-1), "5xx" (502 page), "hold" (no answer
    until released), or any errcode as a string (e.g. "45009")."""

    pending: dict[str, list[str]] = field(default_factory=dict)
    injected: Counter[str] = field(default_factory=Counter)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    def fail_next(self, path: str, kind: str, times: int = 1) -> None:
        """Make the next `times` calls of path fail with kind."""
        self.pending.setdefault(path, []).extend([kind] * times)

    def take(self, path: str) -> str | None:
        """The fault for this call of path, if one is scripted."""
        queue = self.pending.get(path)
        if not queue:
            return None
        kind = queue.pop(0)
        self.injected[kind] += 1
        return kind


Handler = Callable[[dict[str, str], dict[str, Any] | None, bytes], Awaitable[web.StreamResponse]]


class FakePlatform:
    """An aiohttp server on 127.0.0.1 that routes paths to handlers and records each call."""

    token_missing = (41001, "access_token missing")
    token_invalid = (40001, "invalid credential, access_token is invalid or not latest")
    token_expired = (42001, "access_token expired")

    def __init__(self, clock: ManualClock | None = None) -> None:
        self.clock = clock or ManualClock()
        self.url = ""
        self.tokens: dict[str, TokenState] = {}
        self.calls: list[ApiCall] = []
        self.faults = ScriptedFaults()
        self.changed = Signal()
        self._routes: dict[tuple[str, str], Handler] = {}
        # Paths whose POST body is not JSON (a multipart upload): the handler gets the raw body
        # and, as its body, {"content_type": the request's Content-Type header}.
        self.raw_paths: set[str] = set()
        self._runner: web.AppRunner | None = None

    def route(self, method: str, path: str, handler: Handler) -> None:
        """Serve method and path with handler."""
        self._routes[(method, path)] = handler

    async def start(self) -> str:
        """Listen on an OS-assigned port; returns and sets url."""
        app = web.Application(client_max_size=4 * 1024**2)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.url

    async def stop(self) -> None:
        """Release held calls and shut the server down."""
        self.faults.release.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    def issue_token(self) -> str:
        """A new token; like WeChat, earlier tokens keep working for at most five more minutes."""
        now = self.clock()
        for state in self.tokens.values():
            state.expires_at = min(state.expires_at, now + 300)
        token = "tok_" + secrets.token_hex(12)
        self.tokens[token] = TokenState(now + TOKEN_LIFE)
        return token

    def expire_tokens(self) -> None:
        """Make every issued token expired (42001)."""
        for state in self.tokens.values():
            state.expires_at = self.clock() - 1

    def revoke_tokens(self) -> None:
        """Make every issued token invalid (40001/40014), as a secret reset does."""
        for state in self.tokens.values():
            state.revoked = True

    def check_token(self, query: dict[str, str]) -> None:
        """Raise ApiFault unless the call carries a live token."""
        token = query.get("access_token")
        if not token:
            raise ApiFault(*self.token_missing)
        state = self.tokens.get(token)
        if state is None or state.revoked:
            raise ApiFault(*self.token_invalid)
        if self.clock() >= state.expires_at:
            raise ApiFault(*self.token_expired)

    def calls_to(self, path: str) -> list[ApiCall]:
        """The recorded calls of one path."""
        return [c for c in self.calls if c.path == path]

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        query = dict(request.query)
        call = ApiCall(request.path, query, None)
        self.calls.append(call)
        handler = self._routes.get((request.method, request.path))
        if handler is None:
            call.status = 404
            return web.Response(status=404, text="not found")
        fault = self.faults.take(request.path)
        if fault == "5xx":
            call.status = 502
            return web.Response(status=502, text=BAD_GATEWAY, content_type="text/html")
        if fault == "hold":
            await self.faults.release.wait()
            call.status = 0
            return web.Response(status=504, text="held")
        try:
            if fault is not None:
                raise ApiFault(-1 if fault == "busy" else int(fault), "injected fault")
            if request.path in self.raw_paths:
                body: dict[str, Any] | None = {
                    "content_type": request.headers.get("Content-Type", "")
                }
            else:
                body = self._decode(raw) if request.method == "POST" else None
            call.body = body
            response = await handler(query, body, raw)
        except ApiFault as e:
            call.errcode = e.errcode
            return json_answer({"errcode": e.errcode, "errmsg": e.errmsg})
        call.errcode = 0
        self.changed.notify()
        return response

    def _decode(self, raw: bytes) -> dict[str, Any]:
        if ESCAPED_NON_ASCII.search(raw):
            self.on_escaped_body(raw)
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise ApiFault(47001, "data format error") from e
        if not isinstance(body, dict):
            raise ApiFault(47001, "data format error")
        return body

    def on_escaped_body(self, raw: bytes) -> None:
        """What the platform does with \\uXXXX escapes of non-ASCII text (WeChat: 40033)."""
        raise ApiFault(40033, "invalid charset. please check your request, \\uxxxx is not allowed")


def json_answer(body: dict[str, Any]) -> web.Response:
    """A JSON answer as the platforms give it."""
    return web.Response(text=json.dumps(body, ensure_ascii=False), content_type="application/json")


def ok(**extra: Any) -> web.Response:
    """errcode 0 with extra fields."""
    return json_answer({"errcode": 0, "errmsg": "ok", **extra})
