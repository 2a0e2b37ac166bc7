"""The desk as its users meet it: a second press that would duplicate a proposal, a removed
member's old buttons, what the residents are told after a second unsatisfied rating, lists in an
English reader's texts, and periods and numbers written in other scripts' digits."""

from __future__ import annotations

import io
import re

from docx import Document

from core.messages import Kind
from tests.desk.conftest import Desk
from tests.desk.test_proposals import adopted_proposal, proposal_row
from tests.desk.test_reports import report_row, write_report
from tests.support import sqlite_fetch

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


async def person_id(desk: Desk, external_id: str) -> int:
    rows = await desk.db.reader.execute_fetchall(
        "SELECT id FROM people WHERE external_id = ?", (external_id,)
    )
    return int(next(iter(rows))[0])


COUNTS = {
    "desk_proposals": "SELECT COUNT(*) FROM desk_proposals",
    "desk_outcomes": "SELECT COUNT(*) FROM desk_outcomes",
}


async def count(desk: Desk, table: str) -> int:
    rows = await desk.db.reader.execute_fetchall(COUNTS[table])
    return int(next(iter(rows))[0])


async def test_an_adopted_report_becomes_one_proposal_however_often_it_is_pressed(
    desk: Desk,
) -> None:
    number = await adopted_proposal(desk, [desk.chat("501", "王小明")])
    assert await count(desk, "desk_proposals") == 1
    out = await desk.coordinator.press("转为提案")
    assert await count(desk, "desk_proposals") == 1
    answer = next(m for m in out if m.kind == Kind.ANSWER)
    assert answer.alert and f"已转为提案 {number}" in (answer.text or "")
    # forged data naming the same report is refused the same way
    rows = await desk.db.reader.execute_fetchall("SELECT report_id FROM desk_proposals")
    report = int(next(iter(rows))[0])
    out = await desk.coordinator.send(callback_id="x", callback_data=f"desk:rprop:{report}")
    assert out[0].alert and await count(desk, "desk_proposals") == 1


async def test_a_removed_member_can_no_longer_see_or_rate_their_proposal(desk: Desk) -> None:
    number = await adopted_proposal(desk, [desk.chat("501", "王小明")])
    coordinator = desk.coordinator
    await coordinator.command("proposal", f"accept {number}")
    await coordinator.command("proposal", f"assign {number} 区人社局")
    await coordinator.command("proposal", f"reply {number} A 已解决")
    asked = [m for m in coordinator.everyone if m.chat_id == "11" and m.buttons]
    desk.member.inbox.extend(asked)
    await coordinator.command("removemember", str(await person_id(desk, "11")))
    before = await proposal_row(desk, number)
    told = await count(desk, "desk_outcomes")

    out = await desk.member.press("满意")
    assert out[0].kind == Kind.ANSWER and out[0].alert and "没有找到提案" in (out[0].text or "")
    assert await proposal_row(desk, number) == before
    assert await count(desk, "desk_outcomes") == told
    out = await desk.member.send(callback_id="x", callback_data=f"desk:prate:{number}:basic")
    assert out[0].alert and await proposal_row(desk, number) == before


async def test_a_second_unsatisfied_rating_closes_it_and_the_residents_are_told_so(
    desk: Desk,
) -> None:
    number = await adopted_proposal(desk, [desk.chat("501", "王小明")])
    coordinator = desk.coordinator
    await coordinator.command("proposal", f"accept {number}")
    await coordinator.command("proposal", f"assign {number} 区人社局")
    for reply in ("正在处理", "仍在处理"):
        await coordinator.command("proposal", f"reply {number} B {reply}")
        desk.member.inbox.extend(m for m in coordinator.everyone if m.chat_id == "11")
        await desk.member.press("不满意")
    assert (await proposal_row(desk, number))[:5] == (
        "rated",
        '["区人社局"]',
        2,
        "B",
        "unsatisfied",
    )
    last = [m.text for m in desk.member.everyone if m.chat_id == "501"]
    assert len(last) == 1 and "办理结束" in last[0] and "再次答复" in last[0]
    assert "已要求" not in last[0]


