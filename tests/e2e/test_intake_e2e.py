"""A resident's concern over the wire: /start to #1, across a restart, and under redelivery."""

from __future__ import annotations

import asyncio

from tests.e2e.conftest import RunningBot, answer_of, barrier
from tests.fakes import FakeUser, SentMessage

CONCERN = "老板拖欠工资三个月了，怎么办"
PHONE = "13800138000"


async def file_until_station(resident: FakeUser, text: str = CONCERN) -> SentMessage:
    """/start, the concern, and the station question; returns the station question."""
    await resident.send_command("/start")
    await resident.wait_text("民情直通车")
    await resident.send_text(text)
    return await resident.wait_text("哪个镇")


async def file_concern(resident: FakeUser, text: str = CONCERN) -> SentMessage:
    """The whole intake in Chinese, up to the acknowledgement; returns it."""
    await file_until_station(resident, text)
    await resident.press("钱营镇")
    await resident.wait_text("联系电话")
    await resident.send_contact(PHONE, own=True)
    await card_after_similar(resident)
    await resident.press("✅ 确认提交")
    return await resident.wait_text("已受理")


async def card_after_similar(resident: FakeUser) -> SentMessage:
    """The confirmation card; when open cases like the concern are offered first (another
    resident filed the same one), the resident goes on with a new case."""
    first = await resident.wait_for(
        lambda m: "请确认您的反映" in (m.text or "") or "您的邻居也反映过" in (m.text or ""),
        what="the card, or similar open cases before it",
    )
    if "您的邻居也反映过" not in (first.text or ""):
        return first
    await resident.press("继续提交新的反映")
    return await resident.wait_text("请确认您的反映")


def buttons(message: SentMessage) -> list[str]:
    """The labels of a message's inline buttons."""
    return message.button_texts()


async def test_resident_files_a_concern_and_the_law_tank_is_told(bot: RunningBot) -> None:
    lawyer = await bot.add_member(501, "law", "张律师")
    resident = bot.server.user(1001, "王小明", last_name="王", language_code="zh-hans")

    await resident.send_command("/start")
    greeting = await resident.next_message()
    assert "民情直通车" in (greeting.text or "")
    assert "王小明" in (greeting.text or "")

    await resident.send_text(CONCERN)
    station = await resident.next_message()
    assert "哪个镇" in (station.text or "")
    assert "钱营镇" in buttons(station) and "跳过" in buttons(station)

    assert (await answer_of(resident, await resident.press("钱营镇"))).text == "钱营镇"
    contact = await resident.next_message()
    keyboard = (contact.reply_markup or {}).get("keyboard")
    assert keyboard is not None, contact.reply_markup
    assert keyboard[0][0]["request_contact"] is True

    await resident.send_contact(PHONE, own=True)
    noted = await resident.next_message()
    assert noted.reply_markup == {"remove_keyboard": True}
    card = await resident.next_message()
    card_text = card.text or ""
    assert "请确认您的反映" in card_text
    assert CONCERN in card_text and "钱营镇" in card_text and PHONE in card_text
    assert "法律" in card_text and "工资" in card_text  # the tank and the deciding keyword
    assert buttons(card) == ["✅ 确认提交", "🔀 更改类别", "✖️ 取消"]

    assert (await answer_of(resident, await resident.press("✅ 确认提交"))).text == "已提交"
    ack = await resident.next_message()
    assert "已受理" in (ack.text or "") and "#1" in (ack.text or "")
    assert "法律" in (ack.text or "")

    notice = await lawyer.wait_text("新案件 #1")
    notice_text = notice.text or ""
    assert buttons(notice) == ["✋ 认领", "🔀 转交", "📄 详情"]
    assert CONCERN in notice_text and "钱营镇" in notice_text
    assert PHONE not in notice_text and "王小明" not in notice_text
    assert notice.reply_markup and "case:claim:1" in str(notice.reply_markup)

    rows = await bot.rows("SELECT id, status, tank, station, contact_phone FROM cases")
    assert rows == [(1, "open", "law", "qianying", PHONE)]


async def test_an_english_resident_gets_english_texts(bot: RunningBot) -> None:
    lawyer = await bot.add_member(502, "law", "Lawyer Li")
    ann = bot.server.user(1002, "Ann", language_code="en")

    await ann.send_command("/start")
    assert "This is" in ((await ann.next_message()).text or "")
    await ann.send_text("My boss has not paid my 工资 for three months")
    station = await ann.next_message()
    assert "Which town" in (station.text or "")
    assert "Qianying" in buttons(station) and "Skip" in buttons(station)
    await ann.press("Skip")
    contact = await ann.next_message()
    assert "phone number" in (contact.text or "")
    labels = [b["text"] for row in (contact.reply_markup or {})["keyboard"] for b in row]
    assert labels == ["📱 Share my phone number", "No phone", "Stay anonymous"]
    await ann.send_text("Stay anonymous")
    await ann.wait_text("All right.")
    card = await ann.next_message()
    assert "Please check your concern" in (card.text or "")
    assert "Law" in (card.text or "") and "anonymous" in (card.text or "")
    assert buttons(card) == ["✅ Confirm", "🔀 Change field", "✖️ Cancel"]
    await ann.press("✅ Confirm")
    ack = await ann.next_message()
    assert "your concern is number #1" in (ack.text or "")
    # The member's Telegram is Chinese: the notice is in the member's language, not Ann's.
    notice = await lawyer.wait_text("新案件 #1")
    assert "Ann" not in (notice.text or "")


