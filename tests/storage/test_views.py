"""Coordinators' and members' lists and figures, on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.context import District
from core.service import Service
from storage.db import Database
from storage.stats import COUNTS, OVERDUE_NOW
from storage.views import BRIEF, OVERDUE
from tests.core.test_casework import staff, to
from tests.core.test_intake import file_concern
from tests.support import Chat, Clock, RuleClassifier, sqlite_fetch, sqlite_service


@pytest.fixture
def service(db: Database, district: District, classifier: RuleClassifier, clock: Clock) -> Service:
    return sqlite_service(db, district, classifier, clock)


async def test_stats_counts_rates_and_medians(service: Service, db: Database, clock: Clock) -> None:
    fetch = sqlite_fetch(db)
    zhang, _, _, zhao = await staff(service, fetch)
    residents = [Chat(service, fetch, f"50{i}") for i in range(4)]
    for r in residents[:3]:
        await file_concern(r, "老板拖欠工资三个月了")
    await file_concern(residents[3], "小区路灯坏了")  # triage
    for number in (1, 2):
        clock.advance(hours=1)
        await zhang.send(callback_id="q", callback_data=f"case:claim:{number}")
    clock.advance(hours=1)
    await zhang.command("reply", "1 收到，正在处理")  # 3 h after creation: in time
    await zhang.command("resolve", "1 已解决")
    residents[0].inbox.extend(to("500", zhang.everyone))
    await residents[0].press("基本满意")
    clock.advance(days=4)  # case 2 never answered: past its 72 h first-reply deadline
    text = (await zhao.command("stats", "all"))[0].text
    assert "案件总数：4" in text
    assert "已关闭 1" in text and "办理中 1" in text and "待认领 1" in text and "待分派 1" in text
    assert "响应率（按时认领并答复）：25% (1/4)" in text
    assert "办结率（不含转办）：25% (1/4)" in text
    assert "满意率（满意+基本满意）：100% (1/1)" in text
    assert "超期：3" in text
    assert "认领 1 小时 0 分" in text


async def test_overdue_lists_oldest_deadline_first(
    service: Service, db: Database, clock: Clock
) -> None:
    fetch = sqlite_fetch(db)
    _, _, _, zhao = await staff(service, fetch)
    await file_concern(Chat(service, fetch, "501"), "老板拖欠工资三个月了")
    clock.advance(hours=2)
    await file_concern(Chat(service, fetch, "502"), "申请贷款被拒绝了")
    assert "（无）" in (await zhao.command("overdue"))[0].text
    clock.advance(hours=30)
    text = (await zhao.command("overdue"))[0].text
    assert text.index("#1") < text.index("#2") and "认领已超期" in text


async def test_members_pending_mine_find_and_triage(
    service: Service, db: Database, clock: Clock
) -> None:
    fetch = sqlite_fetch(db)
    zhang, li, _, zhao = await staff(service, fetch)
    r1, r2 = Chat(service, fetch, "501"), Chat(service, fetch, "502")
    await file_concern(r1, "老板拖欠工资三个月了")
    await file_concern(r2, "工资被拖欠，包工头跑了")
    await file_concern(Chat(service, fetch, "503"), "小区路灯坏了一个月")
    await zhang.send(callback_id="q", callback_data="case:claim:1")
    pending = await li.command("pending")
    assert "#2" in pending[0].text and "#1" not in pending[0].text
    mine = await zhang.command("mine")
    assert "#1" in mine[0].text
    assert "#1" in (await zhang.command("pending"))[1].text  # claimed, not yet answered
    members = (await zhao.command("members"))[0].text
    assert "张律师 · 未填写 · 1 件" in members and "李律师 · 未填写 · 0 件" in members
    found = (await zhao.command("find", "包工头"))[0].text
    assert "#2" in found and "#1" not in found
    assert "#1" not in (await zhao.command("find", "%"))[0].text
    triage = await zhao.command("triage")
    assert "#3" in triage[1].text and triage[1].buttons
    await zhao.command("assign", "3 法律")
    assert "#3" in (await li.command("pending"))[0].text


async def test_assign_to_a_member_and_remove_a_member(service: Service, db: Database) -> None:
    fetch = sqlite_fetch(db)
    zhang, li, _, zhao = await staff(service, fetch)
    resident = Chat(service, fetch, "501")
    await file_concern(resident, "老板拖欠工资三个月了")
    members = (await zhao.command("members"))[0].text
    li_id = next(line.split(" · ")[0].strip() for line in members.splitlines() if "李律师" in line)
    out = await zhao.command("assign", f"1 {li_id}")
    assert any(m.chat_id == "12" and "13800000000" not in m.text for m in zhao.everyone)
    assert "李律师" in out[-1].text
    removed = await zhao.command("removemember", li_id)
    assert "1 件" in removed[-1].text
    assert "#1" in (await zhang.command("pending"))[0].text
    assert "不是您能用的命令" in (await li.command("pending"))[0].text


async def plan_of(db: Database, sql: str, *params: object) -> list[str]:
    """SQLite's query plan for sql, one line per step."""
    rows = await db.reader.execute_fetchall(f"EXPLAIN QUERY PLAN {sql}", params)
    return [str(row[3]) for row in rows]


