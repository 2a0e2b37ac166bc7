"""The callback server: `/wechat` and `/wecom` on aiohttp.web, and `/health`.

Invariants: a request is verified before anything in it is parsed (timestamp within five minutes,
then signature in constant time, then decryption with its receive id); a request that fails gets
403 (or 400 for a malformed or oversized body, 413 when over the cap) with an empty body, never
`success`, and reaches no sink. A verified message is handed to the channel's sink, a port the
composition root fills (it records the message with its dedupe key and returns quickly); the answer
is `success` (WeChat) or an empty body (WeCom) once the sink returned. In plain mode, whose
signature does not cover the body, a signature seen before is refused with another body. If the
sink raises, the answer is 500, so the platform delivers the callback again rather than the
message being lost.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from handlers.wx.crypto import (
    MAX_AGE,
    CallbackCrypto,
    VerificationError,
    check_signature,
    check_timestamp,
)
from handlers.wx.wechat_inbound import WeChatMessage, parse_wechat
from handlers.wx.wecom_inbound import WeComMessage, parse_wecom
from handlers.wx.xmlsafe import MAX_BODY, MalformedMessage, XmlRefused, parse_fields

log = logging.getLogger(__name__)

WeChatSink = Callable[[WeChatMessage], Awaitable[None]]
WeComSink = Callable[[WeComMessage], Awaitable[None]]
MAX_QUERY_VALUE = 512


@dataclass(frozen=True, slots=True)
class WeChatEndpoint:
    """The Official Account's callback settings: token, app id, EncodingAESKey (safe mode)."""

    token: str
    app_id: str
    sink: WeChatSink
    aes_key: str | None = None


@dataclass(frozen=True, slots=True)
class WeComEndpoint:
    """The WeCom app's callback settings: token, corp id and EncodingAESKey (always encrypted)."""

    token: str
    corp_id: str
    aes_key: str
    sink: WeComSink


class SignedBodies:
    """Plain mode signs only the timestamp and nonce, not the body: the body first seen under
    each signature (while its timestamp is fresh), so that a signed address seen once cannot
    carry another body. The platform's retries repeat the body and pass."""

    def __init__(self, max_age: float = MAX_AGE, limit: int = 200_000) -> None:
        self.max_age, self.limit = max_age, limit
        self._seen: dict[tuple[str, str, str], tuple[bytes, int]] = {}

    def same(self, key: tuple[str, str, str], body: bytes, timestamp: int, now: float) -> bool:
        """Whether body is the first seen under key (it is kept if it is the first)."""
        while self._seen:
            oldest = next(iter(self._seen))
            if self._seen[oldest][1] >= now - self.max_age and len(self._seen) < self.limit:
                break
            del self._seen[oldest]
        digest = hashlib.sha256(body).digest()
        seen = self._seen.setdefault(key, (digest, timestamp))
        return hmac.compare_digest(seen[0], digest)


