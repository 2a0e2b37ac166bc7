"""The one HTTP server of every webhook channel (WeChat, WeCom, Telegram) and of /health.

Invariants (what a newcomer can break):
- One aiohttp application, one listening socket: the channels add their routes with `add`
  before `start`; aiohttp freezes the routes once serving, so a route added later is refused.
- The socket is opened with SO_REUSEPORT: several worker processes bind the same host and port
  and the kernel spreads connections over them; a deep backlog, because the platforms open many
  connections at once and a full queue is a dropped connection (a timeout, then a retry).
- GET /health answers 200 {"status": "ok"} only after the database answered `SELECT 1` within
  HEALTH_WITHIN seconds, and 503 with the reason otherwise: a load balancer takes a worker
  whose database is gone out of rotation. It reads nothing else and writes nothing.
- `stop` may be called more than once (the Telegram channel and the WeChat channels share it).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from aiohttp import web
from aiohttp.typedefs import Handler

from config.settings import SettingsError

log = logging.getLogger(__name__)

# Connections waiting to be accepted: the platforms open many at once, and a full queue makes
# the kernel drop them, which the platform sees as a timeout (its retry comes 1, 3, 7 s later).
BACKLOG = 1024
HEALTH_WITHIN = 1.0
# Each route caps its own body while reading it; this is only aiohttp's outer bound.
CLIENT_MAX_SIZE = 1024**2


class Reading(Protocol):
    """What /health asks of a database: a query on a connection that reads committed data."""

    async def execute_fetchall(self, sql: str, params: Any = ()) -> Any:
        """The rows of a query."""


class HasReader(Protocol):
    """A database (storage/db.py's Database, storage/pg.py's PgDatabase)."""

    @property
    def reader(self) -> Any:
        """The connection that reads committed data."""


class HttpServer:
    """The shared aiohttp server: routes from every channel, /health, one listening socket."""

    def __init__(self, db: HasReader, host: str, port: int) -> None:
        self.db, self.host, self.port = db, host, port
        self.app = web.Application(client_max_size=CLIENT_MAX_SIZE)
        self.app.router.add_get("/health", self.health)
        self._runner: web.AppRunner | None = None
        self.url = ""

    @property
    def serving(self) -> bool:
        """Whether the socket is open."""
        return self._runner is not None

    def add(self, method: str, path: str, handler: Handler) -> None:
        """Serve handler for method and path (before `start` only)."""
        if self.serving:
            raise RuntimeError(f"{method} {path}: routes are added before the server starts")
        self.app.router.add_route(method, path, handler)

    async def start(self) -> None:
        """Listen on host:port (shared with other processes); sets url."""
        runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, backlog=BACKLOG, reuse_port=True)
        try:
            await site.start()
        except OSError as e:
            await runner.cleanup()
            raise SettingsError(
                f"MINQING_HTTP_PORT: cannot listen on {self.host}:{self.port} ({e.strerror})"
            ) from e
        self._runner = runner
        bound = runner.addresses[0]
        self.url = f"http://{bound[0]}:{bound[1]}"
        log.info("serving HTTP at %s", self.url)

    async def stop(self) -> None:
        """Stop accepting and close the socket (a second call does nothing)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def health(self, request: web.Request) -> web.Response:
        """200 when the database answers within HEALTH_WITHIN seconds, 503 with why not."""
        problem = await database_problem(self.db)
        if problem is None:
            return web.json_response({"status": "ok"})
        log.warning("health check: the database does not answer (%s)", problem)
        return web.json_response({"status": "unavailable", "reason": problem}, status=503)


async def database_problem(db: HasReader, within: float = HEALTH_WITHIN) -> str | None:
    """None if `SELECT 1` answers within `within` seconds, else a short reason (no secrets: the
    exception's type and the database's own words, which never hold a password)."""
    try:
        async with asyncio.timeout(within):
            rows = list(await db.reader.execute_fetchall("SELECT 1", ()))
    except TimeoutError:
        return f"no answer within {within:g} s"
    except Exception as e:  # any driver's failure is the answer: closed, refused, gone
        return f"{type(e).__name__}: {e}"[:200]
    if not rows or rows[0][0] != 1:
        return "SELECT 1 gave no 1"
    return None
