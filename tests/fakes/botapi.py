"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests of the real PTB Application.

The bot is pointed at it with base_url=f"{server.api_url}/bot". Simulated users push updates that
the bot receives by long polling; everything the bot calls is decoded, checked like Telegram checks
it, answered with realistic objects and recorded for assertions. Faults can be injected at runtime;
`latency` adds a network's round trip to every call (half before it is handled, half after), and
`revoke_token()` makes every later call fail with 401 Unauthorized, as Telegram does when the
token is revoked in @BotFather. While a webhook is set (setWebhook), getUpdates is refused with 409
and the queued updates are posted to the target the test gives `webhook.deliver_to`
(tests/fakes/webhook.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from tests.fakes.commands import scope_key
from tests.fakes.content import ApiError
from tests.fakes.faults import Fault, Faults
from tests.fakes.methods import BotState, Files, Params
from tests.fakes.params import read_params
from tests.fakes.polling import UpdateQueue
from tests.fakes.records import Call, ChatState, SentMessage, Signal
from tests.fakes.updates import FakeUser
from tests.fakes.webhook import CONFLICT, Webhook

_log = logging.getLogger(__name__)
BAD_GATEWAY_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)


def _json(status: int, body: dict[str, Any]) -> web.Response:
    return web.Response(
        status=status, text=json.dumps(body, ensure_ascii=False), content_type="application/json"
    )


