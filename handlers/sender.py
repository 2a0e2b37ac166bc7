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
  could never pick it up again. A row finished while a read of the table was under way is not
  taken from that read's answer (`_scanned`): the answer may predate the row's record.
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
- One row's attempt (the call, its record, retries and refusals) is handlers/sender_attempts.py.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from functools import partial

from core.messages import Kind
from handlers.delivery import RateLimiter, Transport
from handlers.sender_attempts import LeaseLost, RowAttempts
from handlers.supervision import Fatal, supervise, watch
from storage.outbox import OutboxDeliveries, Pending

log = logging.getLogger(__name__)


class OutboxSender(RowAttempts):
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
        self._scans: list[set[int]] = []  # per scan under way: the rows finished meanwhile
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
                rows = await self._scanned(self.store.get(ids))
            except Exception:
                self._incoming[:0] = ids  # kept for the restarted loop
                self._wake.set()
                raise
            self._take(rows)

    async def _rescan(self) -> None:
        rows = await self._scanned(self.store.pending())
        self._rescan_due = False
        self._take(rows)

    async def _scanned(self, scan: Awaitable[list[Pending]]) -> list[Pending]:
        """A read of the table, less the rows this sender finished while it ran: its answer
        may be from before their record (a worker's claim takes its own chats again, the row
        out at that moment among them), and a finished row is no longer `_known`."""
        finished: set[int] = set()
        self._scans.append(finished)
        try:
            rows = await scan
        finally:
            self._scans.remove(finished)
        return [row for row in rows if row.id not in finished]

    def _finished(self, row_id: int) -> None:
        """A row is done with here (sent, given up, or let go)."""
        self._known.discard(row_id)
        for finished in self._scans:
            finished.add(row_id)

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
            self._finished(row.id)
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
                    self._finished(row.id)
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
