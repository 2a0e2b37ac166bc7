"""The sender's terms: the transport port it delivers through, the ways a delivery can fail, and
the rate limiter that paces it. Channel-free: a channel's transport maps its errors onto these."""

from __future__ import annotations

import asyncio
from typing import Protocol

from core.messages import Outbound


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