async def test_an_english_reader_sees_no_chinese_comma_between_case_numbers(desk: Desk) -> None:
    alice = desk.chat("601", "Alice", language="en")
    bob = desk.chat("602", "Bob", language="en")
    await alice.command("help")  # an English-speaking resident, known to the bot
    cases = [await desk.case(alice, "Wages unpaid"), await desk.case(alice, "Still unpaid")]
    cases.append(await desk.case(bob, "Wages unpaid too"))
    report = await write_report(desk, cases)
    await desk.member.press("报送")
    english = desk.chat("99", "Zhao", language="en")
    out = await english.command("report", f"show {report}")
    card = out[0].text
    assert f"#{cases[0]}, #{cases[1]}, #{cases[2]}" in card and "、" not in card
    await english.press("Adopt")
    heard = [m.text for m in english.everyone if m.chat_id == "601"]
    assert len(heard) == 1 and f"#{cases[0]}, #{cases[1]}" in heard[0]
    assert not _CJK.search(heard[0])
    out = await english.command(
        "meet", f"new 2026-12-30 10:00 qianying Wages #{cases[0]} #{cases[2]}"
    )
    scheduled = out[0].text.replace("张委员", "")  # a member's name is as written
    assert f"#{cases[0]}, #{cases[2]}" in scheduled and not _CJK.search(scheduled)


async def test_periods_and_numbers_in_other_digits_get_the_usage_and_change_nothing(
    desk: Desk,
) -> None:
    case = await desk.case(desk.chat("501", "王小明"), "老板拖欠工资")
    report = await write_report(desk, [case])
    before = await report_row(desk, report)
    coordinator = desk.coordinator
    for command, args, usage in (
        ("summary", "٢٠٢٦", "/summary 2026"),
        ("summary", "２０２６-１１", "/summary 2026"),
        ("export", "٢٠٢٦-١١", "/export"),
        ("report", "show ١", "/report show"),
        ("report", "file ١", "/report file"),
    ):
        out = await coordinator.command(command, args)
        assert len(out) == 1 and out[0].document is None, (command, args)
        assert "用法" in out[0].text and usage in out[0].text, (command, args)
    assert await report_row(desk, report) == before


async def test_the_summary_counts_the_residents_who_came_not_the_members(desk: Desk) -> None:
    wang, li = desk.chat("501", "王小明"), desk.chat("502", "李大嫂")
    first = await desk.case(wang, "老板拖欠工资")
    second = await desk.case(li, "工地欠薪")
    coordinator = desk.coordinator
    await coordinator.command("meet", f"new 2026-12-03 14:30 qianying 欠薪 #{first} #{second}")
    await coordinator.press("发送邀请")
    invitations = {m.chat_id: m for m in coordinator.everyone if m.buttons}
    assert set(invitations) == {"501", "502", "11"}
    for chat in (wang, desk.member):
        chat.inbox.append(invitations[chat.user_id])
        await chat.press("参加")
    await coordinator.command("meet", "minutes 1 人社局承诺两周内完成核查。")
    out = await coordinator.command("summary", "2026-12")
    assert "召开议事会 1 场，参与群众 1 人次" in out[0].text


async def test_a_member_removed_mid_draft_is_heard_as_the_resident_they_now_are(
    desk: Desk,
) -> None:
    case = await desk.case(desk.chat("501", "王小明"), "老板拖欠工资")
    await desk.member.command("report", f"new {case}")
    assert "请发送<b>标题</b>" in desk.member.last_text()
    await desk.coordinator.command("removemember", str(await person_id(desk, "11")))
    out = await desk.member.text("小区门口的路灯坏了一个月")
    # what they wrote is taken as a concern of their own, as anyone's first words are
    texts = " ".join(m.text for m in out if m.text)
    assert "社情民意信息" not in texts and "没有找到" not in texts
    assert "镇/街道" in texts and any(m.buttons for m in out)
    rows = await desk.db.reader.execute_fetchall("SELECT title FROM desk_reports")
    assert [tuple(r) for r in rows] == [("",)]


