"""Forged updates and button data: who a sender is, and what counts as a number."""

from __future__ import annotations

import pytest

from core import callbacks
from core.cases.casework import parse_case_number
from core.models import CaseStatus
from core.service import Service
from tests.core.memory import MemoryState
from tests.core.test_casework import staff
from tests.core.test_intake import file_concern
from tests.support import Chat, Fetch

NOT_ASCII_DIGITS = ("١", "١٢", "１", "²", "৩", "1١", "𝟙")


@pytest.mark.parametrize("text", NOT_ASCII_DIGITS)
def test_only_ascii_digits_make_a_number(text: str) -> None:
    assert callbacks.parse_id(text) is None
    cb = callbacks.parse(f"case:claim:{text}")
    assert cb is None or cb.int_arg(0) is None
    assert parse_case_number(text) is None and parse_case_number(f"#{text}") is None


@pytest.mark.parametrize(
    ("text", "number"),
    [("1", 1), ("12", 12), ("000042", 42), ("999999999999", 999999999999)],
)
def test_ascii_numbers_parse(text: str, number: int) -> None:
    assert callbacks.parse_id(text) == number
    assert callbacks.Callback("case", "claim", (text,)).int_arg(0) == number


@pytest.mark.parametrize("text", ["", "0", "-1", "+1", " 1", "1 ", "1.0", "1e3", "1000000000000"])
def test_what_is_not_a_case_number(text: str) -> None:
    assert callbacks.parse_id(text) is None


@pytest.mark.parametrize("digit", ["١", "²", "１"])
async def test_a_button_with_foreign_digits_claims_nothing(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch, digit: str
) -> None:
    zhang, _, _, _ = await staff(service, fetch)
    await file_concern(resident, "老板拖欠工资三个月了")
    out = await zhang.send(callback_id="q", callback_data=f"case:claim:{digit}")
    assert out[0].alert and "抱歉" not in out[0].text  # a clear refusal, not an internal error
    assert state.cases[1].status == CaseStatus.OPEN and state.cases[1].assignee_id is None


async def test_commands_take_only_ascii_numbers(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang, _, _, zhao = await staff(service, fetch)
    await file_concern(resident, "老板拖欠工资三个月了")
    li_id = next(p.id for p in state.people.values() if p.external_id == "12")
    foreign = "".join(chr(0x0660 + int(d)) for d in str(li_id))  # Arabic-Indic digits
    assert "用法" in (await zhao.command("assign", f"1 {foreign}"))[0].text
    assert state.cases[1].assignee_id is None
    assert "用法" in (await zhao.command("removemember", foreign))[0].text
    assert state.people[li_id].is_member
    await zhang.send(callback_id="q", callback_data="case:claim:1")
    due = state.cases[1].due_at
    assert "用法" in (await zhang.command("extend", "1 ٣ 等仲裁结果"))[0].text
    assert "用法" in (await zhang.command("extend", "1 ³ 等仲裁结果"))[0].text
    assert state.cases[1].due_at == due and not state.cases[1].extended
    assert "编号" in (await resident.command("case", "١"))[0].text


async def test_a_private_chat_that_is_not_the_senders_does_not_rebind_them(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    await resident.command("start")
    person = next(p for p in state.people.values() if p.external_id == "501")
    assert person.chat_id == "501"
    forged = await resident.send(command="my", chat_id="777", private=True)
    assert state.people[person.id].chat_id == "501"
    assert all(m.chat_id != "777" for m in resident.everyone) and forged
    newcomer = Chat(service, fetch, "502")
    await newcomer.send(command="start", chat_id="888", private=True)
    stranger = next(p for p in state.people.values() if p.external_id == "502")
    assert stranger.chat_id == "502"
