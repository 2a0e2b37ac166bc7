"""What the WeChat and WeCom channels keep, on SQLite and on PostgreSQL alike: the ingress table
(dedupe, pending, handled, failed attempts, the window and its quota, pruning), the adapters'
small tables (menus, card codes, held messages) and residents' files, served by signed link."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from aiohttp import web

from core.messages import Outbound
from handlers.wx.api_base import Media
from handlers.wx.files import FileLinks, keep
from storage.db import Database, to_ms
from storage.ingress import IngressStore, ingress_of, prune_handled
from storage.outbox import deliveries_of
from storage.pg import PgDatabase
from storage.wx_state import WxState, case_brief
from tests.pg import fresh_schema

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgres"])
async def wx_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated SQLite file, then a fresh schema on the test PostgreSQL server."""
    if request.param == "sqlite":
        db = await Database.open(tmp_path / "minqing.db")
        try:
            yield db
        finally:
            await db.close()
        return
    async with fresh_schema() as (url, schema):
        pg = await PgDatabase.open(url, schema=schema)
        try:
            yield cast(Database, pg)
        finally:
            await pg.close()


async def rows(db: Database, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in await db.reader.execute_fetchall(sql, params)]


async def test_ingress_records_once_and_counts_attempts_until_handled(wx_db: Database) -> None:
    store = ingress_of(wx_db, "wechat")
    for _ in range(3):  # the platform's retries of one callback
        await store.record("wechat:msg:1", "o_1", '{"a": 1}', "message", NOW)
    await store.record("wechat:msg:2", "o_1", '{"a": 2}', None, NOW)
    await store.record("wechat:msg:3", "o_2", '{"a": 3}', None, NOW)
    pending = await store.pending()
    assert [(r.chat_id, r.payload, r.attempts) for r in pending] == [
        ("o_1", '{"a": 1}', 0),
        ("o_1", '{"a": 2}', 0),
        ("o_2", '{"a": 3}', 0),
    ]
    await store.attempt_failed(pending[0].id, "RetryLater: media")
    assert (await store.pending())[0].attempts == 1
    await store.handled(pending[0].id, NOW)
    await store.handled(pending[2].id, NOW, "ValueError: " + "x" * 600)
    assert [r.id for r in await store.pending()] == [pending[1].id]
    got = await rows(wx_db, "SELECT attempts, error FROM ingress ORDER BY id")
    assert got[0] == (2, None) and got[2][0] == 1 and len(got[2][1]) == 500
    assert await ingress_of(wx_db, "wecom").pending() == []
    # Handled rows go once old; a pending one stays whatever its age.
    await store.handled(pending[1].id, NOW)
    await store.record("wechat:msg:4", "o_3", "{}", None, NOW)
    assert await prune_handled(wx_db, NOW + timedelta(days=1), batch=2) == 3
    assert [r[0] for r in await rows(wx_db, "SELECT dedupe_key FROM ingress")] == ["wechat:msg:4"]


async def test_a_handled_row_keeps_nothing_of_the_person_but_what_its_window_needs(
    wx_db: Database,
) -> None:
    """Once handled, a row is only its dedupe key and times: the payload (name, phone, words)
    goes, and so does the chat of a row that opened no window (Telegram's updates: /forgetme's
    own confirming press used to keep the resident's name and chat id for the days the ingress
    is kept). A window's row keeps its chat until pruned: the reply to it needs the window."""
    telegram, wechat = ingress_of(wx_db, "telegram"), ingress_of(wx_db, "wechat")
    secret = '{"from": {"id": 8123456000, "first_name": "\\u738b\\u79d8\\u5bc6"}}'
    await telegram.record("42", "8123456000", secret, None, NOW)
    await wechat.record(
        "wechat:msg:1", "o_secret", '{"Content": "王秘密 13912345678"}', "message", NOW
    )
    for store in (telegram, wechat):
        [row] = await store.pending()
        await store.handled(row.id, NOW)
    got = await rows(wx_db, "SELECT channel, dedupe_key, chat_id, payload FROM ingress ORDER BY id")
    assert got == [("telegram", "42", "", ""), ("wechat", "wechat:msg:1", "o_secret", "")]
    assert (await wechat.opened("o_secret")).message_at == to_ms(NOW)
    await telegram.record("42", "8123456000", secret, None, NOW)  # posted again: still once
    assert await telegram.pending() == []


