"""The update queue behind getUpdates: long polling that wakes at once when an update arrives."""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.content import ApiError
from tests.fakes.records import Signal

# Telegram's default when allowed_updates was never given (or given as []).
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)


@dataclass(order=True)
class _Queued:
    update_id: int
    update: dict[str, Any] = field(compare=False)
    redelivered: bool = field(default=False, compare=False)


def update_type(update: dict[str, Any]) -> str:
    """The update's kind: the key beside update_id, e.g. "message" or "callback_query"."""
    return next((key for key in update if key != "update_id"), "")


class UpdateQueue:
    """Pending updates in update_id order; an offset confirms (drops) every update below it."""

    def __init__(self, first_update_id: int = 100_000_001) -> None:
        self._next_id = first_update_id
        self._pending: list[_Queued] = []
        self._history: dict[int, dict[str, Any]] = {}
        self._allowed: frozenset[str] | None = None
        self._waiter: asyncio.Event | None = None
        self._generation = 0
        self.closed = False
        self.poll_signal = Signal()
        self.arrived = asyncio.Event()  # set whenever the queue changes (the webhook's poster)

    @property
    def polling(self) -> bool:
        """Whether a getUpdates call is waiting for updates right now."""
        return self._waiter is not None

    @property
    def pending(self) -> list[dict[str, Any]]:
        """The updates not yet confirmed, in order."""
        return [queued.update for queued in self._pending]

    def _wake(self) -> None:
        self.arrived.set()
        if self._waiter is not None:
            self._waiter.set()

    def push(self, fragment: dict[str, Any]) -> dict[str, Any]:
        """Queue an update (given without update_id, or with one to forge) and wake the poller."""
        update_id = fragment.get("update_id")
        if update_id is None:
            update_id = self._next_id
        self._next_id = max(self._next_id, update_id + 1)
        # A JSON round trip: fails here, in the test, on what Telegram could not send, and keeps
        # the update as it was pushed even if the caller mutates its dicts later.
        update = json.loads(json.dumps({**fragment, "update_id": update_id}))
        self._history[update_id] = update
        bisect.insort(self._pending, _Queued(update_id, update))
        self._wake()
        return update

    def redeliver(self, update_id: int) -> dict[str, Any]:
        """Queue an already pushed update again, unchanged, even below the confirmed offset."""
        update = self._history.get(update_id)
        if update is None:
            raise KeyError(f"no update {update_id} was ever pushed")
        bisect.insort(self._pending, _Queued(update_id, update, redelivered=True))
        self._wake()
        return update

    def drop_pending(self) -> None:
        """Forget every pending update (deleteWebhook with drop_pending_updates)."""
        self._pending.clear()

    def allow(self, allowed: Iterable[str] | None) -> None:
        """The update kinds wanted from now on (None or empty: Telegram's default)."""
        self._allowed = frozenset(allowed) if allowed else None

    def first(self) -> _Queued | None:
        """The first pending update of a wanted kind (unwanted ones before it are dropped)."""
        found = self._take(1)
        return next((q for q in self._pending if q.update is found[0]), None) if found else None

    def remove(self, queued: _Queued) -> None:
        """Drop one pending update: the webhook was answered 2xx for it."""
        with contextlib.suppress(ValueError):
            self._pending.remove(queued)

    def release(self) -> None:
        """Answer a waiting poll now, with what is pending (maybe nothing)."""
        self._wake()

    def close(self) -> None:
        """Answer every waiting poll now, and every later one at once."""
        self.closed = True
        self._wake()

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            keep = self._pending[offset:]
            self._pending = [q for q in self._pending if q.redelivered or q in keep]
        else:
            self._pending = [q for q in self._pending if q.update_id >= offset or q.redelivered]

    def _take(self, limit: int) -> list[dict[str, Any]]:
        allowed = self._allowed
        batch: list[_Queued] = []
        for queued in list(self._pending):
            kind = update_type(queued.update)
            wanted = kind in allowed if allowed is not None else kind not in NOT_BY_DEFAULT
            if not wanted:
                self._pending.remove(queued)
                continue
            batch.append(queued)
            if len(batch) >= limit:
                break
        for queued in batch:
            queued.redelivered = False
        return [queued.update for queued in batch]

    async def get(
        self, offset: int, limit: int, wait_seconds: float, allowed: Iterable[str] | None
    ) -> list[dict[str, Any]]:
        """getUpdates: confirm below offset, then return pending updates or wait up to timeout."""
        if allowed is not None:
            self._allowed = frozenset(allowed) or None
        if offset:
            self._confirm(offset)
        limit = min(max(limit, 1), 100)
        self._generation += 1
        generation = self._generation
        self._wake()  # an older poll still waiting is terminated, as Telegram does
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(wait_seconds, 0.0)
        while True:
            if generation != self._generation:
                raise ApiError(409, CONFLICT)
            batch = self._take(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self.closed:
                return batch
            waiter = self._waiter = asyncio.Event()
            self.poll_signal.notify()
            try:
                async with asyncio.timeout(remaining):
                    await waiter.wait()
            except TimeoutError:
                pass
            finally:
                if self._waiter is waiter:
                    self._waiter = None
