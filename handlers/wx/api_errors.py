"""The platforms' errcodes in the outbox sender's terms.

RetryLater: the platform is busy or throttling, the call timed out or a 5xx came back, or the
account is misconfigured (an administrator can fix it; the message must not be lost meanwhile).
Unreachable: the person unsubscribed, blocked the account or is not (or no longer) a member.
WindowClosed: outside the 48-hour window or over the customer-service quota; the adapter sends a
template message instead. Rejected: the message itself is invalid and never will be accepted.
"""

from __future__ import annotations

from handlers.delivery import DeliveryError, Rejected, RetryLater, Unreachable

STALE_TOKEN = frozenset({40001, 40014, 42001})  # refresh the access token and retry once
BUSY = frozenset({-1, 45009, 45011, 45033})  # system busy, frequency and daily limits
WINDOW = frozenset({45015, 45047})  # 48-hour window closed, customer-service quota used up
GONE = frozenset({43004, 40003, 43019, 43101, 81013, 60111, 82001, 60011})
INVALID = frozenset({40008, 40033, 44004, 45002, 45008, 47001, 47003, 40037, 40007, 40058})
ACCOUNT = frozenset({40013, 40125, 40164, 48001, 60020, 61004, 41001, 40056, 301002})
ACCOUNT_RETRY = 60.0  # seconds before a misconfigured account is tried again


class WindowClosed(DeliveryError):
    """The customer-service window is closed or its quota used up: send a template message."""

    def __init__(self, reason: str, errcode: int) -> None:
        super().__init__(reason)
        self.errcode = errcode


class StaleToken(DeliveryError):
    """The access token was refused: the client refreshes it and retries once."""


def raise_for_errcode(errcode: int, errmsg: str, call: str) -> None:
    """Raise the sender's error for a non-zero errcode (the caller handles STALE_TOKEN)."""
    if errcode == 0:
        return
    reason = f"{call}: errcode {errcode} {errmsg}"
    if errcode in STALE_TOKEN:
        raise StaleToken(reason)
    if errcode in WINDOW:
        raise WindowClosed(reason, errcode)
    if errcode in BUSY:
        raise RetryLater(reason)
    if errcode in GONE:
        raise Unreachable(reason)
    if errcode in ACCOUNT:
        raise RetryLater(reason, ACCOUNT_RETRY)
    raise Rejected(reason)


def raise_for_status(status: int, call: str) -> None:
    """Raise RetryLater for a 429 or 5xx, Rejected for another non-200 answer."""
    if status == 200:
        return
    if status == 429 or status >= 500:
        raise RetryLater(f"{call}: HTTP {status}")
    raise Rejected(f"{call}: HTTP {status}")
