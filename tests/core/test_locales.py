"""Every text in its reader's locale, whoever's action caused it: an English resident of a case
Chinese members and coordinators work on reads English only, and the other way round."""

from __future__ import annotations

import dataclasses
import re
from datetime import time

import pytest

from core.context import District
from core.messages import Outbound
from core.service import Service
from tests.core.memory import MemoryState
from tests.core.test_casework import staff, to
from tests.core.test_intake import file_concern
from tests.support import Chat, Clock, Fetch

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
USERS_WORDS = re.compile(
    "老板拖欠工资三个月了|小区路灯坏了一个月了|张律师|李律师"
)  # the resident's, the members' names


@pytest.fixture
def district(district: District) -> District:
    """No quiet hours: reminders go out when due."""
    return dataclasses.replace(district, quiet_start=time(0, 0), quiet_end=time(0, 0))


@pytest.fixture
def alice(service: Service, fetch: Fetch) -> Chat:
    """A resident writing in English."""
    return Chat(service, fetch, "601", name="Alice", language="en-GB")


async def file_in_english(resident: Chat, text: str = "老板拖欠工资三个月了") -> None:
    """The whole intake with the English buttons."""
    await resident.text(text)
    await resident.press("Daodi")
    await resident.text("No phone")
    await resident.press("Confirm")
    assert "your concern is number" in resident.last_text()


def english(messages: list[Outbound]) -> list[str]:
    """The texts, each checked to hold no Chinese but what people wrote or are called."""
    texts = [m.text for m in messages]
    assert [text for text in texts if CJK.search(USERS_WORDS.sub("", text))] == []
    return texts


async def test_an_english_resident_hears_of_a_claim_in_english(
    service: Service, fetch: Fetch, alice: Chat
) -> None:
    zhang, _, _, _ = await staff(service, fetch)
    await file_in_english(alice)
    zhang.inbox.append(to("11", alice.everyone)[0])
    await zhang.press("认领")
    (told,) = english(to("601", zhang.everyone))
    assert "a member for <b>Law</b>" in told


async def test_an_english_resident_hears_of_an_assignment_in_english(
    service: Service, fetch: Fetch, alice: Chat, state: MemoryState
) -> None:
    _, _, _, zhao = await staff(service, fetch)
    await file_in_english(alice)
    await zhao.command("assign", "1 1")  # to 张律师, the first member
    assert state.cases[1].assignee_id == 1
    (told,) = english(to("601", zhao.everyone))
    assert "a member for <b>Law</b>" in told


async def test_an_english_resident_hears_of_an_auto_assignment_in_english(
    service: Service, fetch: Fetch, alice: Chat, clock: Clock
) -> None:
    await staff(service, fetch)
    await file_in_english(alice)
    clock.advance(hours=24)  # past the claim deadline: the least-loaded member gets it
    (told,) = english(to("601", await fetch(await service.sweep())))
    assert "a member for <b>Law</b>" in told


async def test_an_english_member_reads_where_a_case_went_in_english(
    service: Service, fetch: Fetch, resident: Chat
) -> None:
    zhang, _, _, _ = await staff(service, fetch)
    li = Chat(service, fetch, "12", name="李律师", language="en-GB")
    await li.command("help")  # their language becomes English
    await file_concern(resident, "老板拖欠工资三个月了")
    zhang.inbox.append(to("11", resident.everyone)[0])
    await zhang.press("转交")
    await zhang.press("经济")
    await zhang.text("其实是企业经营纠纷")
    (edited,) = to("12", zhang.everyone)
    assert edited.text.endswith("🔀 Transferred to Economy")


async def test_the_timeline_names_what_a_reminder_was_for_in_the_readers_words(
    service: Service, fetch: Fetch, resident: Chat, clock: Clock
) -> None:
    zhang, _, _, _ = await staff(service, fetch)
    await file_concern(resident, "老板拖欠工资三个月了")
    zhang.inbox.append(to("11", resident.everyone)[0])
    await zhang.press("认领")
    clock.advance(hours=54)  # 75 % of the 72 h first-reply deadline
    await service.sweep()
    assert "⏰ 系统催办（首次答复）" in (await zhang.command("case", "1"))[0].text
    emily = Chat(service, fetch, "11", name="张律师", language="en-GB")
    assert "⏰ reminder (first reply)" in (await emily.command("case", "1"))[0].text


async def test_reasons_the_system_gives_are_shown_in_the_readers_words(
    service: Service, fetch: Fetch, alice: Chat
) -> None:
    _, _, _, zhao = await staff(service, fetch)
    await file_in_english(alice, "小区路灯坏了一个月了")  # no tank fits: triage
    zhao.inbox.append(to("99", alice.everyone)[0])
    await zhao.press("法律")  # a Chinese coordinator routes it
    (shown,) = english(await alice.command("case", "1"))
    assert "moved to Law" in shown and "coordinator" not in shown  # the reason is internal
    assert "转交至 法律：协调员分派" in (await zhao.command("case", "1"))[0].text
    emily = Chat(service, fetch, "11", name="张律师", language="en-GB")  # the law member
    assert (
        "transferred to Law: routed by a coordinator" in (await emily.command("case", "1"))[0].text
    )
