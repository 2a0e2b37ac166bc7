"""The resident's conversation, from a concern to a case number, over the fake store."""

from __future__ import annotations

from core import roster
from core.context import District
from core.messages import Kind
from core.models import CaseStatus
from core.service import Service
from tests.core.conftest import NoViews
from tests.core.memory import MemoryState, MemoryUnitOfWork
from tests.support import Chat, Clock, Fetch, RuleClassifier


async def add_member(service: Service, user_id: str, tank: str) -> None:
    async with service.open_unit() as uow:
        await roster.add_member(uow, service.district, "telegram", user_id, tank, service.clock())
        await uow.commit()


async def file_concern(resident: Chat, text: str) -> str:
    await resident.text(text)
    await resident.press("稻地镇")
    await resident.text("不留电话")
    out = await resident.press("确认提交")
    return out[-1].text


async def test_start_greets_in_chinese_and_english(service: Service, fetch: Fetch) -> None:
    zh = Chat(service, fetch, "1", language="zh-hans")
    en = Chat(service, fetch, "2", language="en-GB")
    assert "民情直通车" in (await zh.command("start"))[0].text
    assert "Minqing" in (await en.command("start"))[0].text


async def test_concern_travels_to_case_number_and_members(
    service: Service, state: MemoryState, resident: Chat
) -> None:
    await add_member(service, "900", "law")
    await resident.text("老板拖欠工资三个月了，怎么办")
    assert "镇" in resident.last_text()
    await resident.press("稻地镇")
    contact_question = resident.inbox[-1]
    assert contact_question.keyboard[0][0].request_contact
    await resident.send(contact_phone="13900000000", contact_user_id="501")
    card = resident.last_text()
    assert "法律" in card and "工资" in card and "13900000000" in card
    out = await resident.press("确认提交")
    assert "#1" in out[-1].text
    case = state.cases[1]
    assert case.tank == "law" and case.status == CaseStatus.OPEN and case.station == "daodi"
    assert case.contact_phone == "13900000000" and not case.anonymous
    notices = [m for m in resident.everyone if m.chat_id == "900"]
    assert len(notices) == 1 and "#1" in notices[0].text
    assert "13900000000" not in notices[0].text and "小明" not in notices[0].text
    assert ("telegram", "501") not in state.dialogs


async def test_unclassified_concern_goes_to_coordinators(
    service: Service, state: MemoryState, resident: Chat
) -> None:
    async with service.open_unit() as uow:
        await roster.sync_coordinators(uow, "telegram", ["77"], service.clock())
        await uow.commit()
    reply = await file_concern(resident, "小区门口的路灯坏了一个月，晚上很黑")
    assert "#1" in reply and "协调员" in reply
    assert state.cases[1].status == CaseStatus.TRIAGE
    assert [m.chat_id for m in resident.everyone if m.chat_id != "501"] == ["77"]


async def test_anonymous_concern_keeps_no_name_or_phone(
    service: Service, state: MemoryState, resident: Chat
) -> None:
    await resident.text("村里大棚补贴一直没发下来")
    await resident.press("跳过")
    await resident.text("匿名反映")
    await resident.press("确认提交")
    case = state.cases[1]
    assert case.anonymous and case.contact_name is None and case.contact_phone is None
    assert case.station is None and case.tank == "agriculture"


async def test_resident_can_change_the_tank(state: MemoryState, resident: Chat) -> None:
    await resident.text("老板拖欠工资三个月了")
    await resident.press("跳过")
    await resident.text("不留电话")
    await resident.press("更改类别")
    await resident.press("经济")
    assert "经济" in resident.last_text() and "依据关键词" not in resident.last_text()
    await resident.press("确认提交")
    assert state.cases[1].tank == "economy"


async def test_confirm_twice_creates_one_case(state: MemoryState, resident: Chat) -> None:
    await file_concern(resident, "老板拖欠工资三个月了")
    again = await resident.press("确认提交")
    assert len(state.cases) == 1
    assert again[0].kind == Kind.ANSWER and "失效" in again[0].text


