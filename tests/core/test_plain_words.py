"""What a resident, a member and a coordinator read at each step: where a concern goes and why
in plain words, concrete promises kept in working time and a late answer told unasked, the
contact choice explained, help that says what one can do, and one refusal for every command a
role lacks."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from config.tanks import load_stations, load_tanks
from core.cases import promises
from core.context import District
from core.conversation import menus
from core.messages import Kind
from core.models import Deadlines, Role
from core.service import Service
from nlp.classifier import KeywordClassifier, domain_words
from nlp.tokenizer import Tokenizer
from tests.core.conftest import NoViews
from tests.core.memory import MemoryState, MemoryUnitOfWork
from tests.core.test_casework import staff, to
from tests.core.test_intake import file_concern
from tests.support import UNLIMITED, Chat, Clock, Fetch

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOURS = promises.WorkingTime(SHANGHAI)
WAGES = "老板拖欠工资三个月了，一直不给"  # the rule classifier's law word
TOLD_PLAINLY = "包工头欠了我们三个月的工钱，一直不给"


def local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def district(district: District) -> District:
    """No quiet hours, so that the sweep acts whenever it is due."""
    return dataclasses.replace(district, quiet_start=time(0, 0), quiet_end=time(0, 0))


@pytest.fixture
def classified(state: MemoryState, clock: Clock) -> Service:
    """Core with the district's real keyword lists."""
    tanks = load_tanks()
    classifier = KeywordClassifier(tanks, Tokenizer(domain_words(tanks)))
    district = District(tuple(tanks), tuple(load_stations()))
    open_unit = lambda: MemoryUnitOfWork(state)  # noqa: E731
    return Service(open_unit, district, classifier, clock, NoViews(), UNLIMITED)


# Promises in working time


def test_a_deadline_in_working_time_is_promised_for_itself_rounded_up() -> None:
    assert promises.kept_by(local(2026, 11, 26, 10, 7), HOURS) == local(2026, 11, 26, 10, 30)
    assert promises.kept_by(local(2026, 11, 26, 10, 0), HOURS) == local(2026, 11, 26, 10, 0)


def test_a_deadline_at_night_or_on_a_day_off_is_promised_for_the_next_working_day() -> None:
    evening = local(2026, 11, 26, 21, 0)  # Thursday evening
    assert promises.kept_by(evening, HOURS) == local(2026, 11, 27, 17, 30)
    early = local(2026, 11, 27, 6, 0)  # Friday before work
    assert promises.kept_by(early, HOURS) == local(2026, 11, 27, 17, 30)
    saturday = local(2026, 11, 28, 10, 0)
    assert promises.kept_by(saturday, HOURS) == local(2026, 11, 30, 17, 30)


def test_holidays_count_as_days_off() -> None:
    holidays = {date(2026, 11, 30), date(2026, 12, 1)}
    hours = dataclasses.replace(
        HOURS, is_working_day=lambda d: d.weekday() < 5 and d not in holidays
    )
    assert promises.kept_by(local(2026, 11, 28, 10, 0), hours) == local(2026, 12, 2, 17, 30)


def test_a_promise_is_never_earlier_than_its_deadline() -> None:
    received = local(2026, 11, 27, 16, 0)  # Friday afternoon
    promise = promises.promise(received, Deadlines(claim=24, first_reply=96), HOURS)
    assert promise.taken_by == local(2026, 11, 30, 17, 30)  # Saturday 16:00 -> Monday
    assert promise.answer_by == local(2026, 12, 1, 16, 0)  # Tuesday 16:00 itself
    assert promises.show("zh", promise.answer_by, SHANGHAI) == "12月1日（周二）16:00"
    assert promises.show("en", promise.answer_by, SHANGHAI) == "Tue 1 Dec, 16:00"
    soon = promises.promise(received, Deadlines(claim=24, first_reply=72), HOURS)
    assert soon.answer_by == soon.taken_by  # an answer is not promised before it is taken up


# The card and the receipt


