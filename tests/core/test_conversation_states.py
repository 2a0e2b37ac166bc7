"""Conversation states are typed: a step this version does not have, or what a step holds in a
shape it cannot read, is answered with a clear word and a fresh start, never an error; stored
shapes of older versions are read as they were meant."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core import states
from core.models import DialogState, KeywordHit
from core.states import CommentPrompt, Draft, Message, Step
from tests.core.memory import MemoryState
from tests.support import Chat

LOST = "无法继续"
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def stored(state: MemoryState, chat: str, step: str, data: dict[str, object]) -> None:
    """A conversation as the database holds it."""
    state.dialogs[("telegram", chat)] = DialogState("telegram", chat, step, data)


@pytest.mark.parametrize(
    ("step", "data"),
    [
        # a conversation this version does not have; a step it does not have; steps it has,
        # holding what it cannot read
        ("survey.q1", {"answers": [1, 2]}),
        ("intake.location", {"id": "ab12cd34", "text": "路灯坏了很久了"}),
        ("compose.message", {"case": "twelve"}),
        ("intake.confirm", {"text": "缺了草稿编号"}),
    ],
)
async def test_a_stored_step_this_version_cannot_continue_starts_over_with_a_clear_word(
    state: MemoryState, resident: Chat, step: str, data: dict[str, object]
) -> None:
    stored(state, "501", step, data)
    stored(state, "777", "intake.station", {"id": "cd34ef56", "text": "别人的草稿"})
    out = await resident.text("老板拖欠工资三个月了，怎么办")
    assert LOST in out[0].text and "出了点问题" not in out[0].text
    assert "镇" in out[-1].text  # the words became a new concern, not lost
    assert state.dialogs[("telegram", "501")].state == "intake.station"
    assert state.dialogs[("telegram", "777")].data["text"] == "别人的草稿"
    again = await resident.text("在稻地镇")
    assert all(LOST not in m.text for m in again)


async def test_a_lost_step_and_a_command_the_command_still_runs(
    state: MemoryState, resident: Chat
) -> None:
    stored(state, "501", "survey.q1", {})
    out = await resident.command("my")
    assert LOST in out[0].text and "还没有" in out[-1].text


def test_an_old_draft_is_read_as_it_was_meant() -> None:
    old = {
        "id": "ab12cd34",
        "text": "老板拖欠工资三个月了",
        "photos": ["p1"],
        "station": "daodi",
        "location": [39.5, 118.2],
        "contact": "phone",
        "phone": "13800000000",
        "tank": "law",
        "confidence": 0.9,
        "hits": [["欠薪", 3.0, 1], ["工资", 0.8, 2, "工钱"]],  # before "as written" was kept
    }
    loaded = states.load(DialogState("telegram", "1", "intake.confirm", old))
    assert loaded.step is Step.CONFIRM and loaded.lost is None
    draft = loaded.draft
    assert draft.hits == (KeywordHit("欠薪", 3.0, 1), KeywordHit("工资", 0.8, 2, "工钱"))
    assert draft.location == (39.5, 118.2) and draft.photos == ["p1"] and draft.judged is None
    assert not draft.tank_chosen


def test_what_is_saved_is_read_back_the_same() -> None:
    draft = Draft(
        id="ab12cd34", text="大棚塌了", hits=(KeywordHit("大棚", 2.0),), tank="agriculture"
    )
    for conversation in (
        states.Conversation(Step.TANK, draft),
        states.Conversation(Step.WRITE_MESSAGE, Message(case=3, question=True)),
        states.Conversation(Step.COMMENT, CommentPrompt(case=3, since=NOW)),
        states.Conversation(),
    ):
        record = states.dump(conversation, "telegram", "1")
        assert states.load(DialogState("telegram", "1", record.state, record.data)) == conversation
    assert states.dump(states.Conversation(), "telegram", "1") == DialogState("telegram", "1")


def test_a_step_holds_only_what_it_is_for() -> None:
    conversation = states.Conversation()
    with pytest.raises(TypeError):
        conversation.begin(Step.WRITE_MESSAGE, Draft(id="ab12cd34"))
    with pytest.raises(TypeError):
        _ = conversation.draft


def test_every_step_says_what_it_holds_and_which_conversation_it_belongs_to() -> None:
    for step in Step:
        assert step.conversation.value == step.value.partition(".")[0]
        assert (states.holds(step) is None) == (step is Step.IDLE)