class FakeBotAPI:
    """The fake server, its recorded state and the handles tests drive it with."""

    def __init__(
        self,
        token: str = "123:ABC",
        bot_username: str = "minqing_test_bot",
        bot_first_name: str = "Minqing Test",
        latency: float = 0.0,
    ) -> None:
        self.token = token
        self.latency = latency
        self.revoked = False
        self.bot_username = bot_username
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user: dict[str, Any] = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.api_url = ""
        self.faults = Faults()
        self.queue = UpdateQueue()
        self.last_seq = 0
        self.state = BotState(self.bot_user, self._next_seq)
        self._methods = {name.lower(): name for name in self.state.methods}
        self.webhook = Webhook(self.queue)
        for name in ("getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo"):
            self._methods[name.lower()] = name
        self.errors: list[Exception] = []
        self._users: dict[int, FakeUser] = {}
        self._calls: list[Call] = []
        self._calls_signal = Signal()
        self._stopping = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._loop_time: Callable[[], float] = lambda: 0.0

    def _next_seq(self) -> int:
        self.last_seq += 1
        return self.last_seq

    async def start(self, port: int = 0) -> str:
        """Listen on 127.0.0.1 (on an OS-assigned port unless given); returns and sets api_url."""
        app = web.Application(client_max_size=64 * 1024**2)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=2.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port, backlog=1024)
        await site.start()
        port = self._runner.addresses[0][1]
        self.api_url = f"http://127.0.0.1:{port}"
        self._loop_time = asyncio.get_running_loop().time
        return self.api_url

    async def stop(self) -> None:
        """Release held and long-polling requests and shut the server down."""
        self.queue.close()
        self._stopping.set()
        await self.webhook.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """What to give PTB as base_url: the token and method are appended to it."""
        return f"{self.api_url}/bot"

    # --- driving the bot -------------------------------------------------------------------

    def add_chat(self, chat_id: int | str, type: str = "private", **fields: Any) -> ChatState:
        """Make a chat known to the fake (a group needs title=...); returns its record."""
        chat = self.state.chats.get(chat_id)
        if chat is None:
            chat = ChatState(chat_id, {"id": chat_id, "type": type, **fields})
            self.state.chats[chat_id] = chat
        return chat

    def user(
        self,
        user_id: int,
        first_name: str = "Resident",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
    ) -> FakeUser:
        """The simulated user with this id (created on first use) in a private chat."""
        existing = self._users.get(user_id)
        if existing is None:
            existing = FakeUser(self, user_id, first_name, last_name, username, language_code)
            self._users[user_id] = existing
        return existing

    def revoke_token(self) -> None:
        """Answer every later call with 401 Unauthorized, as for a token revoked in @BotFather;
        a waiting poll is answered at once, so the next one meets the 401."""
        self.revoked = True
        self.queue.release()

    def push(self, fragment: dict[str, Any]) -> dict[str, Any]:
        """Queue an update such as {"message": {...}}; update_id is assigned when missing."""
        return self.queue.push(fragment)

    def redeliver(self, update_id: int) -> dict[str, Any]:
        """Deliver an update again exactly as before, even after the bot confirmed it."""
        return self.queue.redeliver(update_id)

    async def wait_until_polling(self, timeout: float = 10) -> None:  # noqa: ASYNC109
        """Return once the bot has a getUpdates call waiting (i.e. it is up and polling)."""
        await self.queue.poll_signal.wait_until(
            lambda: True if self.queue.polling else None, timeout, lambda: "a waiting getUpdates"
        )

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates the bot has not confirmed yet."""
        return self.queue.pending

    # --- assertions ------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        """Every answered call, or those of one method, in the order they were answered."""
        return [call for call in self._calls if method is None or call.method == method]

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 10,  # noqa: ASYNC109
        *,
        after_seq: int = 0,
    ) -> Call:
        """The first answered call of method matching predicate, after seq after_seq if given.

        Pass after_seq=server.last_seq, read before acting, to wait only for calls made after it.
        """

        def probe() -> Call | None:
            for call in self._calls:
                wanted = call.method == method and call.seq > after_seq
                if wanted and (predicate is None or predicate(call)):
                    return call
            return None

        return await self._calls_signal.wait_until(probe, timeout, lambda: f"a {method} call")

    def sent_messages(self) -> list[SentMessage]:
        """Every message the bot sent, to any chat, in the order it sent them."""
        every = [message for chat in self.state.chats.values() for message in chat.messages]
        return sorted(every, key=lambda message: message.seq)

    def chat(self, chat_id: int | str) -> ChatState:
        """The record of one chat."""
        return self.state.chats[chat_id]

    def messages(self, chat_id: int | str) -> list[SentMessage]:
        """The messages the bot sent to a chat, with edits applied."""
        chat = self.state.chats.get(chat_id)
        return list(chat.messages) if chat else []

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]] | None:
        """The commands set for exactly this scope (default: the default scope) and language."""
        return self.state.commands.menus.get(scope_key(scope, language_code))

    def visible_commands(self, chat_id: int, language_code: str = "") -> list[dict[str, Any]]:
        """The menu a user sees in a private chat, resolved through scopes as Telegram does."""
        return self.state.commands.visible(chat_id, language_code)

    # --- HTTP --------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        token, _, name = request.match_info["tail"].partition("/")
        if not token.startswith("bot") or not name or "/" in name:
            return _json(404, ApiError(404, "Not Found").body())
        if token[3:] != self.token or self.revoked:
            return _json(401, ApiError(401, "Unauthorized").body())
        if self.latency:
            await asyncio.sleep(self.latency / 2)  # the request's way there
        response = await self._answer(request, name)
        if self.latency:
            await asyncio.sleep(self.latency / 2)  # and the answer's way back
        return response

    async def _answer(self, request: web.Request, name: str) -> web.StreamResponse:
        seq = self._next_seq()
        method = self._methods.get(name.lower(), name)
        try:
            params, files = await read_params(request)
        except ValueError:
            params, files = {}, {}
        call = Call(seq, method, params, self._loop_time(), files=tuple(files))
        try:
            if method.lower() not in self._methods:
                # PTB turns this 404 into InvalidToken("Not Found"): say what really happened.
                _log.warning("fake Bot API does not implement %s (answered 404)", method)
                raise ApiError(404, "Not Found")
            fault = self.faults.pick(method, params)
            if fault is not None:
                return await self._inject(request, call, fault, files)
            result = await self._run(method, params, files)
            call.status = 200
            return _json(200, {"ok": True, "result": result})
        except ApiError as error:
            call.status = error.code
            return _json(error.code, error.body())
        except Exception as error:  # a bug in the fake: answer like a server error, keep it
            _log.exception("fake Bot API failed on %s", method)
            self.errors.append(error)
            call.status = 500
            return _json(500, ApiError(500, f"Internal Server Error: {error!r}").body())
        finally:
            self._calls.append(call)
            self._calls_signal.notify()

    async def _run(self, method: str, params: Params, files: Files) -> Any:
        if method == "getUpdates":
            if self.webhook.url:
                raise ApiError(409, CONFLICT)
            return await self.queue.get(
                offset=int(params.get("offset", 0)),
                limit=int(params.get("limit", 100)),
                wait_seconds=float(params.get("timeout", 0)),
                allowed=params.get("allowed_updates"),
            )
        if method == "setWebhook":
            return self.webhook.set(params)
        if method == "deleteWebhook":
            return self.webhook.delete(params)
        if method == "getWebhookInfo":
            return self.webhook.info()
        return self.state.methods[method](params, files)

    async def _inject(
        self, request: web.Request, call: Call, fault: Fault, files: Files
    ) -> web.StreamResponse:
        call.fault = fault.kind
        if fault.kind == "401":
            call.status = 401
            return _json(401, ApiError(401, "Unauthorized").body())
        if fault.kind == "403":
            call.status = 403
            return _json(403, ApiError(403, "Forbidden: bot was blocked by the user").body())
        if fault.kind == "429":
            call.status = 429
            description = f"Too Many Requests: retry after {fault.retry_after}"
            error = ApiError(429, description, {"retry_after": fault.retry_after})
            return _json(429, error.body())
        if fault.kind == "502":
            call.status = 502
            if fault.html_body:
                return web.Response(status=502, text=BAD_GATEWAY_HTML, content_type="text/html")
            return _json(502, ApiError(502, "Bad Gateway").body())
        if fault.kind == "lost_response":
            await self._run(call.method, call.params, files)
        elif fault.kind == "timeout":
            try:
                async with asyncio.timeout(fault.hold_seconds):
                    await self._stopping.wait()
            except TimeoutError:
                pass
        return self._drop(request)

    def _drop(self, request: web.Request) -> web.StreamResponse:
        """Close the connection without answering."""
        if request.transport is not None:
            request.transport.abort()
        raise asyncio.CancelledError
