"""Long polling that confirms a batch of updates to Telegram only once the whole batch is handled.

PTB's Updater confirms a batch (by the next getUpdates' offset) as soon as it has queued it, before
any of it is handled: a crash in between loses the batch for good. Here the poll that confirms waits
until every update of the batch has been handled, its effects committed. A crash at any moment
leaves the batch unconfirmed, Telegram delivers it again, and the update log in the database makes
the part already handled a no-op.

Invariants (what a newcomer can break):
- A batch is confirmed (by the next poll's offset) only after every update of it was handled,
  or after `batch_grace`, loudly. Never raise the offset past what was handed to the application.
- A batch in which an update could not be handled at all (`unhandled()`: even its apology
  failed, the database being down) is not confirmed: it is fetched again after a back-off, the
  updates already handled being no-ops then. Nor is it confirmed at a stop.
- The polling loop runs under `supervise`: an unexpected failure is logged at CRITICAL and the
  loop started again where it was (the offset lives on the poller, not in the loop).
- A 401 (InvalidToken: the token was revoked) is not retried: it goes to `on_fatal` as
  TokenRefused and the process exits. The InvalidToken's own text is never logged.
- Passing faults (429, 5xx, timeouts, an update PTB cannot read) are retried with a back-off, one
  log line each, and never stop polling.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application

from handlers.supervision import Fatal, TokenRefused, pause, supervise
from handlers.telegram_transport import seconds

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0
T = TypeVar("T")


class ConfirmingPoller:
    """Fetches updates into the application's queue, one batch at a time."""

    def __init__(
        self,
        app: Application[Any, Any, Any, Any, Any, Any],
        allowed_updates: Sequence[str],
        timeout: int = 25,
        batch_grace: float = 120.0,
        on_fatal: Callable[[Fatal], None] | None = None,
    ) -> None:
        self.app = app
        self.on_fatal = on_fatal
        self.allowed_updates = list(allowed_updates)
        self.timeout = timeout
        self.batch_grace = batch_grace  # a batch taking longer is confirmed anyway (and logged)
        self.offset = 0  # the next poll confirms every update below it
        self._fetched = 0  # one past the last update given to the application
        self._confirmed = 0
        self._unhandled = False
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Make sure no webhook is set, then poll in the background."""
        await self._call(lambda: self.app.bot.delete_webhook())
        self._task = asyncio.create_task(
            supervise("polling", self._poll, self._fatal), name="confirming-poller"
        )

    def unhandled(self) -> None:
        """An update of the batch being handled could not be handled: fetch the batch again."""
        self._unhandled = True

    def _fatal(self, error: Fatal) -> None:
        if self.on_fatal is not None:
            self.on_fatal(error)

    async def stop(self) -> None:
        """Stop polling. Call confirm() once the application has handled what it was given."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def confirm(self) -> None:
        """After stop() and the application's stop (which handles everything queued): confirm
        what was fetched, so the next start is not given it again."""
        if self._fetched > self._confirmed and not self._unhandled:
            try:
                await self.app.bot.get_updates(offset=self._fetched, timeout=0, limit=1)
            except TelegramError as e:
                log.info("could not confirm the last updates (%s); they come again, as no-ops", e)

    async def _poll(self) -> None:
        queue = self.app.update_queue
        again = 0
        while True:
            confirming = self.offset
            updates, after = await self._call(self._fetch)
            self._confirmed = confirming
            for update in updates:
                await queue.put(update)
            if updates:
                self._fetched = after
                try:
                    async with asyncio.timeout(self.batch_grace):
                        await queue.join()
                except TimeoutError:
                    log.warning("a batch took over %.0f s to handle; going on", self.batch_grace)
            if self._unhandled:
                self._fetched = self.offset  # none of it is confirmed, even at a stop
                again += 1
                wait = pause(again)
                log.warning("fetching the batch again in %.1f s: an update was not handled", wait)
                await asyncio.sleep(wait)
                self._unhandled = False
                continue
            again = 0
            self.offset = max(self.offset, after)

    async def _fetch(self) -> tuple[Sequence[Update], int]:
        """The next batch, and the offset that confirms it."""
        try:
            updates = await self.app.bot.get_updates(
                offset=self.offset, timeout=self.timeout, allowed_updates=self.allowed_updates
            )
        except TelegramError:
            raise
        except Exception:
            # One update PTB cannot read fails the whole batch, and would stop polling for good.
            return await self._fetch_one_by_one()
        return updates, updates[-1].update_id + 1 if updates else 0

    async def _fetch_one_by_one(self) -> tuple[Sequence[Update], int]:
        """The pending batch read update by update; what cannot be read is logged and skipped."""
        bot = self.app.bot
        # Bot API method names are case-insensitive; PTB asks to be called as get_updates for
        # "getUpdates", and get_updates is what cannot read this batch.
        raw = await bot.do_api_request(
            "getupdates",
            api_kwargs={
                "offset": self.offset,
                "timeout": 0,
                "allowed_updates": self.allowed_updates,
            },
        )
        updates, last = [], 0
        for data in raw if isinstance(raw, list) else []:
            last = max(last, int(data.get("update_id", 0)))
            try:
                updates.append(Update.de_json(data, bot))
            except Exception:
                log.exception("skipping update %s: it cannot be read", data.get("update_id"))
        return updates, last + 1 if last else 0

    async def _call(self, call: Callable[[], Awaitable[T]]) -> T:
        """Make a Bot API call until it succeeds, waiting as Telegram asks or backing off."""
        failures = 0
        while True:
            try:
                return await call()
            except InvalidToken:
                raise TokenRefused() from None  # its text may hold the token: never shown
            except RetryAfter as e:
                await asyncio.sleep(seconds(e.retry_after))
                continue
            except TimedOut:
                wait = 0.0 if failures == 0 else min(MAX_BACKOFF, 0.5 * 2**failures)
            except TelegramError as e:
                wait = min(MAX_BACKOFF, 0.5 * 2**failures)
                log.warning("polling failed (%s); trying again in %.1f s", e, wait)
            except Exception:  # e.g. an update PTB cannot parse: keep polling, loudly
                wait = min(MAX_BACKOFF, 0.5 * 2**failures)
                log.exception("polling failed unexpectedly; trying again in %.1f s", wait)
            failures += 1
            await asyncio.sleep(wait)
