"""The fake Bot API's webhook: setWebhook, deleteWebhook and getWebhookInfo checked as Telegram
checks them, and the delivery of queued updates by POST while a webhook is set.

Telegram posts to the public HTTPS URL; a reverse proxy maps it to the bot's plain HTTP listener.
The test names that listener (`deliver_to`) and the fake stands in for both: it posts to the
target with the URL's path. Updates go one at a time, in update_id order, each with the
X-Telegram-Bot-Api-Secret-Token header when a secret was set; an update is dropped from the
queue only once answered 2xx, else posted again after a growing pause (a timeout counts as a
failure), as Telegram does. Every attempt is recorded in `deliveries`. With `keep_alive` off each
post opens a connection of its own, as a reverse proxy's several connections do: workers sharing
one port (SO_REUSEPORT) then each get a share of the posts, not all of them the first one's.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from tests.fakes.content import ApiError
from tests.fakes.polling import UpdateQueue
from tests.fakes.records import Signal

PORTS = (443, 80, 88, 8443)
SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
HEADER = "X-Telegram-Bot-Api-Secret-Token"
NO_HTTPS = "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
BAD_PORT = "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
BAD_SECRET = "Bad Request: secret token contains unallowed characters"
BAD_CONNECTIONS = "Bad Request: bad webhook: max_connections must be between 1 and 100"
CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete"
    " the webhook first"
)


@dataclass(frozen=True)
class Delivery:
    """One attempt at posting an update: the bot's status, or None for no answer in time."""

    update_id: int
    status: int | None
    secret: str | None


class Webhook:
    """The webhook settings and the task that posts updates while one is set."""

    def __init__(self, queue: UpdateQueue) -> None:
        self.queue = queue
        self.url = ""
        self.secret: str | None = None
        self.max_connections = 40
        self.allowed: list[str] | None = None
        self.target = ""
        self.deliveries: list[Delivery] = []
        self.signal = Signal()
        self.first_pause, self.longest_pause, self.timeout = 0.02, 0.5, 5.0
        self.last_error: tuple[int, str] | None = None
        self.keep_alive = True
        self._task: asyncio.Task[None] | None = None

    # --- the methods -------------------------------------------------------------------------

    def set(self, params: dict[str, Any]) -> bool:
        """setWebhook: an empty url removes the webhook; otherwise check it as Telegram does."""
        url = str(params.get("url", ""))
        if not url:
            self.delete(params)
            return True
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise ApiError(400, NO_HTTPS)
        if (parts.port or 443) not in PORTS:
            raise ApiError(400, BAD_PORT)
        secret = params.get("secret_token")
        if secret is not None and SECRET.fullmatch(str(secret)) is None:
            raise ApiError(400, BAD_SECRET)
        connections = params.get("max_connections", 40)
        if not isinstance(connections, int) or not 1 <= connections <= 100:
            raise ApiError(400, BAD_CONNECTIONS)
        if params.get("drop_pending_updates"):
            self.queue.drop_pending()
        self.url, self.secret, self.max_connections = url, secret, connections
        if "allowed_updates" in params:
            self.allowed = list(params["allowed_updates"] or []) or None
            self.queue.allow(self.allowed)
        self._start()
        return True

    def delete(self, params: dict[str, Any]) -> bool:
        """deleteWebhook: posting stops (an attempt under way ends); getUpdates works again."""
        if params.get("drop_pending_updates"):
            self.queue.drop_pending()
        self.url, self.secret = "", None
        if self._task is not None:
            self._task.cancel()
            self._task = None
        return True

    def info(self) -> dict[str, Any]:
        """getWebhookInfo."""
        found: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.queue.pending),
        }
        if self.url:
            found["max_connections"] = self.max_connections
            if self.allowed is not None:
                found["allowed_updates"] = self.allowed
        if self.last_error is not None:
            found["last_error_date"], found["last_error_message"] = self.last_error
        return found

    # --- the test's handles ------------------------------------------------------------------

    def deliver_to(self, target: str) -> None:
        """Post to target (http://host:port, the bot's listener) once a webhook is set."""
        self.target = target.rstrip("/")
        self._start()

    def attempts(self, update_id: int) -> list[Delivery]:
        """Every attempt at posting one update."""
        return [d for d in self.deliveries if d.update_id == update_id]

    async def close(self) -> None:
        """Stop posting."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # --- posting -----------------------------------------------------------------------------

    def _start(self) -> None:
        if self.url and self.target and self._task is None:
            self._task = asyncio.create_task(self._post_all(), name="fake-webhook")

    async def _post_all(self) -> None:
        path = urlsplit(self.url).path or "/"
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        connector = aiohttp.TCPConnector(force_close=not self.keep_alive)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
            failures = 0
            while True:
                self.queue.arrived.clear()
                queued = self.queue.first()
                if queued is None:
                    await self.queue.arrived.wait()
                    continue
                status = await self._post(http, self.target + path, queued.update)
                update_id = queued.update["update_id"]
                self.deliveries.append(Delivery(update_id, status, self.secret))
                self.signal.notify()
                if status is not None and 200 <= status < 300:
                    self.queue.remove(queued)
                    failures = 0
                    continue
                failures += 1
                self.last_error = (int(time.time()), f"Wrong response from the webhook: {status}")
                await asyncio.sleep(min(self.longest_pause, self.first_pause * 2 ** (failures - 1)))

    async def _post(
        self, http: aiohttp.ClientSession, url: str, update: dict[str, Any]
    ) -> int | None:
        headers = {HEADER: self.secret} if self.secret is not None else {}
        try:
            async with http.post(url, json=update, headers=headers) as answer:
                await answer.read()
                return answer.status
        except (aiohttp.ClientError, TimeoutError):
            return None