async def test_forged_and_malformed_buttons_change_nothing(
    state: MemoryState, resident: Chat
) -> None:
    await resident.text("老板拖欠工资三个月了")
    before = dict(state.dialogs)
    for data in ("in:ok:deadbeef", "in:st:" + "x" * 80, "case:claim:1", "💥", "", "a:b:c:d"):
        out = await resident.send(callback_id="q", callback_data=data)
        assert out[0].kind == Kind.ANSWER and out[0].alert
    assert state.dialogs == before and not state.cases


async def test_text_escapes_html_on_the_card(resident: Chat) -> None:
    await resident.text("<b>工资</b> & <script>alert(1)</script> 被拖欠")
    await resident.press("跳过")
    await resident.text("不留电话")
    card = resident.last_text()
    assert "&lt;script&gt;" in card and "<script>" not in card and "&amp;" in card


async def test_bad_input_gets_clear_answers(state: MemoryState, resident: Chat) -> None:
    assert "文字" in (await resident.text("   "))[0].text
    assert "文字" in (await resident.text("😀😀😀"))[0].text
    assert "描述" in (await resident.text("你好"))[0].text
    assert "贴纸" in (await resident.send(unsupported="sticker"))[0].text
    assert "/help" in (await resident.command("frobnicate"))[0].text
    assert not state.cases and not state.dialogs.get(("telegram", "501"))


async def test_long_text_is_capped(state: MemoryState, resident: Chat) -> None:
    await file_concern(resident, "工资" * 3000)
    assert len(state.cases[1].text) <= 3000


async def test_photos_are_attached(state: MemoryState, resident: Chat) -> None:
    await resident.send(photos=("file-1",), text="大棚被风刮坏了")
    await resident.send(photos=("file-2",))
    await resident.press("跳过")
    await resident.text("不留电话")
    assert "2 张" in resident.last_text()
    await resident.press("确认提交")
    assert state.cases[1].photos == ("file-1", "file-2")


async def test_someone_elses_contact_is_refused(resident: Chat) -> None:
    await resident.text("老板拖欠工资三个月了")
    await resident.press("跳过")
    out = await resident.send(contact_phone="13100000000", contact_user_id="999")
    assert "本人" in out[0].text


async def test_cancel_drops_the_draft(state: MemoryState, resident: Chat) -> None:
    await resident.text("老板拖欠工资三个月了")
    await resident.command("cancel")
    assert "已取消" in resident.last_text()
    assert ("telegram", "501") not in state.dialogs
    assert "没有" in (await resident.command("cancel"))[0].text


async def test_redelivered_update_is_handled_once(state: MemoryState, resident: Chat) -> None:
    await resident.send(text="老板拖欠工资三个月了", update_id=5)
    assert await resident.send(text="老板拖欠工资三个月了", update_id=5) == []
    assert state.dialogs[("telegram", "501")].data["text"] == "老板拖欠工资三个月了"


async def test_a_flood_is_slowed_politely_and_others_are_not(
    state: MemoryState, district: District, classifier: RuleClassifier, clock: Clock, fetch: Fetch
) -> None:
    service = Service(lambda: MemoryUnitOfWork(state), district, classifier, clock, NoViews())
    flooder, other = Chat(service, fetch, "666"), Chat(service, fetch, "777")
    answers = [await flooder.command("my") for _ in range(100)]
    assert sum(1 for a in answers if a and "还没有" in a[0].text) == 20
    assert sum(1 for a in answers if a and "太快" in a[0].text) == 1
    assert sum(1 for a in answers if not a) == 79
    assert "还没有" in (await other.command("my"))[0].text
    clock.advance(seconds=5)
    assert "还没有" in (await flooder.command("my"))[0].text


async def test_an_album_is_acknowledged_once(state: MemoryState, resident: Chat) -> None:
    first = await resident.send(photos=("p1",), album="g1")
    assert "1/10" in first[0].text and "描述" in first[0].text
    assert await resident.send(photos=("p2",), album="g1") == []
    assert await resident.send(photos=("p3",), album="g1") == []
    await resident.text("大棚被风刮坏了")
    assert state.dialogs[("telegram", "501")].data["photos"] == ["p1", "p2", "p3"]
