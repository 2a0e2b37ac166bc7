"""One outbox row's attempt, for the sender (handlers/sender.py): the call, its record, and
what a failure of either means for the row.

Invariants (what a newcomer can break):
- Never record a delivery before the call returns, nor deliver again a row whose call
  succeeded: a failed record is retried as a record (`_persist`), never as a delivery.
- A call is shielded from a stop: a call the channel may already have carried out is let
  finish and recorded, or the next start would send the message again.
- No call starts for a row the store no longer surely holds (`store.holds`): LeaseLost.
- A failure of the storage is logged at CRITICAL and tried again after a back-off; a refused
  token (`Fatal`) goes to `on_fatal` once and marks no row.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial
from typing import TypeVar

from core.messages import Kind
from handlers.delivery import RateLimiter, Rejected, RetryLater, Transport, Unreachable
from handlers.supervision import Fatal, pause
from storage.db import to_ms
from storage.outbox import OutboxDeliveries, Pending

log = logging.getLogger("handlers.sender")

MAX_BACKOFF = 60.0
MAX_UNEXPECTED = 5
T = TypeVar("T")


class LeaseLost(Exception):
    """The store no longer surely holds a row (its renewals failed): it must not be sent."""


class RowAttempts:
    """The sender's attempts at single rows; OutboxSender holds the state they use."""

    store: OutboxDeliveries
    transport: Transport
    clock: Callable[[], datetime]
    backoff: float
    slow_send: float
    limiter: RateLimiter
    chat_rate: float
    chat_burst: float
    refused: asyncio.Event
    delivered: int
    on_fatal: Callable[[Fatal], None] | None
    on_unreachable: Callable[[str], Awaitable[None]] | None
    _send_turns: asyncio.Semaphore
    _in_flight: set[asyncio.Future[None]]
    _chat_limits: dict[str, RateLimiter]
    _queues: dict[str, list[tuple[int, Pending]]]
    _known: set[int]

    def _finished(self, row_id: int) -> None:
        """A row is done with here (handlers/sender.py)."""

    async def _try(self, chat: str, row: Pending) -> Pending | None:
        """One attempt at a row, whatever the storage does: a read that fails before the call
        is made again after a back-off, the row keeping its place in the chat's order."""
        return await self._persist(
            f"outbox {row.id} to chat {chat}", partial(self._attempt, chat, row)
        )

    async def _persist(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        """A call that reads or writes the storage, made until it succeeds: a failure is logged
        at CRITICAL and the call made again after a back-off. What records a delivery is made
        this way on its own, so that a delivery is never made again because its record failed.
        A refused token ends it."""
        failures = 0
        while True:
            try:
                return await call()
            except Fatal as e:
                self._refuse(e)
                raise
            except LeaseLost:
                raise
            except Exception as e:
                failures += 1
                wait = pause(failures, self.backoff, MAX_BACKOFF)
                log.critical(
                    "outbox: %s failed (%s: %s); trying again in %.1f s",
                    what,
                    type(e).__name__,
                    e,
                    wait,
                    exc_info=e,
                )
                await asyncio.sleep(wait)

    def _refuse(self, error: Fatal) -> None:
        if self.refused.is_set():
            return
        self.refused.set()
        log.critical("the channel refused the bot: %s; delivering nothing more", error)
        if self.on_fatal is not None:
            self.on_fatal(error)

    async def _attempt(self, chat: str, row: Pending) -> Pending | None:
        """Try one row once; None when it is finished, else the row to try again."""
        wait = (row.next_attempt_at - to_ms(self.clock())) / 1000
        if wait > 0:
            await asyncio.sleep(wait)
        message = row.message
        edit_id = None
        if message.kind == Kind.EDIT and message.edit_key:
            edit_id = await self.store.message_id_of(chat, message.edit_key)
            if edit_id is None:
                await self._failed(row, "nothing to edit")
                return None
        if message.kind in (Kind.SEND, Kind.EDIT):
            # The chat's own limit first: a token of the global one is spent only by a call
            # that goes out at once.
            await self._chat_limit(chat).acquire()
            await self.limiter.acquire()
        holds = getattr(self.store, "holds", None)
        if holds is not None and not holds(row.id):
            raise LeaseLost(row.id)
        try:
            # Shielded: a stop must not cut a call Telegram may already have carried out, or the
            # row would stay pending and the next start would send the message again.
            call = asyncio.ensure_future(self._deliver(row, edit_id))
            self._in_flight.add(call)
            call.add_done_callback(self._in_flight.discard)
            await asyncio.shield(call)
        except Fatal:
            raise
        except RetryLater as e:
            return await self._retry(row, e.after, str(e))
        except Unreachable as e:
            await self._unreachable(chat, row, str(e))
            return None
        except Rejected as e:
            log.warning("outbox %s to chat %s rejected: %s", row.id, chat, e)
            await self._failed(row, str(e))
            return None
        except Exception as e:
            log.exception("outbox %s to chat %s failed unexpectedly", row.id, chat)
            if row.attempts + 1 >= MAX_UNEXPECTED:
                await self._failed(row, repr(e))
                return None
            return await self._retry(row, None, repr(e))
        return None

    async def _failed(self, row: Pending, reason: str) -> None:
        """Give the row up, keeping it with its reason."""
        await self._persist(
            f"recording outbox {row.id} as failed",
            lambda: self.store.failed(row.id, reason, self.clock()),
        )

    async def _deliver(self, row: Pending, edit_id: int | None) -> None:
        """Make the call and record its success, as one piece that a stop lets finish; a new
        message waits for its turn (edits, answers and menus are harmless to repeat)."""
        if row.message.kind != Kind.SEND:
            await self._call_and_record(row, edit_id)
            return
        await self._send_turns.acquire()
        given_back = False

        def give_back() -> None:
            nonlocal given_back
            if not given_back:
                given_back = True
                self._send_turns.release()

        slow = asyncio.get_running_loop().call_later(self.slow_send, give_back)
        try:
            await self._call_and_record(row, edit_id)
        finally:
            slow.cancel()
            give_back()

    async def _call_and_record(self, row: Pending, edit_id: int | None) -> None:
        message_id = await self.transport.deliver(row.message, edit_id)
        await self._persist(
            f"recording outbox {row.id} as sent",
            lambda: self.store.sent(row.id, message_id, self.clock(), row.message.forget_after),
        )
        self.delivered += 1

    def _chat_limit(self, chat: str) -> RateLimiter:
        limiter = self._chat_limits.get(chat)
        if limiter is None:
            if len(self._chat_limits) > 10_000:
                self._chat_limits.clear()
            limiter = self._chat_limits[chat] = RateLimiter(self.chat_rate, self.chat_burst)
        return limiter

    async def _retry(self, row: Pending, after: float | None, reason: str) -> Pending:
        attempts = row.attempts + 1
        if after is None:
            after = min(MAX_BACKOFF, self.backoff * 2 ** min(attempts, 10)) * random.uniform(
                0.8, 1.2
            )
        when = self.clock() + timedelta(seconds=after)
        await self._persist(
            f"recording a retry of outbox {row.id}",
            lambda: self.store.retry_at(row.id, when, reason),
        )
        return Pending(row.id, row.message, attempts, to_ms(when))

    async def _unreachable(self, chat: str, row: Pending, reason: str) -> None:
        """Give up the chat's queued rows; tell who must know, once, when people of the chat
        were reachable until now (later rows that fail so tell nobody again)."""
        log.info("chat %s is unreachable: %s", chat, reason)
        queue = self._queues.get(chat, [])
        others = [r for _, r in queue]
        queue.clear()  # what comes meanwhile is tried, and fails so, in its turn
        for other in (row, *others):
            await self._failed(other, reason)
            if other is not row:
                self._finished(other.id)
        newly = await self._persist(
            f"marking chat {chat} unreachable", lambda: self.store.unreachable(chat)
        )
        if newly and self.on_unreachable is not None:
            callback = self.on_unreachable
            await self._persist(f"telling who must know of chat {chat}", lambda: callback(chat))