async def test_the_card_says_where_it_goes_and_why_in_plain_words(
    classified: Service, fetch: Fetch
) -> None:
    resident = Chat(classified, fetch, "501")
    await resident.text(TOLD_PLAINLY)
    await resident.press("稻地镇")
    contact = resident.last_text()
    assert "匿名反映" in contact and "没法给您回电话" in contact and "谁也看不到" in contact
    await resident.text("不留电话")
    card = resident.last_text()
    assert "因为提到了“工钱”、“包工头”，转给<b>法律</b>方面的委员" in card
    assert "%" not in card and "匹配度" not in card


async def test_a_story_routed_by_a_rule_names_the_words_found(
    classified: Service, fetch: Fetch
) -> None:
    resident = Chat(classified, fetch, "502")
    await resident.text("俺那仨儿子谁也不管俺，老两口吃不上饭")
    await resident.press("稻地镇")
    await resident.text("不留电话")
    assert "因为提到了“儿子…谁也不”，转给<b>法律</b>方面的委员" in resident.last_text()


async def test_the_receipt_promises_when_and_offers_the_next_step(
    service: Service, resident: Chat, fetch: Fetch
) -> None:
    await staff(service, fetch)
    receipt = await file_concern(resident, WAGES)  # Wednesday 10:00
    assert "11月26日（周四）10:00前会有委员接手" in receipt
    assert "11月30日（周一）17:30前给您答复" in receipt  # 72 h is Saturday: Monday, at work
    assert "尽快" not in receipt and "/my" not in receipt and "/case" not in receipt
    assert resident.inbox[-1].buttons[0][0].data == "case:detail:1"
    detail = await resident.press("查看进度")
    assert any("办理记录" in m.text for m in detail)


async def test_a_late_answer_is_told_once_and_an_answered_case_not_at_all(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch, clock: Clock
) -> None:
    zhang, _, _, _ = await staff(service, fetch)
    await file_concern(resident, WAGES)
    second = Chat(service, fetch, "502")
    await file_concern(second, "老板拖欠工资三个月了")
    await zhang.send(callback_id="q", callback_data="case:claim:2")
    await zhang.command("reply", "2 我们正在联系劳动监察")
    clock.now = datetime(2026, 11, 30, 9, 29, tzinfo=UTC)  # Monday 17:29 in Shanghai
    out = await fetch(await service.sweep())  # case 1 is given to a member; nobody is late
    assert not [m for m in out if "原定" in m.text]
    clock.now = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)  # 17:30: the promise is broken
    out = await fetch(await service.sweep())
    late = [m for m in out if "原定" in m.text]
    assert [m.chat_id for m in late] == ["501"]  # 502's member answered in time
    assert "原定 11月30日（周一）17:30 前给您答复" in late[0].text
    clock.advance(days=10)
    again = await fetch(await service.sweep())
    assert not [m for m in again if "原定" in m.text]
    assert [e.kind for e in state.events].count("resident_late") == 1


# Help, refusals, the words staff read


def test_a_residents_help_is_three_lines_of_what_they_can_do() -> None:
    for locale in ("zh", "en"):
        lines = menus.help_text(Role.RESIDENT, locale).split("\n")
        assert len(lines) == 4 and [line[:2] for line in lines[1:]] == ["1.", "2.", "3."]
        assert "/" not in "".join(lines)


async def test_every_command_a_role_lacks_is_refused_the_same_way(
    service: Service, resident: Chat, fetch: Fetch
) -> None:
    zhang, _, _, _ = await staff(service, fetch)
    answers = {
        (await resident.command(name))[0].text.split(" ", 1)[1]
        for name in ("stats", "claim", "pending", "nosuch")
    }
    assert answers == {"不是您能用的命令。发送 /help 看看您能做什么。"}
    assert (await zhang.command("stats"))[
        0
    ].text == "/stats 不是您能用的命令。发送 /help 看看您能做什么。"


