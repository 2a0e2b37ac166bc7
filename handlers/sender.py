"""Delivers the outbox: at least once, in order per chat, within the channel's rate limits.

Rows come from the fast path (ids a handler just committed) and from a periodic rescan of the
table, which also resumes whatever a previous run left undelivered. A chat's rows go out one at a
time, oldest first; chats are served concurrently.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import random
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from core.messages import Kind, Outbound
from storage.db import to_ms
from storage.outbox import OutboxStore, Pending

log = logging.getLogger(__name__)

MAX_BACKOFF = 60.0
MAX_UNEXPECTED = 5


class DeliveryError(Exception):
    """A delivery that did not happen."""


class RetryLater(DeliveryError):
    """A passing fault: try again after `after` seconds (None: the sender's back-off)."""

    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.after = after


class Unreachable(DeliveryError):
    """The chat cannot be reached any more (the person blocked the bot or left)."""


class Rejected(DeliveryError):
    """The message itself was refused and never will be accepted."""


class Transport(Protocol):
    """Puts one message into a chat; returns the message id it got, if any."""

    async def deliver(self, message: Outbound, edit_message_id: int | None) -> int | None:
        """Deliver, or raise a DeliveryError."""
        ...


class RateLimiter:
    """A token bucket: `rate` per second, bursts of up to `burst`. Waiters are served in the
    order they came, so under a backlog no chat waits much longer than the others."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = burst
        self.stamp = 0.0
        self._line = asyncio.Lock()  # first come, first served

    async def acquire(self) -> None:
        """Wait for a token and take it."""
        loop = asyncio.get_running_loop()
        async with self._line:
            while True:
                now = loop.time()
                self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
                self.stamp = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return
                await asyncio.sleep((1 - self.tokens) / self.rate)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class OutboxSender:
    """The background deliverer of one channel's outbox."""

    def __init__(
        self,
        store: OutboxStore,
        transport: Transport,
        *,
        rate: float = 30.0,
        chat_rate: float = 1.0,
        chat_burst: float = 3.0,
        rescan_every: float = 5.0,
        backoff: float = 0.5,
        sends_in_flight: int = 1,
        slow_send: float = 0.5,
        on_unreachable: Callable[[str], Awaitable[None]] | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.store, self.transport, self.clock = store, transport, clock
        # A message the channel has taken but the outbox has not marked sent goes out again
        # after a crash. New messages take turns, so that at most `sends_in_flight` are out
        # unrecorded (a crash repeats at most that many); a call slower than `slow_send` gives
        # its turn up, so that one hung call does not hold up every chat.
        self._send_turns = asyncio.Semaphore(sends_in_flight)
        self.slow_send = slow_send
        self.limiter = RateLimiter(rate, rate)
        self.chat_rate, self.chat_burst = chat_rate, chat_burst
        self.rescan_every = rescan_every
        self.backoff = backoff
        self.on_unreachable = on_unreachable
        self._queues: dict[str, list[tuple[int, Pending]]] = {}
        self._chat_limits: dict[str, RateLimiter] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._known: set[int] = set()
        self._incoming: list[int] = []
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._in_flight: set[asyncio.Future[None]] = set()
        self._answers: set[asyncio.Task[None]] = set()
        self.delivered = 0

    async def start(self) -> None:
        """Resume what is pending and start delivering."""
        await self._rescan()
        self._task = asyncio.create_task(self._run(), name="outbox-sender")

    def submit(self, ids: Iterable[int]) -> None:
        """Deliver these freshly committed rows soon."""
        fresh = [i for i in ids if i not in self._known]
        if fresh:
            self._incoming.extend(fresh)
            self._idle.clear()
            self._wake.set()

    async def drain(self) -> None:
        """Wait until everything submitted or found has been delivered or given up."""
        await self._idle.wait()

    async def stop(self) -> None:
        """Stop delivering; what is undelivered stays pending in the database. Calls already
        made to the channel are waited for (briefly), so their outcome is not lost."""
        tasks = [t for t in (self._task, *self._workers.values(), *self._answers) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._in_flight:
            done, _ = await asyncio.wait(list(self._in_flight), timeout=10)
            for call in done:
                if not call.cancelled() and call.exception() is not None:
                    log.info("a call finishing during stop failed; it stays pending")
        self._task = None
        self._workers.clear()

    async def _run(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), self.rescan_every)
            except TimeoutError:
                await self._guard(self._rescan())
                continue
            self._wake.clear()
            ids, self._incoming = self._incoming, []
            await self._guard(self._take(await self.store.get(ids)))

    async def _guard(self, work: Awaitable[None]) -> None:
        try:
            await work
        except Exception:
            log.exception("outbox scan failed; retrying at the next scan")

    async def _rescan(self) -> None:
        await self._take(await self.store.pending())

    async def _take(self, rows: list[Pending]) -> None:
        for row in rows:
            if row.id in self._known:
                continue
            self._known.add(row.id)
            chat = row.message.chat_id
            if row.message.kind == Kind.ANSWER:
                # A button's answer must not wait behind the chat's messages: Telegram drops
                # answers after about 15 s, and it has no order to keep with them.
                answer = asyncio.create_task(self._answer(chat, row), name=f"answer-{row.id}")
                self._answers.add(answer)
                answer.add_done_callback(self._answers.discard)
                continue
            heapq.heappush(self._queues.setdefault(chat, []), (row.id, row))
            if chat not in self._workers:
                self._workers[chat] = asyncio.create_task(self._work(chat), name=f"chat-{chat}")
        self._update_idle()

    def _update_idle(self) -> None:
        if not self._known and not self._incoming:
            self._idle.set()
        else:
            self._idle.clear()

    async def _answer(self, chat: str, row: Pending) -> None:
        again: Pending | None = row
        try:
            while again is not None:
                again = await self._attempt(chat, again)
        finally:
            self._known.discard(row.id)
            self._update_idle()

    async def _work(self, chat: str) -> None:
        queue = self._queues[chat]
        try:
            while queue:
                _, row = heapq.heappop(queue)
                again = await self._attempt(chat, row)
                if again is None:
                    self._known.discard(row.id)
                else:
                    heapq.heappush(queue, (again.id, again))
        finally:
            self._workers.pop(chat, None)
            if not queue:
                self._queues.pop(chat, None)
            self._update_idle()

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
                await self.store.failed(row.id, "nothing to edit", self.clock())
                return None
        if message.kind in (Kind.SEND, Kind.EDIT):
            await self.limiter.acquire()
            await self._chat_limit(chat).acquire()
        try:
            # Shielded: a stop must not cut a call Telegram may already have carried out, or the
            # row would stay pending and the next start would send the message again.
            call = asyncio.ensure_future(self._deliver(row, edit_id))
            self._in_flight.add(call)
            call.add_done_callback(self._in_flight.discard)
            await asyncio.shield(call)
        except RetryLater as e:
            return await self._retry(row, e.after, str(e))
        except Unreachable as e:
            await self._unreachable(chat, row, str(e))
            return None
        except Rejected as e:
            log.warning("outbox %s to chat %s rejected: %s", row.id, chat, e)
            await self.store.failed(row.id, str(e), self.clock(), message.forget_after)
            return None
        except Exception as e:
            log.exception("outbox %s to chat %s failed unexpectedly", row.id, chat)
            if row.attempts + 1 >= MAX_UNEXPECTED:
                await self.store.failed(row.id, repr(e), self.clock())
                return None
            return await self._retry(row, None, repr(e))
        return None

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
        await self.store.sent(row.id, message_id, self.clock(), row.message.forget_after)
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
        await self.store.retry_at(row.id, when, reason)
        return Pending(row.id, row.message, attempts, to_ms(when))

    async def _unreachable(self, chat: str, row: Pending, reason: str) -> None:
        log.info("chat %s is unreachable: %s", chat, reason)
        await self.store.failed(row.id, reason, self.clock())
        await self.store.unreachable(chat)
        queue = self._queues.get(chat, [])
        for _, other in queue:
            await self.store.failed(other.id, reason, self.clock())
            self._known.discard(other.id)
        queue.clear()
        if self.on_unreachable is not None:
            await self.on_unreachable(chat)