async def test_a_restart_mid_conversation_keeps_the_draft(bot: RunningBot) -> None:
    await bot.add_member(503, "law", "张律师")
    resident = bot.server.user(1003, "李四")
    await file_until_station(resident)
    await resident.press("稻地镇")
    await resident.wait_text("联系电话")

    await bot.restart()

    await resident.send_contact(PHONE, own=True)
    card = await resident.wait_text("请确认您的反映")
    assert CONCERN in (card.text or "") and "稻地镇" in (card.text or "")
    await resident.press("✅ 确认提交")
    ack = await resident.wait_text("已受理")
    assert "#1" in (ack.text or "")
    assert await bot.rows("SELECT id, station FROM cases") == [(1, "daodi")]


async def test_a_restart_right_after_the_station_question_keeps_the_buttons_working(
    bot: RunningBot,
) -> None:
    resident = bot.server.user(1004, "李四")
    await file_until_station(resident)

    await bot.restart()

    await resident.press("钱营镇")  # a button of the first process, pressed in the second
    await resident.wait_text("联系电话")
    await resident.send_text("不留电话")
    await resident.wait_text("请确认您的反映")
    await resident.press("✅ 确认提交")
    assert "#1" in ((await resident.wait_text("已受理")).text or "")


async def test_a_redelivered_confirm_press_creates_no_second_case(bot: RunningBot) -> None:
    lawyer = await bot.add_member(504, "law", "张律师")
    resident = bot.server.user(1005, "赵六")
    await file_until_station(resident)
    await resident.press("钱营镇")
    await resident.wait_text("联系电话")
    await resident.send_contact(PHONE, own=True)
    await resident.wait_text("请确认您的反映")
    confirm = await resident.press("✅ 确认提交")
    await resident.wait_text("已受理")
    await lawyer.wait_text("新案件 #1")
    sent_before = len(bot.server.sent_messages())
    answers_before = len(bot.server.calls("answerCallbackQuery"))

    bot.server.redeliver(confirm["update_id"])
    await barrier(resident)
    await barrier(lawyer)

    assert await bot.rows("SELECT id FROM cases") == [(1,)]
    # Only the two /help answers are new; no second acknowledgement, notice or answer.
    assert len(bot.server.sent_messages()) == sent_before + 2
    assert len(bot.server.calls("answerCallbackQuery")) == answers_before
    assert sum("已受理" in (m.text or "") for m in resident.messages) == 1
    assert sum("新案件" in (m.text or "") for m in lawyer.messages) == 1


async def test_a_redelivered_text_is_handled_once(bot: RunningBot) -> None:
    resident = bot.server.user(1006, "孙七")
    await resident.send_command("/start")
    await resident.wait_text("民情直通车")
    update = await resident.send_text(CONCERN)
    await resident.wait_text("哪个镇")
    sent_before = len(resident.messages)

    bot.server.redeliver(update["update_id"])
    await barrier(resident)

    assert len(resident.messages) == sent_before + 1  # the /help answer only
    rows = await bot.rows("SELECT state FROM dialogs")
    assert rows == [("intake.station",)]
    # The draft holds the concern once, not twice.
    await resident.press("跳过")
    await resident.wait_text("联系电话")
    await resident.send_text("不留电话")
    card = await resident.wait_text("请确认您的反映")
    assert (card.text or "").count("老板拖欠工资") == 1


async def test_redelivery_across_a_restart_is_still_a_no_op(bot: RunningBot) -> None:
    resident = bot.server.user(1007, "周八")
    await file_until_station(resident)
    await resident.press("钱营镇")
    await resident.wait_text("联系电话")
    await resident.send_text("不留电话")
    await resident.wait_text("请确认您的反映")
    confirm = await resident.press("✅ 确认提交")
    await resident.wait_text("已受理")

    await bot.restart()
    bot.server.redeliver(confirm["update_id"])
    await barrier(resident)

    assert await bot.rows("SELECT id FROM cases") == [(1,)]
    assert sum("已受理" in (m.text or "") for m in resident.messages) == 1


async def test_a_double_tap_on_confirm_files_one_case_and_answers_both(bot: RunningBot) -> None:
    resident = bot.server.user(1008, "吴九")
    await file_until_station(resident)
    await resident.press("跳过")
    await resident.wait_text("联系电话")
    await resident.send_text("不留电话")
    card = await resident.wait_text("请确认您的反映")
    first, second = await asyncio.gather(
        resident.press("✅ 确认提交", card), resident.press("✅ 确认提交", card)
    )
    answers = [await answer_of(resident, first), await answer_of(resident, second)]
    assert sorted(a.text or "" for a in answers) == ["已提交", "该按钮已失效。"]
    await barrier(resident)
    assert await bot.rows("SELECT id FROM cases") == [(1,)]
    assert sum("已受理" in (m.text or "") for m in resident.messages) == 1
    assert not bot.server.state.open_queries  # every press was answered, once


async def test_someone_elses_contact_is_refused_and_their_own_taken(bot: RunningBot) -> None:
    resident = bot.server.user(1009, "郑十")
    await file_until_station(resident)
    await resident.press("跳过")
    await resident.wait_text("联系电话")
    await resident.send_contact("13900000000", own=False)
    assert "本人的手机号" in ((await resident.next_message()).text or "")
    await resident.send_contact(PHONE, own=True)
    card = await resident.wait_text("请确认您的反映")
    assert PHONE in (card.text or "") and "13900000000" not in (card.text or "")