async def test_a_refused_press_on_a_report_button_says_why_in_its_answer(desk: Desk) -> None:
    case = await desk.case(desk.chat("501", "王小明"), "老板拖欠工资")
    out = await desk.member.command("report", f"new {case}")
    number = int(desk.member.last_text().split("社情民意信息 ")[1].split("（")[0])
    # 📄 on a draft with no title yet: no file can be made, and the answer says so
    out = await desk.member.send(callback_id="x", callback_data=f"desk:rfile:{number}")
    assert [m.kind for m in out] == [Kind.ANSWER]
    assert out[0].alert and "还没有标题" in (out[0].text or "")
    # 📝 on a case of another tank: refused in the answer, no draft made
    out = await desk.other.send(callback_id="y", callback_data=f"desk:rnew:{case}")
    assert [m.kind for m in out] == [Kind.ANSWER]
    assert out[0].alert and f"#{case}" in (out[0].text or "")
    rows = await desk.db.reader.execute_fetchall("SELECT COUNT(*) FROM desk_reports")
    assert int(next(iter(rows))[0]) == 1


async def test_a_report_the_chat_takes_within_1500_characters_becomes_a_file(desk: Desk) -> None:
    from tests.desk.conftest import documents_in

    case = await desk.case(desk.chat("501", "王小明"), "老板拖欠工资")
    await desk.member.command("report", f"new {case}")
    # 1,400 characters in 200 short paragraphs: blanks and line ends are not counted
    situation = "\n\n".join(["钱营镇务工人员反映。"[:7]] * 200)
    await desk.member.text("关于欠薪问题的建议")
    out = await desk.member.text(situation)
    assert "存在问题" in out[0].text
    await desk.member.text("问题。")
    await desk.member.text("建议。")
    out = await desk.member.press("生成文件")
    (sent,) = documents_in(out)
    assert sent.document is not None and sent.document.filename.endswith(".docx")
    document = Document(io.BytesIO(sent.document.content))
    assert sum(p.text == "钱营镇务工人员" for p in document.paragraphs) == 200


async def test_the_desks_reminders_wait_for_the_end_of_the_quiet_hours(desk: Desk) -> None:
    from datetime import UTC, datetime

    case = await desk.case(desk.chat("501", "王小明"), "老板拖欠工资")
    await desk.coordinator.command("meet", f"new 2026-12-03 14:30 qianying 欠薪 #{case}")
    await desk.coordinator.press("发送邀请")
    fetch = sqlite_fetch(desk.db)
    desk.clock.now = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # 23:00 in Fengnan
    assert await fetch(await desk.service.sweep()) == []
    desk.clock.now = datetime(2026, 12, 3, 0, 0, tzinfo=UTC)  # 08:00, the quiet hours over
    reminded = await fetch(await desk.service.sweep())
    assert {m.chat_id for m in reminded if "明天有议事会" in m.text} == {"501", "11"}


async def test_a_member_with_a_long_name_still_gets_the_reports_file(desk: Desk) -> None:
    from core import roster
    from tests.desk.conftest import documents_in

    name = "欧阳" + "明" * 70  # Telegram allows 64 + 64 characters of first and last name
    async with desk.service.open_unit() as uow:
        await roster.add_member(
            uow, desk.service.district, "telegram", "13", "law", desk.clock(), name=name
        )
        await uow.commit()
    member = desk.chat("13", name)
    case = await desk.case(desk.chat("501", "王小明"), "老板拖欠工资")
    await member.command("report", f"new {case}")
    for text in ("关于欠薪问题的建议", "情况。", "问题。", "建议。"):
        await member.text(text)
    out = await member.press("生成文件")
    (sent,) = documents_in(out)
    assert sent.document is not None
    document = Document(io.BytesIO(sent.document.content))
    assert any("欧阳明明" in p.text for p in document.paragraphs)


async def test_a_title_or_topic_too_long_is_told_its_limit_and_nothing_is_made(desk: Desk) -> None:
    case = await desk.case(desk.chat("501", "王小明"), "老板拖欠工资")
    for chat, command, args, told in (
        (desk.member, "proposal", "new " + "长" * 300 + f" #{case}", "标题有 300 字"),
        (desk.coordinator, "meet", "new 2026-12-03 14:30 qianying " + "长" * 300, "议题有 300 字"),
    ):
        out = await chat.command(command, args)
        assert len(out) == 1 and f"{told}，最多 100 字" in out[0].text
    rows = await desk.db.reader.execute_fetchall(
        "SELECT (SELECT COUNT(*) FROM desk_proposals), (SELECT COUNT(*) FROM desk_consultations)"
    )
    assert [tuple(r) for r in rows] == [(0, 0)]


