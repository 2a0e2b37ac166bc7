"""Texts longer than one Telegram message reach their readers over the wire, at real sizes (issue
#9): /case on a long conversation, /members at 170 members, a daily digest of hundreds of cases,
/overdue in English, and the assignment notices that carry the case card. The fake Bot API
refuses what Telegram refuses (over 4,096 UTF-16 units of shown text), so a test passes only if
every part was accepted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.cases import lifecycle
from core.models import Case, CaseEvent, CaseStatus, Person
from tests.e2e.conftest import RunningBot
from tests.e2e.test_intake_e2e import file_concern
from tests.fakes import FakeUser

STATIONS = ("qianying", "huanggezhuang", "daodi", "xugezhuang", "fengnan")
WORDS = "路灯坏了两个月，晚上老人孩子出门很危险 <请尽快> & 😀 " * 4  # 124 characters, with HTML
SAID = WORDS * 2  # what one side says: a timeline shows its first 200 characters


def refused(bot: RunningBot) -> list[str]:
    """What the fake Bot API refused: the descriptions of its 400 answers to sends and edits."""
    return [
        f"{call.method}: {call.params.get('text', '')[:60]}"
        for call in bot.server.calls()
        if call.status == 400 and call.method in ("sendMessage", "editMessageText")
    ]


async def parts(user: FakeUser, first: str, last: str, within: float = 30) -> list[str]:
    """The texts of the user's messages from the next one containing first through the one
    containing last (which may be the same message)."""
    start = await user.wait_text(first, within)
    end = await user.wait_for(
        lambda m: m.message_id >= start.message_id and last in (m.text or ""),
        within,
        include_consumed=True,
        what=repr(last),
    )
    return [
        m.text or ""
        for m in user.chat.messages
        if start.message_id <= m.message_id <= end.message_id
    ]


async def person(bot: RunningBot, user: FakeUser) -> Person:
    """The person the bot knows for a fake user."""
    found = await bot.person(user.id)
    assert found is not None
    return found


async def add_cases(
    bot: RunningBot, count: int, resident: Person, tank: str, holder: Person | None, text: str
) -> list[int]:
    """count open cases of the tank filed by resident a day ago, claimed by holder if given."""
    now = bot.clock()
    deadlines = bot.district.deadlines(tank)
    numbers = []
    async with bot.service.open_unit() as uow:
        for i in range(count):
            filed = now - timedelta(days=1, minutes=count - i)
            case = Case(0, resident.id, f"{i} {text}", filed, filed, CaseStatus.OPEN, tank=tank)
            case.station = STATIONS[i % len(STATIONS)]
            lifecycle.set_due(case, "claim", filed, deadlines.claim)
            case = await uow.cases.add(case)
            if holder is not None:
                await uow.events.add(lifecycle.claim(case, holder, filed, deadlines))
                await uow.cases.update(case)
            numbers.append(case.id)
        await uow.commit()
    return numbers


async def add_conversation(bot: RunningBot, case_id: int, count: int, member: Person) -> None:
    """count messages to and fro on the case, each of 250 characters."""
    now = bot.clock()
    async with bot.service.open_unit() as uow:
        case = await uow.cases.get(case_id)
        assert case is not None
        for i in range(count):
            side, actor = ("member", member.id) if i % 2 else ("resident", case.resident_id)
            at = now - timedelta(seconds=count - i)
            data = {"side": side, "text": f"第{i + 1}条 {SAID}"}
            await uow.events.add(CaseEvent(case_id, "message", at, actor, data))
        await uow.commit()


async def test_case_with_a_20000_message_conversation_arrives_in_parts(bot: RunningBot) -> None:
    lawyer = await bot.add_member(601, "law", "张律师")
    resident = bot.server.user(1101, "王小明")
    await file_concern(resident)
    await lawyer.wait_text("新案件 #1")
    await lawyer.press("✋ 认领")
    await lawyer.wait_text("办理记录")
    await add_conversation(bot, 1, 20_000, await person(bot, lawyer))

    await lawyer.send_command("/case", "1")
    texts = await parts(lawyer, "案件 #1", "第20000条")
    assert refused(bot) == []
    assert len(texts) >= 2 and "第20000条" in texts[-1]
    assert "较早的 19977 条记录未显示" in texts[0]  # filed, claimed and the first 19,975 messages
    await resident.send_command("/case", "1")
    await resident.wait_text("第20000条", timeout=30)
    assert refused(bot) == []


async def test_members_at_170_members_arrive_in_parts(bot: RunningBot) -> None:
    (coordinator,) = await bot.make_coordinators((700, "赵协调"))
    tanks = ("law", "economy", "agriculture")
    for i in range(170):
        name = f"政协委员{i:03d}号（{STATIONS[i % 5]}）"
        await bot.add_member(2000 + i, tanks[i % 3], name, STATIONS[i % 5])
    await bot.drain(30)

    await coordinator.send_command("/members")
    texts = await parts(coordinator, "委员名单", "政协委员167号")  # the last agriculture member
    assert refused(bot) == []
    assert len(texts) >= 2
    shown = "\n".join(texts)
    assert all(f"政协委员{i:03d}号" in shown for i in range(170))


async def test_a_daily_digest_of_hundreds_of_cases_is_delivered_before_it_counts_as_sent(
    bot: RunningBot,
) -> None:
    lawyer = await bot.add_member(601, "law", "张律师")
    resident = bot.server.user(1101, "王小明")
    await file_concern(resident)
    member, filer = await person(bot, lawyer), await person(bot, resident)
    await add_cases(bot, 200, filer, "law", member, WORDS)
    await add_cases(bot, 200, filer, "law", None, WORDS)
    bot.clock.now = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai

    sender = bot.channel.sender
    assert sender is not None
    sender.submit(await bot.service.daily_digest())
    texts = await parts(lawyer, "今日待办", "#31 · 法律")  # the 30th case held
    await bot.drain()
    assert refused(bot) == []
    assert len(texts) >= 2 and texts[0].startswith("☀️")
    sent = await bot.rows("SELECT kind, period, person_id FROM digests_sent")
    assert sent == [("daily", "2026-11-26", member.id)]
    assert await bot.rows("SELECT count(*) FROM outbox WHERE status = 'failed'") == [(0,)]


async def test_overdue_in_english_with_long_rows_arrives_in_parts(bot: RunningBot) -> None:
    bot.server.user(700, "Zhao", language_code="en")
    (coordinator,) = await bot.make_coordinators((700, "Zhao"))
    holder_name = "Alexandra Konstantinopoulou-Smith of the Agricultural Cooperative"
    farmer = await bot.add_member(603, "agriculture", holder_name, language_code="en")
    resident = bot.server.user(1101, "王小明")
    await file_concern(resident)
    member, filer = await person(bot, farmer), await person(bot, resident)
    text = "The irrigation channel behind the primary school has been blocked since spring"
    await add_cases(bot, 40, filer, "agriculture", member, text)
    bot.clock.advance(days=5)

    await coordinator.send_command("/overdue")
    texts = await parts(coordinator, "Overdue cases", "28 The irrigation")  # the 30th row
    assert refused(bot) == []
    assert len(texts) >= 2
    assert "\n".join(texts).count(holder_name) == 29  # after #1, a law case due earlier


async def test_assignment_and_auto_assignment_notices_carry_the_long_case_card(
    bot: RunningBot,
) -> None:
    lawyer = await bot.add_member(601, "law", "张律师")
    (coordinator,) = await bot.make_coordinators((700, "赵协调"))
    resident = bot.server.user(1101, "王小明")
    await file_concern(resident)
    await file_concern(resident, "又一件：老板拖欠工资半年了")
    member = await person(bot, lawyer)
    for case_id in (1, 2):
        await add_conversation(bot, case_id, 60, member)

    await coordinator.send_command("/assign", f"1 {member.id}")
    texts = await parts(lawyer, "协调员将案件 #1 分派给您", "第60条")
    assert refused(bot) == [] and len(texts) >= 2
    assert lawyer.chat.messages[-1].button_texts()[:2] == ["💬 回复", "❓ 询问居民"]

    bot.clock.advance(hours=25)  # past the claim deadline of case #2
    sender = bot.channel.sender
    assert sender is not None
    sender.submit(await bot.service.sweep())
    texts = await parts(lawyer, "案件 #2 超过认领期限无人认领", "第60条")
    assert refused(bot) == [] and len(texts) >= 2
    assert lawyer.chat.messages[-1].button_texts()[:2] == ["💬 回复", "❓ 询问居民"]
