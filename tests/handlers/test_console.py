"""The console demo, scripted: a concern travels from the resident to a member and back."""

from __future__ import annotations

import io
from datetime import UTC, datetime
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
    assert "已受理，您的反映编号是 #1" in text
    assert "── 张律师（法律委员 member） ◀\n🆕 新案件 #1" in text
    assert "[1] ✋ 认领" in text and "您已认领 #1" in text
    assert "#1 · 办理中" in text or "办理中 · 法律" in text
    assert "案件总数：1" in text
    assert "超期升级" in text or "已超过" in text
    assert "now speaking as nobody (new person)" in text


def test_time_deltas() -> None:
    assert parse_delta("+25h") is not None and parse_delta("3d") is not None
    assert parse_delta("soon") is None and parse_delta("+1y") is None


async def test_the_tour_plays_a_concerns_week_through_all_three_roles(
    tmp_path: Path, district: District, classifier: RuleClassifier
) -> None:
    db = await Database.open(tmp_path / "demo.db")
    out = io.StringIO()
    evening = Clock(datetime(2026, 11, 25, 13, 0, tzinfo=UTC))  # Wednesday 21:00 in Shanghai
    service = sqlite_service(db, district, classifier, evening)
    console = Console(service, db, io.StringIO(":tour\n:quit\n"), out, pause=0)
    await console.run()
    await db.close()
    text = out.getvalue()
    assert "the demo clock starts on a working morning: 2026-11-26 09:00" in text
    assert "The clock starts 2026-11-30 09:00, a Monday morning." in text
    for shown in (
        "因为提到了",  # intake: the card says why
        "前会有委员接手",  # the receipt's promise
        "催办",  # the reminder
        "您已认领",  # the claim
        "今日待办",  # the daily digest
        "超期升级",  # the escalation
        "想了解",  # the question
        "居民小王：\n\n有工资条",  # the answer
        "已办结",  # resolved
        "原定 12月3日（周四）09:00 前给您答复",  # the resident told of the delay
        "感谢您的评价",  # rated
    ):
        assert shown in text, shown
    assert "⏱ 扫描：催办、升级和通知" in text
    assert "no button" not in text


async def test_time_says_what_the_sweep_did(
    tmp_path: Path, district: District, classifier: RuleClassifier, clock: Clock
) -> None:
    db = await Database.open(tmp_path / "demo.db")
    out = io.StringIO()
    script = ":time +1h\n包工头欠了我们三个月的工资\n3\n不留电话\n1\n:time +22h\n:quit\n"
    console = Console(sqlite_service(db, district, classifier, clock), db, io.StringIO(script), out)
    await console.run()
    await db.close()
    text = out.getvalue()
    assert "⏱ 扫描：没有到期的事 / the sweep found nothing due" in text
    assert "⏱ 扫描：催办、升级和通知 1 条" in text  # the law member is reminded
