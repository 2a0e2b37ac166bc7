"""议事会: scheduled with the invitations the bot proposes, answered 参加 / 不参加, reminded the
day before, the attendance to the organiser (residents by their cases, not their names), a
guest's forwardable invitation, and the minutes that close it, the residents told."""

from __future__ import annotations

from datetime import UTC, datetime

from core.messages import Kind, Outbound
from tests.desk.conftest import Desk
from tests.support import sqlite_fetch

TOPIC = "欠薪问题议事会"


def of(messages: list[Outbound], chat_id: str) -> list[Outbound]:
    return [m for m in messages if m.chat_id == chat_id]


async def scheduled(desk: Desk) -> int:
    wang, li = desk.chat("501", "王小明"), desk.chat("502", "李大嫂")
    first = await desk.case(wang, "老板拖欠工资")
    second = await desk.case(li, "工地欠薪", anonymous=True, phone=None)
    out = await desk.coordinator.command(
        "meet", f"new 2026-12-03 14:30 qianying {TOPIC} #{first} #{second}"
    )
    text = out[0].text
    assert TOPIC in text and "2026-12-03 14:30" in text and "钱营镇" in text
    assert "群众 2 人" in text and "张委员" in text and "李委员" not in text
    assert "王小明" not in text and "李大嫂" not in text
    rows = await desk.db.reader.execute_fetchall("SELECT MAX(id) FROM desk_consultations")
    return int(next(iter(rows))[0])


async def test_invitations_answers_reminder_attendance_and_minutes(desk: Desk) -> None:
    number = await scheduled(desk)
    out = await desk.coordinator.press("发送邀请")
    everyone = desk.coordinator.everyone
    invited = {m.chat_id for m in everyone if TOPIC in m.text}
    assert invited == {"501", "502", "11"}
    assert "3 份邀请" in of(out, "99")[-1].text
    invitation = of(everyone, "501")[0]
    assert [b.text for row in invitation.buttons for b in row] == ["✅ 参加", "不参加"]

    wang, li = desk.chat("501"), desk.chat("502")
    wang.inbox.append(invitation)
    li.inbox.append(of(everyone, "502")[0])
    assert (await wang.press("参加"))[0].text == "已记录：您将参加"
    assert (await li.press("不参加"))[0].text == "已记录：您不参加"
    # pressing again is harmless; sending invitations again invites nobody twice
    await desk.coordinator.command("meet", f"list {number}")
    await desk.coordinator.press("发送邀请")
    assert "0 份邀请" in desk.coordinator.last_text()

    out = await desk.coordinator.command("meet", f"list {number}")
    attendance = out[0].text
    assert "参加：群众（#1）" in attendance and "不参加：群众（#2）" in attendance
    assert "未回复：张委员" in attendance and "王小明" not in attendance

    out = await desk.coordinator.command("meet", f"guest {number} 区人社局劳动监察大队")
    assert TOPIC in out[0].text and "区人社局劳动监察大队" in out[0].text

    # the day before: a reminder to who comes and who has not answered, once
    fetch = sqlite_fetch(desk.db)
    desk.clock.now = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
    reminded = await fetch(await desk.service.sweep())
    assert {m.chat_id for m in reminded if "明天有议事会" in m.text} == {"501", "11"}
    (organiser,) = [m for m in reminded if m.chat_id == "99"]
    assert "参加：群众（#1）" in organiser.text and "区人社局劳动监察大队" in organiser.text
    assert await desk.service.sweep() == []

    await desk.coordinator.command("meet", f"minutes {number} 人社局承诺两周内完成核查。")
    heard = {m.chat_id for m in desk.coordinator.everyone if "召开了议事会" in m.text}
    assert heard == {"501", "502"}
    rows = await desk.db.reader.execute_fetchall(
        "SELECT status, minutes FROM desk_consultations WHERE id = ?", (number,)
    )
    assert [tuple(r) for r in rows] == [("held", "人社局承诺两周内完成核查。")]
    # once held, an answer is refused
    out = await wang.press("不参加")
    assert out[0].alert and "已结束" in out[0].text


async def test_bad_input_and_people_not_invited_change_nothing(desk: Desk) -> None:
    number = await scheduled(desk)
    for args in (
        "new 2026-11-01 14:30 qianying 过去的会 ",
        "new 2026-12-03 14:30 nowhere 议题",
        "new 2026-12-03 25:30 qianying 议题",
        "new 2026-12-03 14:30 qianying",
        "new 2026-12-03 14:30 qianying " + "长" * 200,
        "new 2026-12-03 14:30 qianying 议题 #999",
        f"minutes {number} " + "长" * 5000,
        f"guest {number} " + "长" * 100,
        "list 999",
        "list abc",
    ):
        await desk.coordinator.command("meet", args)
    rows = await desk.db.reader.execute_fetchall(
        "SELECT COUNT(*), MAX(status), MAX(length(minutes)) FROM desk_consultations"
    )
    assert tuple(next(iter(rows))) == (1, "scheduled", 0)
    # a stranger forging an answer, and a member forging the send, are refused
    stranger = desk.chat("777")
    out = await stranger.send(callback_id="x", callback_data=f"desk:mrsvp:{number}:yes")
    assert out[0].kind == Kind.ANSWER and "不在这场议事会的邀请名单" in out[0].text
    out = await desk.member.send(callback_id="x", callback_data=f"desk:msend:{number}")
    assert out[0].alert
    out = await desk.member.command("meet", f"list {number}")
    assert "不是您能用的命令" in out[0].text
    rows = await desk.db.reader.execute_fetchall("SELECT COUNT(*) FROM desk_invitations")
    assert next(iter(rows))[0] == 0


async def test_the_outcome_is_linked_to_a_report_or_a_proposal_that_exists(desk: Desk) -> None:
    number = await scheduled(desk)
    await desk.member.command("proposal", "new 关于根治欠薪的提案 #1")
    out = await desk.coordinator.command("meet", f"link {number} proposal 1")
    assert "关联提案 1" in out[0].text
    for args in (f"link {number} proposal 9", f"link {number} report 9", f"link {number} case 1"):
        await desk.coordinator.command("meet", args)
    rows = await desk.db.reader.execute_fetchall(
        "SELECT report_id, proposal_id FROM desk_consultations WHERE id = ?", (number,)
    )
    assert [tuple(r) for r in rows] == [(None, 1)]
