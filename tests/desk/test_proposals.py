"""提案: from an adopted report through 立案, assignment, replies and the proposers' rating, with
the residents behind it told at each step (once, on their own channel, unless forgotten), the
reply's deadline, its reminders on the sweep, and who may not."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from core.messages import Kind
from core.service import Service
from handlers.office import ChinaWorkingDays
from tests.desk.conftest import Desk
from tests.desk.test_reports import write_report
from tests.support import Chat, Clock, sqlite_fetch, sqlite_service


async def adopted_proposal(desk: Desk, residents: list[Chat]) -> int:
    """A report from one case of each resident, adopted and made a proposal; its number."""
    cases = [await desk.case(r, "老板拖欠工资") for r in residents]
    report = await write_report(desk, cases)
    await desk.member.press("报送")
    await desk.coordinator.command("report", f"show {report}")
    await desk.coordinator.press("采用")
    await desk.coordinator.press("转为提案")
    rows = await desk.db.reader.execute_fetchall("SELECT MAX(id) FROM desk_proposals")
    return int(next(iter(rows))[0])


async def proposal_row(desk: Desk, number: int) -> tuple[object, ...]:
    rows = await desk.db.reader.execute_fetchall(
        "SELECT status, bodies, round, grade, rating, due_at, remind_level FROM desk_proposals"
        " WHERE id = ?",
        (number,),
    )
    return tuple(next(iter(rows)))


async def test_a_proposal_goes_its_whole_way_and_the_residents_hear_each_step(desk: Desk) -> None:
    wang, li = desk.chat("501", "王小明"), desk.chat("502", "李大嫂")
    number = await adopted_proposal(desk, [wang, li])
    coordinator = desk.coordinator

    await coordinator.command("proposal", f"accept {number}")
    heard = [m for m in coordinator.everyone if m.chat_id in ("501", "502")]
    assert len(heard) == 2 and all("立案" in m.text for m in heard)
    assert all("张委员" not in m.text and "赵协调" not in m.text for m in heard)

    out = await coordinator.command("proposal", f"assign {number} 区人社局、区住建局")
    assert "区人社局、区住建局" in out[0].text and "2027-02-25 10:00" in out[0].text
    assert (await proposal_row(desk, number))[:2] == ("assigned", '["区人社局", "区住建局"]')

    await coordinator.command("proposal", f"reply {number} B 已启动专项检查，正在追讨欠薪")
    asked = [m for m in coordinator.everyone if m.chat_id == "11"]
    assert "请评价" in asked[0].text and "正在追讨欠薪" in asked[0].text
    labels = [b.text for row in asked[0].buttons for b in row]
    assert labels == ["满意", "基本满意", "不满意"]
    assert any("正在解决" in m.text for m in coordinator.everyone if m.chat_id == "501")

    # 不满意: back to the bodies for a second reply; the coordinators and residents hear
    desk.member.inbox.extend(asked)
    await desk.member.press("不满意")
    assert (await proposal_row(desk, number))[:3] == ("assigned", '["区人社局", "区住建局"]', 2)
    assert any("再次答复" in m.text for m in desk.member.everyone if m.chat_id == "99")
    assert any("不满意" in m.text for m in desk.member.everyone if m.chat_id == "502")

    await coordinator.command("proposal", f"reply {number} A 欠薪已全部追回")
    asked = [m for m in coordinator.everyone if m.chat_id == "11"]
    desk.member.inbox.extend(asked)
    await desk.member.press("基本满意")
    assert (await proposal_row(desk, number))[:5] == (
        "rated",
        '["区人社局", "区住建局"]',
        2,
        "A",
        "basic",
    )
    assert any("基本满意" in m.text for m in desk.member.everyone if m.chat_id == "501")
    # each resident heard each step once: adopted, accepted, replied, rated, replied, rated
    rows = await desk.db.reader.execute_fetchall(
        "SELECT kind, round FROM desk_outcomes WHERE resident_id ="
        " (SELECT id FROM people WHERE external_id = '501')"
    )
    assert sorted(tuple(r) for r in rows) == sorted(
        [
            ("report.adopted", 1),
            ("proposal.accepted", 1),
            ("proposal.replied", 1),
            ("proposal.rated", 1),
            ("proposal.replied", 2),
            ("proposal.rated", 2),
        ]
    )


async def test_a_forgotten_resident_is_not_told_and_the_other_is(desk: Desk) -> None:
    wang, li = desk.chat("501", "王小明"), desk.chat("502", "李大嫂")
    number = await adopted_proposal(desk, [wang, li])
    async with desk.service.open_unit() as uow:
        person = await uow.people.by_external("telegram", "501")
        assert person is not None
        await uow.erasure.forget(person.id, desk.clock())
        await uow.commit()
    await desk.coordinator.command("proposal", f"accept {number}")
    assert [m.chat_id for m in desk.coordinator.everyone if m.chat_id != "99"] == ["502"]


async def test_who_may_not_is_refused_and_nothing_changes(desk: Desk) -> None:
    number = await adopted_proposal(desk, [desk.chat("501")])
    await desk.coordinator.command("proposal", f"accept {number}")
    await desk.coordinator.command("proposal", f"assign {number} 区人社局")
    before = await proposal_row(desk, number)
    # a member who is not a proposer, and a resident, cannot see it, rate it or run it
    for chat in (desk.other, desk.chat("501")):
        out = await chat.send(callback_id="x", callback_data=f"desk:prate:{number}:satisfied")
        assert out[0].kind == Kind.ANSWER and out[0].alert
    out = await desk.other.command("proposal", f"show {number}")
    assert "没有找到提案" in out[0].text
    out = await desk.member.command("proposal", f"reply {number} A 好了")
    assert "权限" in out[0].text
    # the proposer cannot rate before the reply, nor with a made-up rating
    for data in (f"desk:prate:{number}:satisfied", f"desk:prate:{number}:great"):
        out = await desk.member.send(callback_id="x", callback_data=data)
        assert out[0].alert
    # bad input from the coordinator: a grade that is none, a huge reply, too many bodies
    for args in (
        f"reply {number} D 好",
        f"reply {number} A " + "长" * 5000,
        f"assign {number} " + "、".join(f"单位{i}" for i in range(20)),
        f"accept {number}",
        "accept 999",
        "show abc",
    ):
        await desk.coordinator.command("proposal", args)
    assert await proposal_row(desk, number) == before


async def test_the_sweep_reminds_a_week_before_and_escalates_once_overdue(
    desk: Desk, clock: Clock
) -> None:
    number = await adopted_proposal(desk, [desk.chat("501")])
    await desk.coordinator.command("proposal", f"accept {number}")
    await desk.coordinator.command("proposal", f"assign {number} 区人社局")
    fetch = sqlite_fetch(desk.db)

    async def sweep() -> list[str]:
        return [m.text for m in await fetch(await desk.service.sweep()) if m.chat_id == "99"]

    assert await sweep() == []
    clock.now = datetime(2027, 2, 18, 3, 0, tzinfo=UTC)  # a week before 2027-02-25 10:00
    (soon,) = await sweep()
    assert "将于 2027-02-25 10:00 到期" in soon
    assert await sweep() == []
    clock.now = datetime(2027, 2, 25, 2, 0, tzinfo=UTC)
    (late,) = await sweep()
    assert "超期" in late
    assert await sweep() == []


async def test_a_reply_due_in_working_days_skips_the_spring_festival_and_counts_a_make_up_day(
    desk: Desk, clock: Clock
) -> None:
    district = replace(
        desk.service.district,
        calendar=ChinaWorkingDays(desk.service.district.timezone),
        proposal_reply_days=5,
    )
    service: Service = sqlite_service(desk.db, district, desk.service.classifier, clock)
    coordinator = Chat(service, sqlite_fetch(desk.db), "99")
    number = await adopted_proposal(desk, [desk.chat("501")])
    await coordinator.command("proposal", f"accept {number}")
    # Thursday 2026-02-12 10:00: Friday 13, Saturday 14 (a make-up working day), the festival
    # off from the 15th to the 23rd, then the 24th, 25th and 26th
    clock.now = datetime(2026, 2, 12, 2, 0, tzinfo=UTC)
    out = await coordinator.command("proposal", f"assign {number} 区人社局")
    assert "2026-02-26 10:00" in out[0].text


async def test_a_member_proposes_from_their_cases_and_the_coordinators_hear(desk: Desk) -> None:
    case = await desk.case(desk.chat("501"), "欠薪")
    farm = await desk.case(desk.chat("502"), "大棚", tank="agriculture")
    out = await desk.member.command("proposal", f"new 关于根治欠薪的提案 #{case}")
    assert "关于根治欠薪的提案" in out[-1].text and "已提交" in out[-1].text
    assert any("新提案" in m.text for m in desk.member.everyone if m.chat_id == "99")
    rows = await desk.db.reader.execute_fetchall(
        "SELECT p.title, pp.person_id, pc.case_id FROM desk_proposals p"
        " JOIN desk_proposal_people pp ON pp.proposal_id = p.id"
        " JOIN desk_proposal_cases pc ON pc.proposal_id = p.id"
    )
    async with desk.service.open_unit() as uow:
        person = await uow.people.by_external("telegram", "11")
    assert person is not None
    assert [tuple(r) for r in rows] == [("关于根治欠薪的提案", person.id, case)]
    # another tank's case, no title, a huge title: refused, nothing stored
    for args in (f"new 标题 #{farm}", f"new #{case}", "new " + "长" * 200, "new 标题 #abc"):
        await desk.member.command("proposal", args)
    rows = await desk.db.reader.execute_fetchall("SELECT COUNT(*) FROM desk_proposals")
    assert next(iter(rows))[0] == 1
