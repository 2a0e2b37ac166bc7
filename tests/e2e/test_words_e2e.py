"""Words never lost or misplaced, over the wire: a button's label typed at a button step, an answer
typed without reply-to, a shared location, a closed case's buttons, and the holder's /case and
/mine with their buttons."""

from __future__ import annotations

from tests.e2e.conftest import RunningBot, answer_of
from tests.e2e.test_intake_e2e import CONCERN, file_concern, file_until_station
from tests.fakes import FakeUser, SentMessage


async def claimed(bot: RunningBot, resident: FakeUser) -> tuple[FakeUser, SentMessage]:
    """The resident's concern filed and claimed by a law member; returns them and the claim card."""
    lawyer = await bot.add_member(2101, "law", "张律师")
    await file_concern(resident)
    await lawyer.wait_text("新案件 #1")
    await lawyer.press("✋ 认领")
    card = await lawyer.wait_text("案件 #1")
    return lawyer, card


async def test_typed_labels_press_the_buttons_and_reach_no_member(bot: RunningBot) -> None:
    lawyer = await bot.add_member(2001, "law", "张律师")
    resident = bot.server.user(2002, "王小明")
    await file_until_station(resident)
    await resident.send_text("跳过")
    await resident.wait_text("联系电话")
    await resident.send_text("不留电话")
    await resident.wait_text("请确认您的反映")
    await resident.send_text("好的")
    assert "确认提交" in ((await resident.wait_text("确认提交")).text or "")
    await resident.send_text("确认")
    await resident.wait_text("已受理")
    notice = await lawyer.wait_text("新案件 #1")
    assert CONCERN in (notice.text or "")
    assert not {"跳过", "不留电话", "好的", "确认"} & set((notice.text or "").split("\n"))
    assert await bot.rows("SELECT text FROM cases") == [(CONCERN,)]


async def test_an_answer_typed_without_reply_to_reaches_the_member(bot: RunningBot) -> None:
    resident = bot.server.user(2102, "王小明")
    lawyer, _ = await claimed(bot, resident)
    await lawyer.press("❓ 询问居民")
    await lawyer.wait_text("请输入要询问居民的问题")
    await lawyer.send_text("是哪家公司拖欠的？")
    await resident.wait_text("是哪家公司拖欠的")
    await resident.send_text("丰南某建筑公司")
    told = await resident.wait_text("答复")
    assert "#1" in (told.text or "") and any("新问题" in b for b in told.button_texts())
    answer = await lawyer.wait_text("丰南某建筑公司")
    assert "#1" in (answer.text or "")
    assert await bot.rows("SELECT count(*), max(waiting_since) FROM cases") == [(1, None)]


async def test_a_shared_location_reaches_the_holder_as_a_pin(bot: RunningBot) -> None:
    lawyer = await bot.add_member(2201, "law", "张律师")
    (coordinator,) = await bot.make_coordinators((2203, "赵协调"))
    resident = bot.server.user(2202, "王小明")
    await file_until_station(resident)
    await resident.send_location(39.51234, 118.10987)
    await resident.wait_text("位置已记录")
    await resident.press("跳过")
    await resident.wait_text("联系电话")
    await resident.send_text("不留电话")
    await resident.wait_text("请确认您的反映")
    await resident.press("✅ 确认提交")
    await lawyer.wait_text("新案件 #1")
    await lawyer.press("✋ 认领")
    pin = await lawyer.wait_for(lambda m: m.kind == "location", what="a map pin")
    assert pin.location == {"latitude": 39.51234, "longitude": 118.10987}
    card = await lawyer.wait_text("案件 #1")
    assert "39.51234" in (card.text or "")
    await coordinator.send_command("/case", "1")
    assert "118.10987" in ((await coordinator.wait_text("案件 #1")).text or "")


async def test_a_closed_cases_buttons_go_and_old_presses_are_refused(bot: RunningBot) -> None:
    resident = bot.server.user(2302, "王小明")
    lawyer, card = await claimed(bot, resident)
    await lawyer.send_command("/resolve", "1 已追回")
    await resident.wait_text("已办结")
    await resident.press("😊 满意")
    await resident.wait_text("感谢您的评价")
    await lawyer.wait_for(
        lambda m: m.message_id == card.message_id and not m.buttons(),
        include_consumed=True,
        what="the claim card without buttons",
    )
    refusal = await answer_of(lawyer, await lawyer.forge_callback("case:resolve:1", card))
    assert refusal.show_alert and "已办结" in (refusal.text or "")


async def test_the_holder_opens_cases_from_mine_and_acts_from_case(bot: RunningBot) -> None:
    resident = bot.server.user(2402, "王小明")
    lawyer, card = await claimed(bot, resident)
    await lawyer.send_command("/case", "1")
    view = await lawyer.wait_text("案件 #1")
    # the claim card's actions, then the desk's: a report from the case
    assert view.button_texts() == [*card.button_texts(), "📝 据此写社情民意"]
    assert "✅ 办结" in view.button_texts()
    await lawyer.send_command("/mine")
    mine = await lawyer.wait_text("我办理的案件")
    assert any("#1" in label for label in mine.button_texts())
    await lawyer.press(next(b for b in mine.button_texts() if "#1" in b), mine)
    opened = await lawyer.wait_text("案件 #1")
    assert "✅ 办结" in opened.button_texts()
    await lawyer.press("✅ 办结", opened)
    await lawyer.wait_text("请写下 #1 的办理结果")
