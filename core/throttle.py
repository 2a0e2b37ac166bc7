"""Flood control: each person may send a burst, then about one message a second.

Kept in memory on purpose: it protects the bot from one person's flood and promises nothing to
anyone, so losing it on a restart costs nothing.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum


class Verdict(Enum):
    """What to do with one more message from a person."""

    ALLOW = "allow"
    WARN = "warn"  # the first message over the limit: answered with a polite request to slow down
    DROP = "drop"  # further messages over the limit: ignored


class Throttle:
    """A token bucket per person: `burst` messages at once, refilled at `rate` per second. The
    first message over the limit is warned; after it, silence until the person pauses for as
    long as one token takes to come back (the flood is over); the bucket must be full again
    before a later flood is warned anew."""

    def __init__(self, burst: float = 20.0, rate: float = 1.0, max_people: int = 100_000) -> None:
        self.burst, self.rate, self.max_people = burst, rate, max_people
        self._buckets: dict[str, tuple[float, float, bool]] = {}  # tokens, stamp, warned

    def check(self, who: str, now: datetime) -> Verdict:
        """Take a token for who, or say why not."""
        stamp = now.timestamp()
        tokens, last, warned = self._buckets.get(who, (self.burst, stamp, False))
        refill = max(0.0, stamp - last) * self.rate
        if warned and refill < 1:
            # Still flooding: nothing refills while it goes on, so it is not answered bit by bit.
            self._remember(who, (tokens, stamp, True))
            return Verdict.DROP
        tokens = min(self.burst, tokens + refill)
        if tokens >= 1:
            self._remember(who, (tokens - 1, stamp, warned and tokens < self.burst))
            return Verdict.ALLOW
        self._remember(who, (tokens, stamp, True))
        return Verdict.WARN

    def _remember(self, who: str, bucket: tuple[float, float, bool]) -> None:
        if len(self._buckets) >= self.max_people and who not in self._buckets:
            full = [k for k, (tokens, _, _) in self._buckets.items() if tokens >= self.burst - 1]
            for key in full or list(self._buckets)[: self.max_people // 2]:
                del self._buckets[key]
        self._buckets[who] = bucket