def test_a_coordinators_help_offers_reply_only_where_it_works() -> None:
    zh = dict(menus.menu(Role.COORDINATOR, "zh"))
    en = dict(menus.menu(Role.COORDINATOR, "en"))
    assert "待分派" in zh["reply"] and "awaiting triage" in en["reply"]
    assert "待分派" not in dict(menus.menu(Role.MEMBER, "zh"))["reply"]


async def test_an_extension_is_said_to_be_granted(
    service: Service, state: MemoryState, resident: Chat, fetch: Fetch
) -> None:
    zhang, _, _, _ = await staff(service, fetch)
    await file_concern(resident, WAGES)
    await zhang.send(callback_id="q", callback_data="case:claim:1")
    out = await zhang.command("extend", "1 5 需要调取工资记录")
    assert "已延期" in out[0].text
    told = [m.text for m in zhang.everyone if m.chat_id in ("501", "99")]
    assert all("申请" not in text for text in told) and any("已生效" in text for text in told)
    assert "申请" not in dict(menus.menu(Role.MEMBER, "zh"))["extend"]
    detail = await resident.command("case", "1")
    assert "委员将办理期限延长 5 天" in detail[-1].text and "申请" not in detail[-1].text


async def test_joining_by_invitation_is_one_welcome(service: Service, fetch: Fetch) -> None:
    _, _, _, zhao = await staff(service, fetch)
    link = (await zhao.command("invite", "法律"))[0].text
    code = link.rsplit("/start ", 1)[1].strip()
    out = await Chat(service, fetch, "31").command("start", code)
    sent = [m for m in out if m.chat_id == "31" and m.text]
    assert len(sent) == 1
    assert "欢迎加入<b>法律</b>智库" in sent[0].text and "认领" in sent[0].text
    assert "日报" in sent[0].text


async def test_names_sit_by_their_titles_and_labels_are_not_doubled(
    service: Service, resident: Chat, fetch: Fetch
) -> None:
    zhang, _, _, _ = await staff(service, fetch)
    await file_concern(resident, "小区门口的路灯坏了一个月了")  # to the coordinators
    await file_concern(Chat(service, fetch, "502"), WAGES)
    await zhang.send(callback_id="q", callback_data="case:claim:2")
    told = [m.text for m in zhang.everyone if m.chat_id in ("12", "502")]
    assert any("张律师委员" in text for text in told)
    assert not any("张律师 委员" in text for text in told)
    mine = (await resident.command("my"))[0].text
    assert "正在找合适的委员 · 协调员" in mine
    for status in ("正在找合适的委员", "协调员", "待分派"):
        assert f"{status}：{status}" not in mine and f"{status} · {status}" not in mine


# Every step says what comes next

NEXT = ("点", "发", "告诉您", "直接", "写", "输入", "选择", "回复")
# Said just before the next step's own message, which says what to do.
LEADS_ON = {"好的。"}


async def test_every_message_a_resident_gets_says_what_they_can_do_next(
    service: Service, resident: Chat, fetch: Fetch
) -> None:
    zhang, _, _, _ = await staff(service, fetch)
    await resident.command("start")
    await resident.command("help")
    await file_concern(resident, WAGES)
    await zhang.send(callback_id="q", callback_data="case:claim:1")
    await zhang.press("询问居民")
    await zhang.text("请问签劳动合同了吗？")
    resident.inbox.extend(to("501", zhang.everyone))
    await resident.press("回复")
    await resident.text("签了，合同在我这里")
    await zhang.command("resolve", "1 已追回")
    resident.inbox.extend(to("501", zhang.everyone))
    await resident.press("不满意")
    sent = [m for m in resident.inbox if m.chat_id == "501" and m.kind == Kind.SEND]
    silent = [
        m.text
        for m in sent
        if m.text
        and not (m.buttons or m.keyboard)
        and m.text not in LEADS_ON
        and not any(word in m.text for word in NEXT)
    ]
    assert len(sent) >= 12 and silent == []
    # and no command to type
    assert not [m.text for m in sent if re.search(r"(?<![<\w])/[a-z]", m.text)]
