"""What the database decided against what reached the chats: lost, repeated, out of order."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fakes import FakeBotAPI
from tests.stress.proc import query
from tests.stress.store import Store


@dataclass
class Delivery:
    """The outbox compared with the fake's record of successful calls."""

    decided: int = 0  # outbox rows for a chat message
    delivered: int = 0  # successful sendMessage calls
    lost: int = 0  # decided, never arrived
    duplicates: int = 0  # arrived more often than decided
    out_of_order_chats: int = 0
    unfinished: int = 0  # rows still pending, or failed, in chats that were reachable
    answers_lost: int = 0  # button presses whose answer never arrived
    edits_pending: int = 0
    duplicate_chats: dict[str, int] = field(default_factory=dict)
    repeats: list[tuple[str, int]] = field(default_factory=list)  # (chat, the fake's seq)
    repeat_log: list[tuple[str, str, list[int]]] = field(default_factory=list)


def outbox(path: Path | Store) -> list[tuple[int, str, str, dict[str, Any], str]]:
    """(id, chat, kind, payload, status) of every outbox row, in id order."""
    rows = query(path, "SELECT id, chat_id, kind, payload, status FROM outbox ORDER BY id")
    return [(int(r[0]), str(r[1]), str(r[2]), json.loads(str(r[3])), str(r[4])) for r in rows]


def deliveries(server: FakeBotAPI) -> dict[str, list[tuple[str, int]]]:
    """Per chat, (text, seq) of every successful sendMessage, in the order the fake took them."""
    chats: dict[str, list[tuple[str, int]]] = {}
    for call in server.calls("sendMessage"):
        if call.status == 200:
            chat = chats.setdefault(str(call.params.get("chat_id")), [])
            chat.append((str(call.params.get("text")), call.seq))
    return chats


def compare(server: FakeBotAPI, path: Path | Store, skip_chats: Iterable[str] = ()) -> Delivery:
    """Compare the outbox of the file with what the fake delivered; skip_chats are chats that
    blocked the bot (their rows fail, as they should)."""
    skip = set(skip_chats)
    result = Delivery()
    decided: dict[str, list[str]] = {}
    answered = {
        str(c.params.get("callback_query_id"))
        for c in server.calls("answerCallbackQuery")
        if c.status == 200
    }
    for _, chat, kind, payload, status in outbox(path):
        if chat in skip:
            continue
        if kind == "send" and not payload.get("photos"):
            decided.setdefault(chat, []).append(str(payload.get("text", "")))
            result.unfinished += status != "sent"
        elif kind == "answer":
            result.answers_lost += str(payload.get("callback_id")) not in answered
        elif kind == "edit":
            result.edits_pending += status == "pending"
        elif status == "pending":
            result.unfinished += 1
    arrived = deliveries(server)
    for chat in set(decided) | set(arrived):
        if chat in skip:
            continue
        want, calls = decided.get(chat, []), arrived.get(chat, [])
        got = [text for text, _ in calls]
        result.decided += len(want)
        result.delivered += len(got)
        extra = Counter(got) - Counter(want)
        result.lost += sum((Counter(want) - Counter(got)).values())
        if extra:
            result.duplicates += sum(extra.values())
            result.duplicate_chats[chat] = sum(extra.values())
        # Order: the deliveries with the repeats taken out must be the decisions, in order.
        budget = Counter(want)
        firsts = []
        for text, seq in calls:
            if budget[text] > 0:
                budget[text] -= 1
                firsts.append(text)
            else:
                result.repeats.append((chat, seq))
                result.repeat_log.append((chat, text, [q for t, q in calls if t == text]))
        if firsts != [t for t in want if t in set(firsts)]:
            result.out_of_order_chats += 1
    return result


async def settled(path: Path | Store, within: float, quiet: float = 1.0) -> bool:
    """Wait until no outbox row is pending (and stays so for `quiet` s); False on timeout."""
    deadline = time.perf_counter() + within
    calm_since: float | None = None
    while time.perf_counter() < deadline:
        rows = await asyncio.to_thread(
            query, path, "SELECT count(*) FROM outbox WHERE status = 'pending'"
        )
        if rows[0][0] == 0:
            calm_since = calm_since or time.perf_counter()
            if time.perf_counter() - calm_since >= quiet:
                return True
        else:
            calm_since = None
        await asyncio.sleep(0.2)
    return False


def unhandled(path: Path | Store, pushed: Iterable[int]) -> list[int]:
    """Pushed updates the database has no record of handling (on PostgreSQL the workers take
    Telegram's updates from the ingress table: an update handled is its row marked handled)."""
    sql = "SELECT update_id FROM processed_updates"
    if isinstance(path, Store) and path.postgres:
        sql = "SELECT dedupe_key FROM ingress WHERE channel = 'telegram' AND handled_at IS NOT NULL"
    handled = {int(r[0]) for r in query(path, sql)}
    return sorted(set(pushed) - handled)
