"""A resident's words go where they meant them: the comment after a rating, text at a step that
expects a button, and an answer to a member's question typed without Telegram's reply-to."""

from __future__ import annotations

from core.messages import Kind
from core.models import CaseStatus
from core.service import Service
from tests.core.memory import MemoryState
from tests.core.test_casework import staff, to
from tests.core.test_intake import file_concern
from tests.support import Chat, Clock, Fetch

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


async def test_a_comment_right_after_rating_reaches_the_member(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    await rated(service, fetch, resident)
    prompt = resident.inbox[-1]
    assert "补充意见" in prompt.text and [b.text for b in prompt.buttons[0]] == ["跳过"]
    out = await resident.text("委员很耐心，谢谢")
    assert comments(state) == ["委员很耐心，谢谢"]
    assert any("委员很耐心" in m.text for m in to("11", resident.everyone))
    assert "已转达" in out[0].text and out[0].buttons  # a way to file it as a new concern
    assert ("telegram", "501") not in state.dialogs


async def test_the_comment_prompt_ends_with_a_command_and_a_new_concern_is_a_new_case(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    await rated(service, fetch, resident)
    await resident.command("my")
    await resident.text(NEW_CONCERN)
    assert comments(state) == []
    assert state.dialogs[("telegram", "501")].state == "intake.station"
    assert "哪个镇" in resident.last_text()


async def test_the_comment_prompt_offers_skip(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    await rated(service, fetch, resident)
    await resident.press("跳过")
    assert ("telegram", "501") not in state.dialogs
    await resident.text(NEW_CONCERN)
    assert comments(state) == [] and "哪个镇" in resident.last_text()


async def test_the_comment_prompt_ends_with_any_other_button(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    await rated(service, fetch, resident)
    refused = await resident.press("基本满意")
    assert refused[0].kind == Kind.ANSWER and refused[0].alert
    await resident.text(NEW_CONCERN)
    assert comments(state) == [] and "哪个镇" in resident.last_text()


async def test_a_concern_long_after_the_prompt_is_a_new_case(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch, clock: Clock
) -> None:
    await rated(service, fetch, resident)
    clock.advance(hours=3)
    await resident.text(NEW_CONCERN)
    assert comments(state) == [] and "哪个镇" in resident.last_text()


async def test_a_comment_can_be_filed_as_a_new_concern_instead(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    await rated(service, fetch, resident)
    await resident.text(NEW_CONCERN)
    await resident.press("作为新问题反映")
    draft = state.dialogs[("telegram", "501")]
    assert draft.state == "intake.station" and draft.data["text"] == NEW_CONCERN
    await resident.press("跳过")
    await resident.text("不留电话")
    await resident.press("确认提交")
    assert state.cases[2].text == NEW_CONCERN and state.cases[2].status == CaseStatus.OPEN


# 2. Text at a step that expects a button


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
    for number in range(1, cases + 1):  # filed first: once a question is open, text answers it
        await file_concern(resident, f"{CONCERN}（第{number}家公司）")
        zhang.inbox.append(to("11", resident.everyone)[0])
        await zhang.press("认领")
    for number in range(1, cases + 1):
        await zhang.command("case", str(number))
        await zhang.press("询问居民")
        await zhang.text(f"第{number}家是哪家公司？")
    return zhang


async def test_plain_text_answers_the_one_open_question(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    await asked(service, fetch, resident)
    out = await resident.text("是丰南某建筑公司")
    assert resident_messages(state, 1) == ["是丰南某建筑公司"]
    assert any("丰南某建筑公司" in m.text for m in to("11", resident.everyone))
    assert "#1" in out[-1].text and "答复" in out[-1].text
    assert any("新问题" in b.text for row in out[-1].buttons for b in row)
    assert state.cases[1].waiting_since is None and len(state.cases) == 1
    assert ("telegram", "501") not in state.dialogs


async def test_the_answer_can_be_filed_as_a_new_concern_instead(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang = await asked(service, fetch, resident)
    await resident.text(NEW_CONCERN)
    await resident.press("作为新问题反映")
    draft = state.dialogs[("telegram", "501")]
    assert draft.state == "intake.station" and draft.data["text"] == NEW_CONCERN
    assert any("新问题" in m.text for m in to("11", resident.everyone))
    assert state.cases[1].waiting_since is not None  # the member's question is open again
    assert "新问题" in (await zhang.command("case", "1"))[0].text


async def test_with_several_open_questions_the_resident_picks_the_case(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    await asked(service, fetch, resident, cases=2)
    out = await resident.text("是丰南某建筑公司")
    labels = [b.text for row in out[-1].buttons for b in row]
    assert any("#1" in label for label in labels) and any("#2" in label for label in labels)
    assert resident_messages(state, 1) == resident_messages(state, 2) == []
    await resident.press("#2")
    assert resident_messages(state, 2) == ["是丰南某建筑公司"]
    assert resident_messages(state, 1) == [] and len(state.cases) == 2
    assert ("telegram", "501") not in state.dialogs


async def test_without_an_open_question_text_is_a_new_concern(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang, _, _, _ = await staff(service, fetch)
    await file_concern(resident, CONCERN)
    zhang.inbox.append(to("11", resident.everyone)[0])
    await zhang.press("认领")
    await zhang.command("reply", "1 我们正在处理")
    await resident.text(NEW_CONCERN)
    assert resident_messages(state, 1) == [] and "哪个镇" in resident.last_text()
    assert not any(m.kind == Kind.SEND and m.chat_id == "11" for m in resident.everyone)
