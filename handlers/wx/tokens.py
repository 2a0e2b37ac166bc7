"""One cached access token per app, refreshed before it expires, by one caller at a time.

Invariants: at most one fetch of a new token is in flight per app (a lock, re-checked inside, so
that callers who queued behind a refresh reuse its result); a token is replaced `margin` seconds
before its expiry, so calls do not race the platform's clock; a refusal of a token (40001, 42001,
40014) refreshes it only if no one else has already replaced it since. Time comes from `clock`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Fetch = Callable[[], Awaitable[tuple[str, float]]]  # -> (token, seconds it is valid)
DEFAULT_MARGIN = 300.0


@dataclass(frozen=True, slots=True)
class AccessToken:
    """A token and the clock reading at which it stops being used."""

    value: str
    renew_at: float


class TokenCache:
    """Hands out the current access token of one app, fetching a new one when due."""

    def __init__(
        self,
        fetch: Fetch,
        clock: Callable[[], float] = time.monotonic,
        margin: float = DEFAULT_MARGIN,
    ) -> None:
        self._fetch, self._clock, self._margin = fetch, clock, margin
        self._token: AccessToken | None = None
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def get(self) -> str:
        """A token that is not due for renewal, fetching one if needed."""
        token = self._token
        if token is not None and self._clock() < token.renew_at:
            return token.value
        async with self._lock:
            token = self._token
            if token is not None and self._clock() < token.renew_at:
                return token.value
            return await self._renew()

    async def refresh(self, refused: str) -> str:
        """A new token after `refused` was refused, unless another caller already replaced it."""
        async with self._lock:
            token = self._token
            if token is not None and token.value != refused and self._clock() < token.renew_at:
                return token.value
            return await self._renew()

    def forget(self) -> None:
        """Drop the cached token (the next call fetches a new one)."""
        self._token = None

    async def _renew(self) -> str:
        value, valid_for = await self._fetch()
        self.fetches += 1
        # A short-lived token is still used for half its life rather than not at all.
        margin = min(self._margin, valid_for / 2)
        self._token = AccessToken(value, self._clock() + valid_for - margin)
        return value
