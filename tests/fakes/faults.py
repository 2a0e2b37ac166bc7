"""Fault injection for the fake Bot API: scripted, random, and blocked chats."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

KINDS = frozenset({"401", "429", "502", "timeout", "drop", "lost_response"})
SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendMediaGroup",
        "sendDocument",
        "sendLocation",
        "sendChatAction",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "answerCallbackQuery",
        "deleteMessage",
        "copyMessage",
        "forwardMessage",
    }
)


_CHAT_SENDS = ("send", "edit", "copy", "forward")


@dataclass(frozen=True)
class Fault:
    """One injected failure: its kind and, where it applies, its parameter."""

    kind: str
    retry_after: int = 1
    hold_seconds: float = 30.0
    html_body: bool = True


@dataclass
class _Scripted:
    method: str
    fault: Fault
    remaining: int
    chat_id: int | str | None


class Faults:
    """Runtime-settable failures; the server asks pick() before running each call.

    Kinds: "401" (Unauthorized, as for a revoked token), "429" (Too Many Requests with
    retry_after), "502" (Bad Gateway), "timeout" (hold the
    request unanswered for hold_seconds, then close it), "drop" (close the connection at once),
    "lost_response" (the call takes effect, then the connection closes without an answer), and
    "403" for blocked chats. Only "lost_response" records anything as delivered.
    """

    def __init__(self) -> None:
        self.retry_after = 1
        self.hold_seconds = 30.0
        self.html_502 = True
        self.injected: Counter[str] = Counter()
        self.blocked: set[int | str] = set()
        self._scripted: list[_Scripted] = []
        self._rate = 0.0
        self._kinds: tuple[str, ...] = ()
        self._methods: frozenset[str] = SEND_METHODS
        self._random = random.Random(0)

    @property
    def total(self) -> int:
        """How many faults were injected in all."""
        return sum(self.injected.values())

    def _make(self, kind: str, retry_after: int | None, hold_seconds: float | None) -> Fault:
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {sorted(KINDS)}")
        return Fault(
            kind=kind,
            retry_after=self.retry_after if retry_after is None else retry_after,
            hold_seconds=self.hold_seconds if hold_seconds is None else hold_seconds,
            html_body=self.html_502,
        )

    def fail_next(
        self,
        method: str,
        kind: str,
        count: int = 1,
        *,
        chat_id: int | str | None = None,
        retry_after: int | None = None,
        hold_seconds: float | None = None,
    ) -> None:
        """Make the next `count` calls of `method` (optionally to `chat_id` only) fail so."""
        fault = self._make(kind, retry_after, hold_seconds)
        self._scripted.append(_Scripted(method, fault, count, chat_id))

    def set_random(
        self,
        rate: float,
        kinds: Iterable[str],
        methods: Iterable[str] = SEND_METHODS,
        seed: int | None = 0,
    ) -> None:
        """Fail a `rate` fraction of calls of `methods` with a kind drawn from `kinds`."""
        kinds = tuple(kinds)
        for kind in kinds:
            self._make(kind, None, None)
        if not 0.0 <= rate <= 1.0 or (rate > 0 and not kinds):
            raise ValueError("rate must be within [0, 1] and kinds non-empty")
        self._rate, self._kinds, self._methods = rate, kinds, frozenset(methods)
        self._random = random.Random(seed)

    def block_chat(self, chat_id: int | str) -> None:
        """Answer every send or edit to chat_id with 403 Forbidden: bot was blocked by the user."""
        self.blocked.add(chat_id)

    def unblock_chat(self, chat_id: int | str) -> None:
        """Let calls to chat_id through again."""
        self.blocked.discard(chat_id)

    def clear(self) -> None:
        """Remove every scripted, random and blocking fault (the counts stay)."""
        self._scripted.clear()
        self._rate, self._kinds = 0.0, ()
        self.blocked.clear()

    def pick(self, method: str, params: dict[str, Any]) -> Fault | None:
        """Decide whether this call fails, and how; counts what it injects."""
        chat_id = params.get("chat_id")
        fault: Fault | None = None
        if chat_id is not None and chat_id in self.blocked and method.startswith(_CHAT_SENDS):
            fault = Fault(kind="403")
        else:
            for scripted in self._scripted:
                if scripted.method == method and scripted.chat_id in (None, chat_id):
                    scripted.remaining -= 1
                    if scripted.remaining <= 0:
                        self._scripted.remove(scripted)
                    fault = scripted.fault
                    break
        drawn = fault is None and self._rate and method in self._methods
        if drawn and self._random.random() < self._rate:
            fault = self._make(self._random.choice(self._kinds), None, None)
        if fault is not None:
            self.injected[fault.kind] += 1
        return fault
