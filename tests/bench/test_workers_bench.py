"""The workers bench's own logic: its correctness check catches a chat acknowledged twice and a
case number given twice, its proxy posts again what was not answered 200, and its closing note
names the worker count where throughput stops growing."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web

from tests.bench.workers import Proxy, Run, check, growth
from tests.fakes import FakeBotAPI

TOKEN = "123:ABC"


async def send(server: FakeBotAPI, chat: int, text: str) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{server.base_url}{TOKEN}/sendMessage", json={"chat_id": chat, "text": text}),
    ):
        pass


async def test_check_reports_a_second_acknowledgement_and_a_case_number_twice() -> None:
    async with FakeBotAPI(token=TOKEN) as server:
        people = [server.user(1, "甲"), server.user(2, "乙")]
        await send(server, 1, "已受理 #1")
        await send(server, 2, "已受理 #2")
        assert check(server, people, [1, 2]) == []
        await send(server, 2, "已受理 #2")
        errors = check(server, people, [1, 1])
    assert errors == [
        "chat 2: 2 acknowledgements",
        "case numbers are not 1..2 each once: 2 numbers",
    ]


async def test_the_proxy_posts_again_until_answered_200() -> None:
    statuses = [503, 500, 200]
    seen: list[int] = []
    answered = asyncio.Event()

    async def hook(request: web.Request) -> web.Response:
        seen.append((await request.json())["update_id"])
        assert request.headers["X-Telegram-Bot-Api-Secret-Token"] == "s3"
        status = statuses.pop(0)
        if status == 200:
            answered.set()
        return web.Response(status=status)

    app = web.Application()
    app.router.add_post("/telegram", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    async with FakeBotAPI(token=TOKEN) as server:
        proxy = Proxy(server, f"http://127.0.0.1:{port}", "s3", 4)
        task = asyncio.create_task(proxy.run())
        pushed = server.push({"message": {"message_id": 1, "text": "x"}})
        async with asyncio.timeout(10):
            await answered.wait()
        task.cancel()
    await runner.cleanup()
    assert seen == [pushed["update_id"]] * 3 and proxy.failures == 2


def made(workers: int, per_second: float) -> Run:
    run = Run(f"postgresql-{workers}-workers", workers, 100)
    run.seconds = run.turns / per_second
    run.bot_cpu, run.pg_cpu, run.bench_cpu = 2.0, 1.0, 1.0
    run.machine_busy = 0.9
    return run


def test_the_note_names_where_throughput_stops_growing() -> None:
    note = growth([made(1, 100), made(2, 180), made(4, 175)], cores=2)
    assert "1: 100/s → 2: 180/s → 4: 175/s, on 2 cores" in note
    assert "stops growing at 2 worker(s)" in note
    assert "the PostgreSQL server 2.5 = 25%" in note  # 1 s over 400 turns
    assert "the machine was 90% busy" in note


def test_within_noise_a_larger_count_is_not_growth() -> None:
    assert "stops growing at 1 worker(s)" in growth([made(1, 100), made(2, 104)], cores=2)


def test_with_a_quota_the_note_gives_each_counts_wait_for_it() -> None:
    runs = [made(1, 100), made(2, 180)]
    for r, waited in zip(runs, (30.0, 2.5), strict=True):
        r.worker_cpu, r.throttled = 0.25, waited
    note = growth(runs, cores=2)
    assert "limited to 0.25 core" in note
    assert "by worker count: 1: 30.0 s, 2: 2.5 s" in note


def test_growth_up_to_the_last_count_is_not_called_a_stop() -> None:
    note = growth([made(1, 100), made(2, 180), made(4, 300)], cores=2)
    assert "still grows at 4 worker(s), the most measured" in note