async def test_the_window_is_the_latest_message_and_tap_with_their_quota(
    wx_db: Database,
) -> None:
    store = ingress_of(wx_db, "wechat")
    assert (await store.opened("o_1")).message_at is None
    await store.record("wechat:msg:1", "o_1", "{}", "message", NOW)
    await store.record("wechat:tap:1", "o_1", "{}", "tap", NOW + timedelta(seconds=5))
    await store.record("wechat:msg:2", "o_1", "{}", "message", NOW + timedelta(seconds=9))
    await store.record("wechat:msg:3", "o_1", "{}", None, NOW + timedelta(seconds=20))
    await store.record("wechat:msg:4", "o_2", "{}", "message", NOW + timedelta(seconds=30))
    opened = await store.opened("o_1")
    ids = [r.id for r in await IngressStore(wx_db, "wechat").pending()]
    assert (opened.message_at, opened.message_row) == (to_ms(NOW) + 9000, ids[2])
    assert (opened.tap_at, opened.tap_row) == (to_ms(NOW) + 5000, ids[1])
    for _ in range(2):
        await store.spend("o_1", "message", opened.message_row)
    await store.spend("o_1", "tap", opened.tap_row)
    opened = await store.opened("o_1")
    assert (opened.message_sent, opened.tap_sent) == (2, 1)
    # A new message opens a new window: its quota starts again.
    await store.record("wechat:msg:5", "o_1", "{}", "message", NOW + timedelta(seconds=40))
    renewed = await store.opened("o_1")
    assert (renewed.message_sent, renewed.tap_sent) == (0, 1)
    await store.spend("o_1", "message", renewed.message_row)
    assert (await store.opened("o_1")).message_sent == 1
    assert (await ingress_of(wx_db, "wecom").opened("o_1")).message_at is None


async def test_menus_and_card_codes_are_kept_and_replaced(wx_db: Database) -> None:
    state = WxState(wx_db)
    await state.save_menu("wechat", "o_1", [("in:ok:1", "确认")], NOW)
    await state.save_menu("wechat", "o_1", [("in:a", "甲"), ("in:b", "乙")], NOW)
    assert await state.last_menu("wechat", "o_1", NOW) == [("in:a", "甲"), ("in:b", "乙")]
    assert await state.last_menu("wechat", "o_1", NOW + timedelta(seconds=1)) == []
    assert await state.last_menu("wecom", "o_1", NOW) == []
    await state.save_code("task-1", "zhang", "c1", NOW)
    await state.save_code("task-1", "zhang", "c2", NOW)
    assert await state.code_of("task-1") == "c2"
    await state.code_used("task-1", "c1")  # an old code: the new one stays
    assert await state.code_of("task-1") == "c2"
    await state.code_used("task-1", "c2")
    assert await state.code_of("task-1") is None


async def test_held_messages_are_queued_again_in_order_and_once(wx_db: Database) -> None:
    state = WxState(wx_db)
    stale = Outbound(channel="wechat", chat_id="o_1", text="旧的", case_id=1)
    await state.hold(stale, NOW - timedelta(days=8))
    for n in range(3):
        await state.hold(Outbound(channel="wechat", chat_id="o_1", text=f"第{n}条"), NOW)
    await state.hold(Outbound(channel="wechat", chat_id="o_2", text="别人的"), NOW)
    ids = await state.release("wechat", "o_1", NOW - timedelta(days=7), NOW)
    assert len(ids) == 3 and ids == sorted(ids) and 0 not in ids
    queued = await deliveries_of(wx_db, "wechat").get(ids)
    assert [p.message.text for p in queued] == ["第0条", "第1条", "第2条"]
    assert await state.release("wechat", "o_1", NOW - timedelta(days=7), NOW) == []
    assert [r[0] for r in await rows(wx_db, "SELECT chat_id FROM wx_held")] == ["o_2"]


async def test_files_are_kept_once_and_served_only_by_their_signed_link(
    wx_db: Database,
) -> None:
    state = WxState(wx_db)
    photo = Media(b"\xff\xd8jpeg\x00bytes", "image/jpeg; charset=x", "a.jpg")
    ref = await keep(state, "wechat", "o_1", "media-1", "image", photo, lambda: NOW)
    again = await keep(state, "wechat", "o_1", "media-1", "image", photo, lambda: NOW)
    other = await state.add_file("wecom", "zhang", "media-1", "voice", "audio/amr", b"amr", NOW)
    assert ref == again and ref != f"file:{other}"
    links = FileLinks(state, b"k" * 32, "http://files.example/")
    url = links.url(ref)
    assert url is not None and url.startswith("http://files.example/files/")
    app = web.Application()
    links.add_routes(app)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = "http://{}:{}".format(*runner.addresses[0][:2])
    try:
        async with httpx.AsyncClient() as http:
            path = url.removeprefix("http://files.example")
            got = await http.get(base + path)
            assert (got.status_code, got.content) == (200, b"\xff\xd8jpeg\x00bytes")
            assert got.headers["content-type"] == "image/jpeg"
            forged = path.rsplit("/", 1)[0] + "/" + "0" * 32
            assert (await http.get(base + forged)).status_code == 404
            missing = f"/files/999/{links.signature(999)}"
            assert (await http.get(base + missing)).status_code == 404
    finally:
        await runner.cleanup()
    assert await case_brief(wx_db, 1) is None


