"""Flood control: each person may send a burst, then about one message a second.

One process keeps the buckets in memory on purpose: they protect the bot from one person's
flood and promise nothing to anyone, so losing them on a restart costs nothing. Several worker
processes (PostgreSQL) share them in the database instead (SharedThrottle): a person's messages
reach whichever worker claims their chat, so a bucket in each process would let a flood through
as many times over as there are workers, and none of them would warn.

Invariant: `judge` is the whole rule; both keep a bucket as it leaves it. A bucket untouched for
burst / rate seconds is full and unwarned again, the same as none: it may be dropped any time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import NamedTuple, Protocol

log = logging.getLogger(__name__)


class Verdict(Enum):
    """What to do with one more message from a person."""

    ALLOW = "allow"
    WARN = "warn"  # the first message over the limit: answered with a polite request to slow down
    DROP = "drop"  # further messages over the limit: ignored


class Bucket(NamedTuple):
    """One person's bucket: tokens left, when their last message came (epoch seconds), and
    whether they were warned in the flood going on."""

    tokens: float
    stamp: float
    warned: bool


def judge(bucket: Bucket | None, stamp: float, burst: float, rate: float) -> tuple[Verdict, Bucket]:
    """The verdict on a message at `stamp` and the bucket after it. The first message over the
    limit is warned; after it, silence until the person pauses for as long as one token takes to
    come back (the flood is over); the bucket must be full again before a later flood is warned
    anew."""
    tokens, last, warned = bucket if bucket is not None else Bucket(burst, stamp, False)
    refill = max(0.0, stamp - last) * rate
    if warned and refill < 1:
        # Still flooding: nothing refills while it goes on, so it is not answered bit by bit.
        return Verdict.DROP, Bucket(tokens, stamp, True)
    tokens = min(burst, tokens + refill)
    if tokens >= 1:
        return Verdict.ALLOW, Bucket(tokens - 1, stamp, warned and tokens < burst)
    return Verdict.WARN, Bucket(tokens, stamp, True)


class FloodLimit(Protocol):
    """What core asks of a flood limit: in this process (Throttle) or shared (SharedThrottle)."""

    async def take(self, who: str, now: datetime) -> Verdict:
        """Take a token for who, or say why not."""
        ...


class Throttle:
    """A token bucket per person, in this process: `burst` messages at once, refilled at `rate`
    per second (the rule: `judge`)."""

    def __init__(self, burst: float = 20.0, rate: float = 1.0, max_people: int = 100_000) -> None:
        self.burst, self.rate, self.max_people = burst, rate, max_people
        self._buckets: dict[str, Bucket] = {}

    def check(self, who: str, now: datetime) -> Verdict:
        """Take a token for who, or say why not."""
        verdict, bucket = judge(self._buckets.get(who), now.timestamp(), self.burst, self.rate)
        self._remember(who, bucket)
        return verdict

    async def take(self, who: str, now: datetime) -> Verdict:
        """The same, as core asks it (a shared throttle asks the database)."""
        return self.check(who, now)

    def _remember(self, who: str, bucket: Bucket) -> None:
        if len(self._buckets) >= self.max_people and who not in self._buckets:
            full = [k for k, b in self._buckets.items() if b.tokens >= self.burst - 1]
            for key in full or list(self._buckets)[: self.max_people // 2]:
                del self._buckets[key]
        self._buckets[who] = bucket


Decide = Callable[[Bucket | None], tuple[Verdict, Bucket]]


class FloodBuckets(Protocol):
    """Where workers keep the buckets together (storage/pg_flood.py)."""

    async def step(self, who: str, decide: Decide) -> Verdict:
        """Apply decide to who's bucket (None: none kept) and keep what it returns, one
        message of a person at a time; the verdict."""
        ...


class SharedThrottle:
    """The buckets in the database, shared by every worker (the rule: `judge`). If the database
    cannot be asked, the message is let through: the limit protects the bot and promises nothing."""

    def __init__(self, buckets: FloodBuckets, burst: float = 20.0, rate: float = 1.0) -> None:
        self.buckets, self.burst, self.rate = buckets, burst, rate

    async def take(self, who: str, now: datetime) -> Verdict:
        """Take a token for who from the shared bucket, or say why not."""
        stamp = now.timestamp()
        try:
            return await self.buckets.step(
                who, lambda bucket: judge(bucket, stamp, self.burst, self.rate)
            )
        except Exception as e:
            log.warning("flood limit not checked for %s (%s: %s)", who, type(e).__name__, e)
            return Verdict.ALLOW