class Refused(Exception):
    """A request answered with an error status and an empty body."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def _param(request: web.Request, name: str) -> str:
    value = request.query.get(name, "")
    if not value or len(value) > MAX_QUERY_VALUE:
        raise Refused(403, f"missing or oversized {name}")
    return value


async def _body(request: web.Request, max_body: int) -> bytes:
    if request.content_length is not None and request.content_length > max_body:
        raise Refused(413, "body over the cap")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(16 * 1024):
        size += len(chunk)
        if size > max_body:
            raise Refused(413, "body over the cap")
        chunks.append(chunk)
    return b"".join(chunks)


class CallbackHandlers:
    """The request handlers of both channels, sharing the clock and the body cap."""

    def __init__(
        self,
        wechat: WeChatEndpoint | None,
        wecom: WeComEndpoint | None,
        now: Callable[[], datetime],
        max_body: int,
    ) -> None:
        self.wechat, self.wecom, self.now, self.max_body = wechat, wecom, now, max_body
        self._wechat_crypto = (
            CallbackCrypto(wechat.token, wechat.aes_key, wechat.app_id)
            if wechat is not None and wechat.aes_key
            else None
        )
        self._bodies = SignedBodies()
        self._wecom_crypto = (
            CallbackCrypto(wecom.token, wecom.aes_key, wecom.corp_id) if wecom is not None else None
        )

    async def wechat_get(self, request: web.Request) -> web.StreamResponse:
        """URL verification: echo `echostr` if `signature` is right (every mode)."""
        assert self.wechat is not None
        token = self.wechat.token

        async def verify() -> str:
            timestamp, nonce = _param(request, "timestamp"), _param(request, "nonce")
            check_timestamp(timestamp, self.now())
            check_signature(_param(request, "signature"), token, timestamp, nonce)
            return _param(request, "echostr")

        return await self._answer("wechat", verify)

    async def wechat_post(self, request: web.Request) -> web.StreamResponse:
        """A message or event: verify, decrypt (safe mode), parse, hand to the sink."""
        assert self.wechat is not None
        endpoint = self.wechat

        async def handle() -> str:
            timestamp, nonce = _param(request, "timestamp"), _param(request, "nonce")
            check_timestamp(timestamp, self.now())
            body = await _body(request, self.max_body)
            if self._wechat_crypto is None:
                signed = _param(request, "signature")
                check_signature(signed, endpoint.token, timestamp, nonce)
                now = self.now().timestamp()
                if not self._bodies.same((timestamp, nonce, signed), body, int(timestamp), now):
                    raise Refused(403, "a signature seen before with another body")
                document = body
            else:
                if request.query.get("encrypt_type") != "aes":
                    raise Refused(403, "safe mode expects encrypt_type=aes")
                encrypted = parse_fields(body, self.max_body).text("Encrypt")
                document = self._wechat_crypto.open(
                    _param(request, "msg_signature"), timestamp, nonce, encrypted, self.now()
                )
            message = parse_wechat(parse_fields(document, self.max_body))
            await endpoint.sink(message)
            return "success"

        return await self._answer("wechat", handle)

    async def wecom_get(self, request: web.Request) -> web.StreamResponse:
        """URL verification: decrypt `echostr` after checking `msg_signature`, answer the plain."""
        assert self._wecom_crypto is not None
        crypto = self._wecom_crypto

        async def verify() -> str:
            plain = crypto.open(
                _param(request, "msg_signature"),
                _param(request, "timestamp"),
                _param(request, "nonce"),
                _param(request, "echostr"),
                self.now(),
            )
            return plain.decode("utf-8", errors="strict")

        return await self._answer("wecom", verify)

    async def wecom_post(self, request: web.Request) -> web.StreamResponse:
        """A message or event: verify, decrypt, parse, hand to the sink; answer an empty body."""
        assert self._wecom_crypto is not None and self.wecom is not None
        crypto, endpoint = self._wecom_crypto, self.wecom

        async def handle() -> str:
            timestamp, nonce = _param(request, "timestamp"), _param(request, "nonce")
            check_timestamp(timestamp, self.now())
            signed = _param(request, "msg_signature")
            body = await _body(request, self.max_body)
            encrypted = parse_fields(body, self.max_body).text("Encrypt")
            document = crypto.open(signed, timestamp, nonce, encrypted, self.now())
            await endpoint.sink(parse_wecom(parse_fields(document, self.max_body)))
            return ""

        return await self._answer("wecom", handle)

    async def _answer(self, channel: str, work: Callable[[], Awaitable[str]]) -> web.StreamResponse:
        try:
            text = await work()
        except Refused as e:
            log.info("%s callback refused (%s): %s", channel, e.status, e)
            return web.Response(status=e.status)
        except VerificationError as e:
            log.info("%s callback failed verification: %s: %s", channel, type(e).__name__, e)
            return web.Response(status=403)
        except (XmlRefused, MalformedMessage, UnicodeDecodeError) as e:
            log.info("%s callback malformed: %s: %s", channel, type(e).__name__, e)
            return web.Response(status=400)
        except Exception:
            log.exception("%s callback: the sink failed; the platform will retry", channel)
            return web.Response(status=500)
        return web.Response(text=text, content_type="text/plain")


async def health(request: web.Request) -> web.Response:
    """Liveness for a load balancer or a supervisor."""
    return web.json_response({"status": "ok"})


def callback_app(
    *,
    now: Callable[[], datetime],
    wechat: WeChatEndpoint | None = None,
    wecom: WeComEndpoint | None = None,
    max_body: int = MAX_BODY,
) -> web.Application:
    """The aiohttp application serving the configured channels' callbacks and /health."""
    app = web.Application(client_max_size=max_body)
    app.router.add_get("/health", health)
    callback_routes(app, now=now, wechat=wechat, wecom=wecom, max_body=max_body)
    return app


def callback_routes(
    app: web.Application,
    *,
    now: Callable[[], datetime],
    wechat: WeChatEndpoint | None = None,
    wecom: WeComEndpoint | None = None,
    max_body: int = MAX_BODY,
) -> None:
    """Serve the configured channels' callbacks on app (the shared server's, or callback_app's)."""
    handlers = CallbackHandlers(wechat, wecom, now, max_body)
    if wechat is not None:
        app.router.add_get("/wechat", handlers.wechat_get)
        app.router.add_post("/wechat", handlers.wechat_post)
    if wecom is not None:
        app.router.add_get("/wecom", handlers.wecom_get)
        app.router.add_post("/wecom", handlers.wecom_post)