async def test_forgetting_a_resident_forgets_their_wechat_chat(wx_db: Database) -> None:
    from core.models import Person
    from storage.unit_of_work import unit_factory

    store, state = ingress_of(wx_db, "wechat"), WxState(wx_db)
    await store.record("wechat:msg:1", "o_gone", '{"content": "老板欠薪"}', "message", NOW)
    await store.record("wechat:msg:2", "o_gone", '{"content": "还没处理"}', "message", NOW)
    first = (await store.pending())[0]
    await store.handled(first.id, NOW)
    await store.spend("o_gone", "message", first.id)
    await state.save_menu("wechat", "o_gone", [("in:ok:1", "确认")], NOW)
    photo = await state.add_file("wechat", "o_gone", "m1", "image", "image/jpeg", b"jpg", NOW)
    await state.hold(Outbound(channel="wechat", chat_id="o_gone", text="已答复", case_id=1), NOW)
    async with unit_factory(wx_db)() as uow:
        added = await uow.people.add(
            Person(id=0, channel="wechat", external_id="o_gone", chat_id="o_gone"), NOW
        )
        await uow.erasure.forget(added.id, NOW)
        await uow.commit()
    assert await rows(wx_db, "SELECT dedupe_key FROM ingress") == [("wechat:msg:2",)]
    for left in ("SELECT * FROM wx_quota", "SELECT * FROM wx_menus", "SELECT * FROM wx_held"):
        assert await rows(wx_db, left) == []
    kept = await state.file(photo)
    assert kept is not None and kept.content == b"jpg"
    assert await rows(wx_db, "SELECT chat_id FROM files") == [("",)]


async def test_postgresql_short_writes_commit_together_in_order_and_fail_alone(
    pg_schema: tuple[str, str],
) -> None:
    url, schema = pg_schema
    pg = await PgDatabase.open(url, schema=schema, size=3)
    try:
        state = WxState(cast(Database, pg))
        saves = [state.save_menu("wechat", "o_1", [(f"in:{n}", str(n))], NOW) for n in range(40)]
        bad = pg.records.write(  # a kind the table does not take: this write alone fails
            "INSERT INTO files (channel, chat_id, media_id, kind, content_type, content,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ("wechat", "o_1", "m", "video", "video/mp4", b"x", 0),
        )
        more = [state.save_code(f"t-{n}", "zhang", "c", NOW) for n in range(10)]
        outcomes = await asyncio.gather(*saves, bad, *more, return_exceptions=True)
        errors = [o for o in outcomes if o is not None]
        assert len(errors) == 1 and "kind" in str(errors[0])
        assert await state.last_menu("wechat", "o_1", NOW) == [("in:39", "39")]  # the last one
        assert await rows(cast(Database, pg), "SELECT count(*) FROM wecom_cards") == [(10,)]
    finally:
        await pg.close()


async def test_postgresql_short_writes_of_one_statement_go_alone_and_still_fail_alone(
    pg_schema: tuple[str, str],
) -> None:
    url, schema = pg_schema
    pg = await PgDatabase.open(url, schema=schema, size=3)
    insert = (
        "INSERT INTO files (channel, chat_id, media_id, kind, content_type, content,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
    )
    try:
        writes = [
            pg.records.write(insert, ("wechat", "o_1", f"m{n}", kind, "image/jpeg", b"x", 0))
            for n, kind in enumerate(["image", "image", "video", "image"])  # video: refused
        ]
        outcomes = await asyncio.gather(*writes, return_exceptions=True)
        assert [o is None for o in outcomes] == [True, True, False, True]
        kept = await rows(cast(Database, pg), "SELECT media_id FROM files ORDER BY media_id")
        assert kept == [("m0",), ("m1",), ("m3",)]
    finally:
        await pg.close()
