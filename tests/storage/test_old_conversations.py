"""Conversations stored by the code before typed states (a schema-4 file, its rows written as that
code wrote them), opened by this version: migration 0005 and core/states.py read each as it was
meant, and what cannot be read starts over with a clear word."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from core.context import District
from core.models import Case, CaseStatus, KeywordHit, Person
from storage.db import Database, migrations, to_ms
from storage.unit_of_work import unit_factory
from tests.support import Chat, Clock, RuleClassifier, sqlite_fetch, sqlite_service

DRAFT = {
    "id": "ab12cd34",
    "text": "老板拖欠工资三个月了，一直不给",
    "photos": [],
    "album": None,
    "station": "daodi",
    "contact": "none",
    "tank": "law",
    "confidence": 0.9,
    "hits": [["欠薪", 3.0, 1]],  # the shape of the first versions: no "as written"
}


def old_file(path: Path, rows: list[tuple[str, str, dict[str, Any], datetime]]) -> None:
    """A database at schema 4 with conversations saved as the code of that schema saved them
    (storage.repositories.SqlDialogs.save: the state's string and its dict as JSON)."""
    conn = sqlite3.connect(path)
    for version, _, sql in migrations():
        if version <= 4:
            conn.executescript(sql)
    conn.execute("PRAGMA user_version = 4")
    for chat, state, data, at in rows:
        conn.execute(
            "INSERT INTO dialogs (channel, chat_id, state, data, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            ("telegram", chat, state, json.dumps(data, ensure_ascii=False), to_ms(at)),
        )
    conn.commit()
    conn.close()


async def test_conversations_of_the_old_code_carry_on_after_the_upgrade(
    tmp_path: Path, district: District, classifier: RuleClassifier, clock: Clock
) -> None:
    path = tmp_path / "old.db"
    old_file(
        path,
        [
            ("41", "intake.confirm", DRAFT, clock.now - timedelta(minutes=5)),
            ("42", "compose.comment", {"case": 1}, clock.now - timedelta(minutes=10)),
            ("43", "survey.q1", {"question": 2}, clock.now - timedelta(days=1)),
        ],
    )
    db = await Database.open(path)
    try:
        assert await db.version() == migrations()[-1][0]
        rows = list(
            await db.reader.execute_fetchall("SELECT state, data FROM dialogs WHERE chat_id = '42'")
        )
        state, data = rows[0]
        assert state == "followup.comment"
        since = datetime.fromisoformat(json.loads(data)["since"])
        assert since == clock.now - timedelta(minutes=10)

        async with unit_factory(db)() as uow:
            rated = await uow.people.add(Person(0, "telegram", "42", "42", name="李"), clock.now)
            await uow.cases.add(
                Case(0, rated.id, "路灯坏了", clock.now, clock.now, status=CaseStatus.CLOSED)
            )
            await uow.commit()

        service, fetch = sqlite_service(db, district, classifier, clock), sqlite_fetch(db)
        drafting = Chat(service, fetch, "41")
        out = await drafting.send(callback_id="cb", callback_data="in:ok:ab12cd34")
        assert "#2" in out[-1].text
        async with unit_factory(db)() as uow:
            case = await uow.cases.get(2)
        assert case is not None and case.tank == "law" and case.station == "daodi"
        assert case.keywords == (KeywordHit("欠薪", 3.0, 1),)

        commenting = Chat(service, fetch, "42")
        out = await commenting.text("灯修好了，谢谢")
        assert "#1" in out[0].text and "意见" in out[0].text
        async with unit_factory(db)() as uow:
            events = await uow.events.for_case(1)
        assert [(e.kind, e.data.get("text")) for e in events] == [("comment", "灯修好了，谢谢")]

        lost = Chat(service, fetch, "43")
        out = await lost.text("村里的大棚被风刮坏了")
        assert "无法继续" in out[0].text and "镇" in out[-1].text
    finally:
        await db.close()
