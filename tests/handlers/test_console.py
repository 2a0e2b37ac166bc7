"""The console demo, scripted: a concern travels from the resident to a member and back."""

from __future__ import annotations

import io
from pathlib import Path

from core.context import District
from handlers.console import Console, parse_delta
from storage.db import Database
from tests.support import Clock, RuleClassifier, sqlite_service

SCRIPT = """\
/start
老板拖欠工资三个月了，怎么办
3
不留电话
1
:as law
1
:as resident
/my
:as member
/pending
:as coordinator
/stats all
:time +3d
:as nobody
:who
:quit
"""


async def test_a_scripted_session_reaches_the_member(
    tmp_path: Path, district: District, classifier: RuleClassifier, clock: Clock
) -> None:
    db = await Database.open(tmp_path / "demo.db")
    out = io.StringIO()
    console = Console(sqlite_service(db, district, classifier, clock), db, io.StringIO(SCRIPT), out)
    await console.run()
    await db.close()
    text = out.getvalue()
    assert "已受理，编号 #1" in text
    assert "── 张律师（法律委员 member） ◀\n🆕 新案件 #1" in text
    assert "[1] ✋ 认领" in text and "您已认领 #1" in text
    assert "#1 · 办理中" in text or "办理中 · 法律" in text
    assert "案件总数：1" in text
    assert "超期升级" in text or "已超过" in text
    assert "now speaking as nobody (new person)" in text


def test_time_deltas() -> None:
    assert parse_delta("+25h") is not None and parse_delta("3d") is not None
    assert parse_delta("soon") is None and parse_delta("+1y") is None