async def test_a_member_removed_after_the_invitation_neither_answers_nor_is_reminded(
    desk: Desk,
) -> None:
    from datetime import UTC, datetime

    case = await desk.case(desk.chat("501", "王小明"), "老板拖欠工资")
    await desk.coordinator.command("meet", f"new 2026-12-03 14:30 qianying 欠薪 #{case}")
    await desk.coordinator.press("发送邀请")
    invitation = next(m for m in desk.coordinator.everyone if m.chat_id == "11" and m.buttons)
    await desk.coordinator.command("removemember", str(await person_id(desk, "11")))
    desk.member.inbox.append(invitation)
    out = await desk.member.press("参加")
    assert out[0].alert and "不在这场议事会的邀请名单中" in (out[0].text or "")
    rows = await desk.db.reader.execute_fetchall(
        "SELECT COUNT(*) FROM desk_invitations WHERE answer IS NOT NULL"
    )
    assert int(next(iter(rows))[0]) == 0
    desk.clock.now = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
    reminded = await sqlite_fetch(desk.db)(await desk.service.sweep())
    assert {m.chat_id for m in reminded if "明天有议事会" in m.text} == {"501"}


async def test_a_removed_proposer_is_not_asked_to_rate_a_reply(desk: Desk) -> None:
    number = await adopted_proposal(desk, [desk.chat("501", "王小明")])
    coordinator = desk.coordinator
    await coordinator.command("proposal", f"accept {number}")
    await coordinator.command("proposal", f"assign {number} 区人社局")
    await coordinator.command("removemember", str(await person_id(desk, "11")))
    await coordinator.command("proposal", f"reply {number} A 已解决")
    assert [m for m in coordinator.everyone if m.chat_id == "11"] == []
    assert any("已解决" in m.text for m in coordinator.everyone if m.chat_id == "501")


async def test_beyond_the_calendar_the_coordinator_is_refused_and_a_proposer_still_rates(
    desk: Desk,
) -> None:
    from dataclasses import replace
    from datetime import UTC, datetime

    from core.service import Service
    from handlers.office import ChinaWorkingDays
    from tests.support import Chat, sqlite_service

    district = replace(
        desk.service.district,
        calendar=ChinaWorkingDays(desk.service.district.timezone),
        proposal_reply_days=20,
    )
    service: Service = sqlite_service(desk.db, district, desk.service.classifier, desk.clock)
    fetch = sqlite_fetch(desk.db)
    coordinator, member = Chat(service, fetch, "99"), Chat(service, fetch, "11")
    number = await adopted_proposal(desk, [desk.chat("501", "王小明")])
    await coordinator.command("proposal", f"accept {number}")
    before = await proposal_row(desk, number)
    # 20 working days from 2026-12-20 run into 2027, which the calendar does not know yet
    desk.clock.now = datetime(2026, 12, 20, 2, 0, tzinfo=UTC)
    out = await coordinator.command("proposal", f"assign {number} 区人社局")
    assert "超出节假日日历的范围（至 2026-12-31）" in out[0].text
    assert await proposal_row(desk, number) == before
    desk.clock.now = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
    await coordinator.command("proposal", f"assign {number} 区人社局")
    await coordinator.command("proposal", f"reply {number} B 正在处理")
    member.inbox.extend(m for m in coordinator.everyone if m.chat_id == "11")
    # the proposer's 不满意 in late December: recorded and sent back for a second reply; the
    # coordinators hear that its deadline cannot be counted yet, and why
    desk.clock.now = datetime(2026, 12, 20, 2, 0, tzinfo=UTC)
    out = await member.press("不满意")
    assert out[0].kind == Kind.ANSWER and not out[0].alert
    status, _, round_, _, rating, due, _ = await proposal_row(desk, number)
    assert (status, round_, rating, due) == ("assigned", 2, "unsatisfied", None)
    told = [m.text for m in member.everyone if m.chat_id == "99"]
    assert any("再次答复" in t for t in told)
    assert any(f"提案 {number}" in t and "超出节假日日历的范围" in t for t in told)
