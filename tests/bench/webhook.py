"""Telegram's webhook mode under load: python -m tests.bench.webhook [--postgres].

The real channel (webhook route, ingress table, IngressWorker, core, outbox sender) in this
process, on a SQLite file (and, with --postgres, on a fresh schema of MINQING_TEST_POSTGRES), the
fake Bot API answering its calls. `connections` aiohttp posters stand in for Telegram's
(max_connections, 40 by default; httpx's pool was slower than the bot): each takes a chat and
posts its updates one after another, as Telegram keeps a chat's updates in order. Prints the time
to answer a post (what Telegram waits for: the ingress row committed), and updates handled and
answered a second, beside the same load in polling mode. A benchmark prints: it never fails.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path
from typing import Any, cast

import aiohttp

os.environ.setdefault("PTB_TIMEDELTA", "1")

from config.referrals import load_referrals
from config.tanks import load_stations, load_tanks
from core.context import District
from handlers.http_server import HttpServer
from handlers.telegram_app import SendLimits, TelegramChannel
from handlers.telegram_webhook import SECRET_HEADER, TelegramWebhook, WebhookSetup
from storage.db import Database
from tests.fakes import FakeBotAPI, FakeUser
from tests.support import RULES, Clock, RuleClassifier, sqlite_service

TOKEN = "123:ABC"
SECRET = "bench-secret"
FAST = SendLimits(rate=1000.0, chat_rate=1000.0, chat_burst=1000.0, backoff=0.05)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def help_message(user: FakeUser) -> dict[str, Any]:
    """A /help from user, as Telegram sends it."""
    return {
        "message_id": user.chat.new_message_id(),
        "from": user.user,
        "chat": user.chat.chat,
        "date": int(time.time()),
        "text": "/help",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
    }


async def bench(
    mode: str, chats: int, each: int, connections: int, workdir: Path, postgres: bool = False
) -> dict[str, float | int]:
    """One run in webhook or polling mode, on SQLite or a fresh PostgreSQL schema."""
    if not postgres:
        db = await Database.open(workdir / f"{mode}-bench.db")
        return await bench_on(db, mode, chats, each, connections)
    from storage.pg import PgDatabase
    from tests.pg import fresh_schema

    async with fresh_schema() as (url, schema):
        pg = await PgDatabase.open(url, schema=schema)
        return await bench_on(cast(Database, pg), mode, chats, each, connections)


async def bench_on(
    db: Database, mode: str, chats: int, each: int, connections: int
) -> dict[str, float | int]:
    """One run on an open database (closed at the end); the figures."""
    district = District(
        tuple(load_tanks()), tuple(load_stations()), referral_bodies=tuple(load_referrals())
    )
    async with FakeBotAPI(TOKEN) as server:
        service = sqlite_service(db, district, RuleClassifier(RULES), Clock())
        http_server = HttpServer(db, "127.0.0.1", 0)
        hook = None
        if mode == "webhook":
            setup = WebhookSetup("https://bench.example", SECRET)
            hook = TelegramWebhook(db, setup, http_server, Clock())
        await http_server.start()
        ready = asyncio.Event()

        async def on_ready() -> None:
            ready.set()

        channel = TelegramChannel(
            service, db, TOKEN, server.api_url, on_ready=on_ready, limits=FAST, webhook=hook
        )
        stop = asyncio.Event()
        task = asyncio.create_task(channel.run(stop))
        await ready.wait()
        users = [server.user(5_000_000 + i, f"居民{i}") for i in range(chats)]
        next_id = iter(range(1, chats * each + 1))
        waits: list[float] = []
        url = http_server.url + "/telegram"
        pending = list(range(chats))

        async def poster(http: aiohttp.ClientSession) -> None:
            while pending:
                user = users[pending.pop()]
                for _ in range(each):
                    update = {"update_id": next(next_id), "message": help_message(user)}
                    began = time.perf_counter()
                    headers = {SECRET_HEADER: SECRET}
                    async with http.post(url, json=update, headers=headers) as answer:
                        await answer.read()
                    waits.append(time.perf_counter() - began)
                    assert answer.status == 200, answer.status

        total = chats * each
        cpu = time.process_time()
        began = time.perf_counter()
        if mode == "webhook":
            # aiohttp, not httpx: httpx's pool, not the bot, was the limit at 40 connections.
            connector = aiohttp.TCPConnector(limit=connections)
            async with aiohttp.ClientSession(connector=connector) as http:
                await asyncio.gather(*(poster(http) for _ in range(connections)))
        else:
            for _ in range(each):
                for user in users:
                    server.push({"message": help_message(user)})

        def answered() -> bool | None:
            return True if len(server.calls("sendMessage")) >= total else None

        await server._calls_signal.wait_until(answered, 600, lambda: "every answer")
        done = time.perf_counter() - began
        cpu = time.process_time() - cpu
        stop.set()
        await task
        await http_server.stop()
        await db.close()
    figures: dict[str, float | int] = {"updates": total}
    if waits:
        figures["post answered p50 (ms)"] = percentile(waits, 0.50) * 1000
        figures["post answered p99 (ms)"] = percentile(waits, 0.99) * 1000
    figures["handled and answered per s"] = total / done
    figures["process CPU per update (ms; bot, fake and posters)"] = cpu / total * 1000
    return figures


def main() -> None:
    """Run and print one Markdown table."""
    p = argparse.ArgumentParser(prog="python -m tests.bench.webhook", description=__doc__)
    p.add_argument("--chats", type=int, default=200)
    p.add_argument("--each", type=int, default=5, help="updates per chat")
    p.add_argument("--connections", type=int, default=40, help="Telegram's max_connections")
    p.add_argument("--postgres", action="store_true", help="also on MINQING_TEST_POSTGRES")
    args = p.parse_args()
    runs = {}
    kinds = [("SQLite", False)] + ([("PostgreSQL", True)] if args.postgres else [])
    with tempfile.TemporaryDirectory() as workdir:
        for database, postgres in kinds:
            for mode in ("webhook", "polling"):
                runs[f"{mode}, {database}"] = asyncio.run(
                    bench(mode, args.chats, args.each, args.connections, Path(workdir), postgres)
                )
    names = list(runs)
    print("| figure | " + " | ".join(names) + " |")
    print("| --- |" + " --- |" * len(names))
    for figure in runs[names[0]]:
        values = [show(runs[name].get(figure, "-")) for name in names]
        print(f"| {figure} | " + " | ".join(values) + " |")


def show(value: object) -> str:
    """A figure as the table shows it."""
    return f"{value:.1f}" if isinstance(value, float) else str(value)


if __name__ == "__main__":
    main()
