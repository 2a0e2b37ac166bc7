"""A resident's words go where they meant them: the comment after a rating, text at a step that
expects a button, and an answer to a member's question typed without Telegram's reply-to."""

from __future__ import annotations

from core.service import Service
from tests.core.memory import MemoryState
from tests.core.test_casework import staff, to
from tests.core.test_intake import file_concern
from tests.support import Chat, Fetch

CONCERN = "老板拖欠工资三个月了"
NEW_CONCERN = "村里的大棚被风刮坏了，补贴一直没有发下来"


def comments(state: MemoryState) -> list[str]:
    return [str(e.data["text"]) for e in state.events if e.kind == "comment"]


def resident_messages(state: MemoryState, case_id: int) -> list[str]:
    return [
        str(e.data["text"])
        for e in state.events
        if e.case_id == case_id and e.kind == "message" and e.data.get("side") == "resident"
    ]


async def rated(service: Service, fetch: Fetch, resident: Chat, rating: str = "满意") -> Chat:
    """A case filed, claimed, resolved and rated; returns the member who held it."""
    zhang, _, _, _ = await staff(service, fetch)
    await file_concern(resident, CONCERN)
    zhang.inbox.append(to("11", resident.everyone)[0])
    await zhang.press("认领")
    await zhang.command("resolve", "1 已追回")
    resident.inbox.extend(to("501", zhang.everyone))
    await resident.press(rating)
    return zhang


# 1. The comment prompt after a rating


async def test_typing_a_buttons_label_presses_it_and_adds_nothing(
    state: MemoryState, resident: Chat
) -> None:
    await resident.text(CONCERN)
    await resident.text("跳过")
    assert "联系电话" in resident.last_text()
    await resident.text("不留电话")
    await resident.text("更改类别")
    await resident.text("经济")
    assert "经济" in resident.last_text()
    await resident.text("确认")
    case = state.cases[1]
    assert case.text == CONCERN and case.tank == "economy" and case.station is None


async def test_typing_confirm_in_full_submits(state: MemoryState, resident: Chat) -> None:
    await resident.text(CONCERN)
    await resident.press("稻地镇")
    await resident.text("不留电话")
    await resident.text("✅ 确认提交")
    assert state.cases[1].text == CONCERN


async def test_english_labels_work_for_english_residents(
    service: Service, state: MemoryState, fetch: Fetch
) -> None:
    ann = Chat(service, fetch, "601", name="Ann", language="en-GB")
    await ann.text("My boss has not paid my 工资 for three months")
    await ann.text("Skip")
    await ann.text("No phone")
    await ann.text("confirm")
    assert state.cases[1].text == "My boss has not paid my 工资 for three months"


async def test_other_short_text_at_a_button_step_is_answered_not_added(
    state: MemoryState, resident: Chat
) -> None:
    await resident.text(CONCERN)
    out = await resident.text("好的")
    assert "镇" in out[0].text and "跳过" in out[0].text
    await resident.press("跳过")
    out = await resident.text("嗯")
    assert "电话" in out[0].text
    await resident.text("不留电话")
    out = await resident.text("好的")
    assert "确认提交" in out[0].text
    await resident.press("更改类别")
    out = await resident.text("13900000000")
    assert "领域" in out[0].text
    await resident.press("法律")
    await resident.press("确认提交")
    assert state.cases[1].text == CONCERN


async def test_more_words_at_the_card_are_added_and_shown(
    state: MemoryState, resident: Chat
) -> None:
    await resident.text(CONCERN)
    await resident.press("跳过")
    await resident.text("不留电话")
    out = await resident.text("公司在稻地镇工业园，一共十几个人")
    assert "工业园" in out[-1].text and "确认提交" in out[-1].text
    await resident.press("确认提交")
    assert state.cases[1].text == CONCERN + "\n公司在稻地镇工业园，一共十几个人"


# 3. An answer to a member's question, typed without reply-to


async def asked(service: Service, fetch: Fetch, resident: Chat, cases: int = 1) -> Chat:
    """cases concerns filed and claimed by 张律师, who asks the resident about each."""
    zhang, _, _, _ = await staff(service, fetch)
    for number in range(1, cases + 1):
        await file_concern(resident, f"{CONCERN}（第{number}家公司）")
        zhang.inbox.append(to("11", resident.everyone)[0])
        await zhang.press("认领")
        await zhang.press("询问居民")
        await zhang.text(f"第{number}家是哪家公司？")
    return zhang
