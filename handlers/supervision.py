"""Supervision of the background tasks: none may die silently.

Invariants (what a newcomer can break):
- Every long-lived background task runs under `supervise`: an exception is logged at CRITICAL
  with its cause and the task's body is run again after a back-off. Only a `Fatal` failure ends
  it, and goes to `on_fatal`, which must bring the process down with a non-zero exit (its own
  supervisor, systemd, starts it again).
- One-shot tasks (a chat's deliveries, a button's answer) are watched with `watch`: if one ends
  with an exception its owner has not handled, that is logged at CRITICAL, never dropped.
- Nothing here logs a secret: a `Fatal` carries a plain text written by this code, never the
  text of the platform's exception (python-telegram-bot puts the whole token into some).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from config.settings import SettingsError

log = logging.getLogger(__name__)

FIRST_PAUSE = 0.5
LONGEST_PAUSE = 30.0
STEADY = 60.0  # a body that ran this long before failing starts its back-off afresh


class Fatal(Exception):
    """A failure no restart can mend: the process must stop."""


class TokenRefused(Fatal, SettingsError):
    """The platform refuses the bot's credentials (a revoked or wrong token): nothing can be
    received or sent until an operator sets the right one. A settings error: one line, exit 2."""

    def __init__(self, setting: str = "MINQING_BOT_TOKEN") -> None:
        super().__init__(
            f"{setting}: the Bot API refused the token (401 Unauthorized): it was revoked or"
            " is wrong; set the one @BotFather shows now"
        )


def pause(failures: int, first: float = FIRST_PAUSE, longest: float = LONGEST_PAUSE) -> float:
    """The back-off before the next try, after `failures` failures in a row."""
    return min(longest, first * 2 ** max(0, min(failures - 1, 16)))


async def supervise(
    name: str,
    body: Callable[[], Awaitable[None]],
    on_fatal: Callable[[Fatal], None],
    first: float = FIRST_PAUSE,
    longest: float = LONGEST_PAUSE,
) -> None:
    """Run body until it returns: a failure is logged at CRITICAL and body runs again after a
    back-off; a Fatal goes to on_fatal and ends the task."""
    loop = asyncio.get_running_loop()
    failures = 0
    while True:
        began = loop.time()
        try:
            await body()
            return
        except Fatal as e:
            log.critical("%s stopped: %s", name, e)
            on_fatal(e)
            return
        except Exception as e:
            failures = 1 if loop.time() - began > STEADY else failures + 1
            wait = pause(failures, first, longest)
            log.critical(
                "%s failed (%s: %s); restarting it in %.1f s",
                name,
                type(e).__name__,
                e,
                wait,
                exc_info=e,
            )
            await asyncio.sleep(wait)


def watch(task: asyncio.Task[object]) -> None:
    """A done-callback: log at CRITICAL a task that ended with an unhandled exception."""
    if task.cancelled():
        return
    error = task.exception()
    if error is not None and not isinstance(error, Fatal):
        log.critical(
            "background task %s died (%s: %s)",
            task.get_name(),
            type(error).__name__,
            error,
            exc_info=error,
        )
