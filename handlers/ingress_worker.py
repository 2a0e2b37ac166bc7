"""Hands the recorded callback messages of one channel to core: in order per chat, chats
concurrently, each at least once and handled once.

Invariants (what a newcomer can break):
- One worker per chat, one message at a time, oldest first: a chat's messages reach core in the
  order the platform sent them (the ingress ids' order).
- A message is marked handled only after core returned (core committed the turn, with the row's
  id as its update id); a message whose turning into an event fails for a passing reason (a
  media download) is tried again after a back-off and holds its chat's later messages back.
  After MAX_ATTEMPTS it is marked handled with the error, so one poisoned message cannot stop
  its chat for ever; the error stays in the ingress row.
- A row the worker holds (`_known`) is in a chat's queue or being handled; a row finished while
  a scan was under way (`_finished`) is not taken again from that scan's answer. A storage
  failure is logged at CRITICAL and retried; the loop runs under `supervise`, the chat workers
  under `watch`.
- On PostgreSQL the store claims chats (`store.claims`, storage/pg_ingress.py): the worker asks
  again whenever one of its chats is done (renewing its leases, taking the next chats), renews
  its short leases every `store.heartbeat` seconds in a supervised task however long a turn
  takes, and gives its chats back when it stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial

from core.messages import Inbound
from handlers.delivery import RetryLater
from handlers.supervision import Fatal, pause, supervise, watch
from storage.ingress import IngressStore, Recorded

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
Convert = Callable[[Recorded], Awaitable[Inbound | None]]
Handle = Callable[[Inbound], Awaitable[list[int]]]


class IngressWorker:
    """The background handler of one channel's recorded messages."""

    def __init__(
        self,
        store: IngressStore,
        convert: Convert,
        handle: Handle,
        submit: Callable[[list[int]], None],
        clock: Callable[[], datetime],
        *,
        concurrency: int = 32,
        rescan_every: float = 5.0,
        backoff: float = 0.5,
        on_fatal: Callable[[Fatal], None] = lambda e: None,
    ) -> None:
        self.store, self.convert, self.handle, self.submit = store, convert, handle, submit
        self.clock, self.rescan_every, self.backoff = clock, rescan_every, backoff
        self.on_fatal = on_fatal
        self._slots = asyncio.Semaphore(concurrency)
        self._queues: dict[str, list[Recorded]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._known: set[int] = set()
        self._finished: set[int] = set()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self.handled = 0

    def start(self) -> None:
        """Start taking recorded messages (what a previous run left pending first)."""
        name = f"{self.store.channel} ingress"
        self._task = asyncio.create_task(
            supervise(name, self._run, self.on_fatal, first=self.backoff), name=name
        )
        beat = getattr(self.store, "heartbeat", None)
        if beat is not None:  # a store of short leases: renewed while this worker lives
            self._heartbeat = asyncio.create_task(
                supervise(
                    f"{name} leases' heartbeat",
                    partial(self._beat, beat),
                    self.on_fatal,
                    first=min(self.backoff, beat),
                    longest=beat,
                ),
                name=f"{name} heartbeat",
            )

    def wake(self) -> None:
        """A message was just recorded: look now rather than at the next rescan."""
        self._idle.clear()
        self._wake.set()

    async def drain(self) -> None:
        """Wait until nothing recorded is waiting (for tests and an orderly stop)."""
        self.wake()
        await self._idle.wait()

    async def stop(self) -> None:
        """Stop taking messages; what is not handled stays pending for the next start."""
        tasks = [t for t in (self._task, self._heartbeat, *self._workers.values()) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._task = self._heartbeat = None
        self._workers.clear()
        self._queues.clear()
        self._known.clear()
        try:
            await self.store.release()
        except Exception:
            log.warning("%s: giving the chats back failed", self.store.channel, exc_info=True)

    async def _beat(self, every: float) -> None:
        """Renew the store's leases on this worker's chats every `every` seconds."""
        while True:
            await asyncio.sleep(every)
            await self.store.renew()  # type: ignore[attr-defined]

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            self._finished = set()
            rows = await self.store.pending()
            self._take(rows)
            if not self._known and not self._wake.is_set():
                self._idle.set()
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a stop's
            # cancellation when the wake comes at the same moment, and the loop runs on.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.rescan_every):
                    await self._wake.wait()

    def _take(self, rows: list[Recorded]) -> None:
        for row in rows:
            if row.id in self._known or row.id in self._finished:
                continue
            self._known.add(row.id)
            self._queues.setdefault(row.chat_id, []).append(row)
            if row.chat_id not in self._workers:
                worker = asyncio.create_task(self._work(row.chat_id), name=f"ingress-{row.chat_id}")
                self._workers[row.chat_id] = worker
                worker.add_done_callback(watch)

    async def _work(self, chat: str) -> None:
        queue = self._queues[chat]
        try:
            while queue:
                row = queue[0]
                async with self._slots:
                    await self._one(row)
                queue.pop(0)
                self._known.discard(row.id)
                self._finished.add(row.id)
        finally:
            self._workers.pop(chat, None)
            self._known.difference_update(r.id for r in queue)
            self._queues.pop(chat, None)
            if not self._known or self.store.claims:
                self._wake.set()  # the loop looks again, and says idle if nothing came

    async def _one(self, row: Recorded) -> None:
        """Handle one message, trying again after passing failures; it ends handled."""
        failures = 0
        while True:
            try:
                inbound = await self.convert(row)
                if inbound is not None:
                    self.submit(await self.handle(inbound))
                await self.store.handled(row.id, self.clock())
                self.handled += 1
                return
            except Fatal as e:
                self.on_fatal(e)
                raise
            except Exception as e:
                failures += 1
                given_up = row.attempts + failures >= MAX_ATTEMPTS
                level = logging.WARNING if isinstance(e, RetryLater) else logging.CRITICAL
                log.log(
                    level,
                    "%s message %s from %s failed (%s: %s)%s",
                    self.store.channel,
                    row.id,
                    row.chat_id,
                    type(e).__name__,
                    e,
                    "; given up" if given_up else "; trying again",
                    exc_info=level == logging.CRITICAL,
                )
                try:
                    if given_up:
                        await self.store.handled(row.id, self.clock(), f"{type(e).__name__}: {e}")
                        return
                    await self.store.attempt_failed(row.id, f"{type(e).__name__}: {e}")
                except Exception:
                    log.critical(
                        "recording the failure of message %s failed", row.id, exc_info=True
                    )
                await asyncio.sleep(pause(failures, self.backoff))
