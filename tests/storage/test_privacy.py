"""Privacy and data safety on real files: /forgetme, purge, backup and restore."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from core.cases import privacy
from core.context import District
from core.models import CaseEvent
from core.service import Service
from storage.db import Database
from storage.unit_of_work import unit_factory
from tests.core.test_casework import staff, to
from tests.core.test_intake import file_concern
from tests.support import Chat, Clock, RuleClassifier, sqlite_fetch, sqlite_service

NAME, PHONE, CHAT = "王秘密", "13912345678", "424242"


def file_bytes(path: Path) -> bytes:
    """Everything SQLite has on disk for a database, WAL included."""
    data = path.read_bytes()
    wal = Path(f"{path}-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


async def filed_with_contact(service: Service, db: Database) -> None:
    fetch = sqlite_fetch(db)
    zhang, _, _, _ = await staff(service, fetch)
    resident = Chat(service, fetch, CHAT, name=NAME)
    await resident.text("老板拖欠工资三个月了")
    await resident.press("跳过")
    await resident.send(contact_phone=PHONE, contact_user_id=CHAT)
    await resident.press("确认提交")
    await zhang.send(callback_id="q", callback_data="case:claim:1")
    assert any(PHONE in m.text for m in to("11", zhang.everyone))  # the assignee sees it


async def checkpoint(db: Database) -> None:
    """Fold the WAL into the file and rebuild it, so deleted bytes are really gone."""
    await db.conn.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
    await db.conn.execute_fetchall("VACUUM")


async def test_forgetme_erases_name_contact_and_chat_identity(
    tmp_path: Path, district: District, classifier: RuleClassifier, clock: Clock
) -> None:
    path = tmp_path / "m.db"
    db = await Database.open(path)
    service = sqlite_service(db, district, classifier, clock)
    await filed_with_contact(service, db)
    resident = Chat(service, sqlite_fetch(db), CHAT, name=NAME)
    explain = await resident.command("forgetme")
    assert "匿名保留" in explain[0].text
    done = await resident.press("确认删除")
    assert "1 件" in done[-1].text
    async with unit_factory(db)() as uow:
        case = await uow.cases.get(1)
    assert case is not None and case.anonymous and case.contact_phone is None
    assert case.text == "老板拖欠工资三个月了" and case.status.value == "claimed"
    await db.conn.execute("DELETE FROM outbox WHERE json_extract(payload, '$.forget_after')")
    await checkpoint(db)
    await db.close()
    raw = file_bytes(path)
    for secret in (NAME, PHONE):
        assert secret.encode() not in raw, secret
    with sqlite3.connect(path) as conn:
        assert (
            conn.execute(
                "SELECT count(*) FROM people WHERE chat_id = ? OR external_id = ?", (CHAT, CHAT)
            ).fetchone()[0]
            == 0
        )
        assert (
            conn.execute("SELECT count(*) FROM outbox WHERE chat_id = ?", (CHAT,)).fetchone()[0]
            == 0
        )


async def test_purge_erases_old_closed_cases_only(
    tmp_path: Path, district: District, classifier: RuleClassifier
) -> None:
    clock = Clock(datetime(2025, 1, 1, 2, 0, tzinfo=UTC))
    path = tmp_path / "m.db"
    db = await Database.open(path)
    service = sqlite_service(db, district, classifier, clock)
    await filed_with_contact(service, db)
    fetch = sqlite_fetch(db)
    zhang = Chat(service, fetch, "11")
    await zhang.command("resolve", "1 已追回")
    resident = Chat(service, fetch, CHAT, name=NAME)
    resident.inbox.extend(to(CHAT, zhang.everyone))
    await resident.press("满意")
    clock.now = datetime(2026, 1, 1, 2, 0, tzinfo=UTC)
    await file_concern(Chat(service, fetch, "777", name="赵新"), "工资又被拖欠了")
    assert await privacy.purge(service.open_unit, clock.now, 180) == 1
    async with unit_factory(db)() as uow:
        old, new = await uow.cases.get(1), await uow.cases.get(2)
    assert old is not None and old.contact_phone is None and old.contact_name is None
    assert new is not None and new.contact_name == "赵新"
    await checkpoint(db)
    await db.close()
    raw = file_bytes(path)
    assert PHONE.encode() not in raw and NAME.encode() not in raw


async def test_backup_while_running_and_restore_drill(
    tmp_path: Path, district: District, classifier: RuleClassifier, clock: Clock
) -> None:
    db = await Database.open(tmp_path / "live.db")
    service = sqlite_service(db, district, classifier, clock)
    await file_concern(Chat(service, sqlite_fetch(db), "1"), "老板拖欠工资三个月了")
    async with service.open_unit() as uow:  # a writer in the middle of its transaction
        await uow.events.add(CaseEvent(1, "note", clock.now))
        assert await db.backup(tmp_path / "copy.db") > 0
        await uow.commit()
    await db.close()
    assert await Database.restore(tmp_path / "copy.db", tmp_path / "restored.db", 1000) == 1001
    restored = await Database.open(tmp_path / "restored.db")
    async with unit_factory(restored)() as uow:
        case = await uow.cases.get(1)
        events = await uow.events.for_case(1)
    assert case is not None and case.text == "老板拖欠工资三个月了"
    assert [e.kind for e in events] == ["created"]  # the uncommitted note is not in the copy
    service = sqlite_service(restored, district, classifier, clock)
    ack = await file_concern(Chat(service, sqlite_fetch(restored), "2"), "工资又被拖欠了")
    assert "#1002" in ack  # numbers given out after the backup are never given out again
    await restored.close()


async def test_erased_content_is_zeroed_whatever_sqlite_was_built_with(tmp_path: Path) -> None:
    # SQLite's default is to leave deleted bytes in free pages; some builds (Debian's) zero them.
    db = await Database.open(tmp_path / "m.db")
    try:
        for conn in (db.conn, db.reader):
            rows = await conn.execute_fetchall("PRAGMA secure_delete")
            assert next(iter(rows))[0] == 1
    finally:
        await db.close()
