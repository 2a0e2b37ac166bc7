"""Delivers the outbox: at least once, in order per chat, within the channel's rate limits.

Rows come from the fast path (ids a handler just committed) and from a periodic rescan of the
table, which also resumes whatever a previous run left undelivered. A chat's rows go out one at a
time, oldest first; chats are served concurrently.

Invariants (what a newcomer can break):
- One worker per chat, and a worker has one call out at a time: a chat's messages arrive in the
  order they were decided, and at most one of them is out and not yet recorded as sent.
- New messages of up to `sends_in_flight` chats are out at once (Telegram's 30 a second need
  that many against a Bot API 100 ms away); a call slower than `slow_send` gives its turn up.
  So a crash repeats at most one message per chat (edits, answers and menus are harmless to
  repeat). Never record a delivery before the call returns, nor deliver again a row whose
  call succeeded: a failed record is retried as a record, never as a delivery.
- A row the sender holds (`_known`) is always in a worker's queue or an answer task, or being
  retried there: nothing is dropped from memory while still pending in the table, or the rescan
  could never pick it up again.
- A failure of the storage (a read, a write, the unreachable callback) is logged at CRITICAL
  and tried again after a back-off; no task dies of it. The scanning loop runs under
  `supervise`; workers and answer tasks under `watch`.
- Telegram's refusal of the token (`Fatal`) stops the deliveries, counts no attempt, marks no
  row, and goes to `on_fatal` once: the process must exit and be started again.
- A rejected message is kept as `failed` with Telegram's reason, never deleted, so that an
  operator can see it (`bot.py outbox --failed`).
- The clock is the core's (a parameter): due times in the table are stamped with it.
- A store that claims whole chats (`store.claims`: PostgreSQL's, storage/pg_claims.py) hands
  over no row of a chat while an earlier one is pending elsewhere: when a chat's worker is done,
  the table is scanned again at once for what was queued meanwhile. Its leases are short: the
  heartbeat (a supervised task) renews them every `store.heartbeat` seconds, `stop` gives them
  back, and no call starts for a row the store no longer surely holds (`store.holds`): that
  chat is let go (`LeaseLost`) and the next scan takes it again if it is still this worker's.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import random
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import TypeVar

from core.messages import Kind
from handlers.delivery import RateLimiter, Rejected, RetryLater, Transport, Unreachable
from handlers.supervision import Fatal, pause, supervise, watch
from storage.db import to_ms
from storage.outbox import OutboxDeliveries, Pending

log = logging.getLogger(__name__)

MAX_BACKOFF = 60.0
MAX_UNEXPECTED = 5
T = TypeVar("T")


class LeaseLost(Exception):
    """The store no longer surely holds a row (its renewals failed): it must not be sent."""


class OutboxSender:
    """The background deliverer of one channel's outbox."""

    def __init__(
        self,
        store: OutboxDeliveries,
        transport: Transport,
        *,
        clock: Callable[[], datetime],
        rate: float = 30.0,
        chat_rate: float = 1.0,
        chat_burst: float = 3.0,
        rescan_every: float = 5.0,
        backoff: float = 0.5,
        sends_in_flight: int = 30,
        slow_send: float = 0.5,
        on_unreachable: Callable[[str], Awaitable[None]] | None = None,
        on_fatal: Callable[[Fatal], None] | None = None,
    ) -> None:
        self.store, self.transport, self.clock = store, transport, clock
        # A message the channel has taken but the outbox has not marked sent goes out again
        # after a crash. New messages take turns, so that at most `sends_in_flight` chats have
        # one out unrecorded; a call slower than `slow_send` gives its turn up, so that hung
        # calls do not hold up every chat.
        self._send_turns = asyncio.Semaphore(sends_in_flight)
        self.slow_send = slow_send
        self.limiter = RateLimiter(rate, rate)
        self.chat_rate, self.chat_burst = chat_rate, chat_burst
        self.rescan_every = rescan_every
        self.backoff = backoff
        self.on_unreachable = on_unreachable
        self.on_fatal = on_fatal
        self.refused = asyncio.Event()  # set once the channel refused the token
        self._queues: dict[str, list[tuple[int, Pending]]] = {}
        self._chat_limits: dict[str, RateLimiter] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._known: set[int] = set()
        self._incoming: list[int] = []
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._rescan_due = False
        self._in_flight: set[asyncio.Future[None]] = set()
        self._answers: set[asyncio.Task[None]] = set()
        self.delivered = 0

    async def start(self) -> None:
        """Resume what is pending and start delivering."""
        try:
            await self._rescan()
        except Exception as e:
            self._rescan_due = True  # the loop tries again after its back-off
            self._idle.clear()
            log.critical("outbox scan at start failed (%s: %s)", type(e).__name__, e, exc_info=e)
        self._task = asyncio.create_task(
            supervise("the outbox sender", self._run, self._refuse, first=self.backoff),
            name="outbox-sender",
        )
        beat = getattr(self.store, "heartbeat", None)
        if beat is not None:  # a store of short leases: renewed while this sender lives
            self._heartbeat = asyncio.create_task(
                supervise(
                    "the outbox leases' heartbeat",
                    partial(self._beat, beat),
                    self._refuse,
                    first=min(self.backoff, beat),
                    longest=beat,
                ),
                name="outbox-heartbeat",
            )

    @property
    def running(self) -> bool:
        """Whether it was started and not stopped."""
        return self._task is not None

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
        tasks = [
            t
            for t in (self._task, self._heartbeat, *self._workers.values(), *self._answers)
            if t is not None
        ]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._in_flight:
            done, _ = await asyncio.wait(list(self._in_flight), timeout=10)
            for call in done:
                if not call.cancelled() and call.exception() is not None:
                    log.info("a call finishing during stop failed; it stays pending")
        self._task = self._heartbeat = None
        self._workers.clear()
        release = getattr(self.store, "release", None)
        if release is not None:
            try:  # what is still pending goes to the other workers at once
                await release()
            except Exception:
                log.warning("outbox: giving the chats back failed", exc_info=True)

    async def _beat(self, every: float) -> None:
        """Renew the store's leases on every row this sender holds, every `every` seconds."""
        while True:
            await asyncio.sleep(every)
            await self.store.renew()  # type: ignore[attr-defined]

    async def _run(self) -> None:
        if self._rescan_due:
            await self._rescan()
        while True:
            try:  # not wait_for: on Python 3.11 it can swallow a stop's cancellation
                async with asyncio.timeout(self.rescan_every):
                    await self._wake.wait()
            except TimeoutError:
                await self._rescan()
                continue
            self._wake.clear()
            if self._rescan_due:
                await self._rescan()
            ids, self._incoming = self._incoming, []
            try:
                rows = await self.store.get(ids)
            except Exception:
                self._incoming[:0] = ids  # kept for the restarted loop
                self._wake.set()
                raise
            self._take(rows)

    async def _rescan(self) -> None:
        rows = await self.store.pending()
        self._rescan_due = False
        self._take(rows)

    def _take(self, rows: list[Pending]) -> None:
        for row in rows:
            if row.id in self._known or self.refused.is_set():
                continue
            self._known.add(row.id)
            chat = row.message.chat_id
            if row.message.kind == Kind.ANSWER:
                # A button's answer must not wait behind the chat's messages: Telegram drops
                # answers after about 15 s, and it has no order to keep with them.
                answer = asyncio.create_task(self._answer(chat, row), name=f"answer-{row.id}")
                self._answers.add(answer)
                answer.add_done_callback(self._answers.discard)
                answer.add_done_callback(watch)
                continue
            heapq.heappush(self._queues.setdefault(chat, []), (row.id, row))
            if chat not in self._workers:
                worker = asyncio.create_task(self._work(chat), name=f"chat-{chat}")
                self._workers[chat] = worker
                worker.add_done_callback(watch)
        self._update_idle()

    def _update_idle(self) -> None:
        if not self._known and not self._incoming and not self._rescan_due:
            self._idle.set()
        else:
            self._idle.clear()

    async def _answer(self, chat: str, row: Pending) -> None:
        again: Pending | None = row
        try:
            while again is not None:
                again = await self._try(chat, again)
        except LeaseLost:
            log.warning("outbox %s to chat %s: its lease was lost; not sent here", row.id, chat)
        finally:
            self._known.discard(row.id)
            self._update_idle()

    async def _work(self, chat: str) -> None:
        queue = self._queues[chat]
        try:
            while queue:
                _, row = heapq.heappop(queue)
                try:
                    again = await self._try(chat, row)
                except LeaseLost:
                    heapq.heappush(queue, (row.id, row))
                    log.warning(
                        "outbox: chat %s let go, its lease was lost (the database was out of"
                        " reach); the next scan takes it again if it is still this worker's",
                        chat,
                    )
                    return
                except BaseException:
                    heapq.heappush(queue, (row.id, row))  # stays pending; a stop or a refusal
                    raise
                if again is None:
                    self._known.discard(row.id)
                else:
                    heapq.heappush(queue, (again.id, again))
        finally:
            self._workers.pop(chat, None)
            if getattr(self.store, "claims", False) and not self.refused.is_set():
                self._rescan_due = True  # rows of this chat queued while it was held
                self._wake.set()
            if not queue:
                self._queues.pop(chat, None)
            elif not self.refused.is_set():
                # Ended by a stop, or by a fault in this code: let the next rescan take them.
                self._known.difference_update(r.id for _, r in queue)
                self._queues.pop(chat, None)
            self._update_idle()

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
                self._known.discard(other.id)
        newly = await self._persist(
            f"marking chat {chat} unreachable", lambda: self.store.unreachable(chat)
        )
        if newly and self.on_unreachable is not None:
            callback = self.on_unreachable
            await self._persist(f"telling who must know of chat {chat}", lambda: callback(chat))
