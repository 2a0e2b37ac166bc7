"""The shared HTTP server: /health asks the database (SQLite and PostgreSQL), several servers
share one port as worker processes do, and routes are added before serving only."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from aiohttp import web

from handlers.http_server import HttpServer
from storage.db import Database
from tests.pg import fresh_schema


async def health(server: HttpServer) -> tuple[int, dict[str, str]]:
    async with httpx.AsyncClient(timeout=5.0) as http:
        answer = await http.get(server.url + "/health")
    return answer.status_code, answer.json()


async def test_health_is_200_while_sqlite_answers_and_503_once_it_is_closed(
    tmp_path: Path,
) -> None:
    db = await Database.open(tmp_path / "minqing.db")
    server = HttpServer(db, "127.0.0.1", 0)
    await server.start()
    try:
        assert await health(server) == (200, {"status": "ok"})
        await db.close()
        status, body = await health(server)
        assert status == 503 and body["status"] == "unavailable" and body["reason"], body
    finally:
        await server.stop()
        await server.stop()  # a second stop (the channels share the server) does nothing


async def test_health_on_postgresql() -> None:
    from storage.pg import PgDatabase

    async with fresh_schema() as (url, schema):
        db = await PgDatabase.open(url, schema=schema)
        server = HttpServer(db, "127.0.0.1", 0)
        await server.start()
        try:
            assert await health(server) == (200, {"status": "ok"})
            await db.close()
            status, body = await health(server)
            assert status == 503 and body["reason"], body
        finally:
            await server.stop()


async def test_two_servers_share_one_port_as_worker_processes_do(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "minqing.db")
    first = HttpServer(db, "127.0.0.1", 0)
    await first.start()
    port = int(first.url.rsplit(":", 1)[1])
    second = HttpServer(db, "127.0.0.1", port)
    try:
        await second.start()  # SO_REUSEPORT: the kernel spreads connections over both
        assert second.url == first.url
        assert (await health(second))[0] == 200
    finally:
        await second.stop()
        await first.stop()
        await db.close()


async def test_routes_are_added_before_serving(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "minqing.db")
    server = HttpServer(db, "127.0.0.1", 0)

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="hi")

    server.add("GET", "/hello", hello)
    await server.start()
    try:
        with pytest.raises(RuntimeError, match="before the server starts"):
            server.add("GET", "/late", hello)
        async with httpx.AsyncClient() as http:
            assert (await http.get(server.url + "/hello")).text == "hi"
    finally:
        await server.stop()
        await db.close()