async def test_overdue_walks_the_deadline_index_instead_of_sorting_every_open_case(
    db: Database,
) -> None:
    sql = f"{BRIEF} WHERE {OVERDUE} ORDER BY c.due_at LIMIT ?"
    plan = await plan_of(db, sql, 0, 30)
    assert any("cases_by_due" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


async def test_the_overdue_count_of_a_window_reads_only_the_cases_past_a_deadline(
    db: Database,
) -> None:
    plan = await plan_of(db, OVERDUE_NOW, 0)
    assert plan == ["SEARCH cases USING INDEX cases_by_due (due_at<?)"], plan


async def test_a_windows_figures_come_from_the_stats_index_alone(db: Database) -> None:
    counts = await plan_of(db, COUNTS, 0)
    assert any("COVERING INDEX cases_for_stats" in step for step in counts), counts
    median = await plan_of(
        db,
        "SELECT (claimed_at - created_at) / 60000 AS bucket, count(*) FROM cases"
        " WHERE created_at >= ? AND claimed_at IS NOT NULL GROUP BY bucket",
        0,
    )
    assert any("COVERING INDEX cases_for_stats" in step for step in median), median


async def test_all_time_tallies_agree_with_counting_every_case(
    service: Service, db: Database, clock: Clock
) -> None:
    """The triggers' tallies give the same figures as the cases themselves, after every kind of
    change: filing, claiming, replying, transfers, resolving, rating, reopening, erasure."""
    fetch = sqlite_fetch(db)
    zhang, _, wang, zhao = await staff(service, fetch)
    texts = ["老板拖欠工资三个月了", "申请贷款被拒绝了", "大棚补贴没发", "小区路灯坏了一个月"]
    residents = [Chat(service, fetch, f"60{i}") for i in range(8)]
    for i, resident in enumerate(residents):
        clock.advance(minutes=37)
        await file_concern(resident, texts[i % 4])
    await zhang.send(callback_id="q", callback_data="case:claim:1")
    clock.advance(hours=5)
    await zhang.command("reply", "1 收到")
    await zhang.command("resolve", "1 已追回")
    residents[0].inbox.extend(to("600", zhang.everyone))
    await residents[0].press("不满意")
    await wang.send(callback_id="q", callback_data="case:claim:2")
    clock.advance(days=4)
    await wang.command("transfer", "2 法律 其实是合同纠纷")
    await zhang.send(callback_id="q", callback_data="case:claim:5")
    await zhang.command("resolve", "5 已处理")
    residents[4].inbox.extend(to("604", zhang.everyone))
    await residents[4].press("满意")
    await zhao.command("assign", "4 经济")
    await residents[4].command("forgetme")
    await residents[4].press("确认删除")
    hours = {"law": 72.0, "economy": 72.0, "agriculture": 72.0, None: 72.0}
    all_time = await service.views.stats(None, clock.now, hours)
    counted = await service.views.stats(datetime(1970, 1, 2, tzinfo=UTC), clock.now, hours)
    assert all_time == counted
    assert all_time.total == 8 and all_time.ratings == {"poor": 1, "good": 1}


async def test_stats_name_the_cases_without_a_tank_apart_from_their_status(
    service: Service, db: Database
) -> None:
    fetch = sqlite_fetch(db)
    _, _, _, zhao = await staff(service, fetch)
    await file_concern(Chat(service, fetch, "501"), "小区路灯坏了一个月")
    text = (await zhao.command("stats", "all"))[0].text
    assert "待分派 1" in text and "待分派：" not in text
    assert "未归入智库：待分派 1" in text


async def test_find_searches_the_conversation_and_the_names_staff_may_see(
    service: Service, db: Database, clock: Clock
) -> None:
    fetch = sqlite_fetch(db)
    zhang, _, _, zhao = await staff(service, fetch)
    named = Chat(service, fetch, "501", name="王秀英")
    await file_concern(named, "老板拖欠工资三个月了")
    hidden = Chat(service, fetch, "502", name="王秀兰")
    await hidden.text("工资被拖欠，包工头跑了")
    await hidden.press("稻地镇")
    await hidden.text("匿名反映")
    await hidden.press("确认提交")
    await zhang.send(callback_id="q", callback_data="case:claim:1")
    await zhang.command("reply", "1 请提供劳动合同和考勤记录")
    await named.command("reply", "1 考勤记录在手机里")
    found = (await zhao.command("find", "考勤"))[0].text
    assert "#1" in found and "#2" not in found
    assert "#1" in (await zhao.command("find", "王秀英"))[0].text
    assert "#1" in (await zhao.command("find", "王秀 工资"))[0].text
    by_name = (await zhao.command("find", "王秀兰"))[0].text
    assert "#2" not in by_name and "（无）" in by_name  # anonymous: the name never matches
    assert "#2" not in (await zhao.command("find", "王秀"))[0].text
    assert "#1" not in (await zhao.command("find", "考勤 路灯"))[0].text
