"""Nothing slow under the writer: the classifier cuts words before a turn's unit of work opens,
off the event loop, and a case's timeline is read for display outside any unit of work, so
every other chat's turn goes on meanwhile."""

from __future__ import annotations

import asyncio
import random
import threading
from typing import Any

from core import roster
from core.context import District
from core.models import CaseEvent, Classification
from core.service import Service
from core.views import CaseViews
from storage.db import Database
from storage.outbox import OutboxDeliveries
from storage.unit_of_work import unit_factory
from tests.support import RULES, Chat, Clock, RuleClassifier, sqlite_fetch, sqlite_service

RELEASE_WITHIN = 20.0  # an upper bound only: the other chat's turn takes milliseconds


class WatchedClassifier(RuleClassifier):
    """The rule classifier, noting for each call whether the writer was held and whether it
    ran on the event loop's thread."""

    def __init__(self, db: Database) -> None:
        super().__init__(RULES)
        self.db = db
        self.loop_thread = threading.get_ident()
        self.calls: list[tuple[bool, bool]] = []  # (writer held, on the loop's thread)

    def classify(self, text: str) -> Classification:
        self.calls.append((self.db.lock.locked(), threading.get_ident() == self.loop_thread))
        return super().classify(text)


class BlockingClassifier(WatchedClassifier):
    """Blocks on long texts until the test lets it go, the way jieba takes its time."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self.entered = threading.Event()
        self.release = threading.Event()
        self.released_in_time: bool | None = None

    def classify(self, text: str) -> Classification:
        if len(text) > 1000:
            self.entered.set()
            self.released_in_time = self.release.wait(RELEASE_WITHIN)
        return super().classify(text)


def random_cjk(count: int, seed: int = 9) -> str:
    """Random CJK ideographs: jieba's slowest input (no dictionary word, all HMM)."""
    rng = random.Random(seed)
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(count))


def chat(service: Service, db: Database, user: str) -> Chat:
    return Chat(service, sqlite_fetch(db), user)


async def test_a_concern_is_classified_before_its_turn_outside_the_writer(
    db: Database, district: District, clock: Clock
) -> None:
    classifier = WatchedClassifier(db)
    resident = chat(sqlite_service(db, district, classifier, clock), db, "42")
    await resident.text("老板拖欠工资三个月了")
    await resident.press("跳过")
    card = (await resident.text("不留电话"))[-1].text
    assert "法律" in card and "工资" in card
    await resident.text("另外合同也没签")  # added at the card: the card is made again
    sharing = chat(resident.service, db, "43")
    await sharing.text("我家大棚蔬菜今年受冻损失很大")
    await sharing.send(contact_phone="13900000000", contact_user_id="43")  # at the station step
    assert "农业" in sharing.last_text()
    assert len(classifier.calls) == 3, classifier.calls
    assert all(not held for held, _ in classifier.calls), classifier.calls


async def test_another_chat_commits_while_a_huge_concern_is_classified(
    db: Database, district: District, clock: Clock
) -> None:
    classifier = BlockingClassifier(db)
    service = sqlite_service(db, district, classifier, clock)
    slow, other = chat(service, db, "42"), chat(service, db, "43")
    await slow.text(random_cjk(2990))
    await slow.press("跳过")
    card = asyncio.create_task(slow.text("不留电话"))  # the card: classifies the huge text
    entered = await asyncio.to_thread(classifier.entered.wait, RELEASE_WITHIN)
    assert entered, "the huge text was never classified"
    try:
        assert not db.lock.locked()
        reply = await asyncio.wait_for(other.text("村里的灌溉水渠堵了好几年"), RELEASE_WITHIN)
        assert "镇" in reply[-1].text  # the other chat's turn committed meanwhile
    finally:
        classifier.release.set()
    out = await asyncio.wait_for(card, RELEASE_WITHIN)
    assert classifier.released_in_time, "the classifier held up everyone until it timed out"
    assert classifier.calls == [(False, False)]  # outside the writer, in a worker thread
    assert "请确认您的反映" in out[-1].text


class BlockedViews:
    """The read side, its timeline held until the test lets it go."""

    def __init__(self, views: CaseViews) -> None:
        self.views = views
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.views, name)

    async def timeline(self, case_id: int) -> Any:
        self.entered.set()
        await asyncio.wait_for(self.release.wait(), RELEASE_WITHIN)
        return await self.views.timeline(case_id)


def watch_timeline_reads(service: Service) -> list[int]:
    """The cases whose timeline a unit of work read (events.for_case), as they happen."""
    read: list[int] = []
    open_unit = service.open_unit

    def watched() -> Any:
        uow = open_unit()
        for_case = uow.events.for_case

        async def counted(case_id: int) -> list[CaseEvent]:
            read.append(case_id)
            return await for_case(case_id)

        uow.events.for_case = counted  # type: ignore[method-assign]
        return uow

    service.open_unit = watched
    return read


async def _case_with_events(db: Database, resident: Chat, clock: Clock, count: int) -> int:
    await resident.text("老板拖欠工资三个月了")
    await resident.press("跳过")
    await resident.text("不留电话")
    await resident.press("确认提交")
    async with unit_factory(db)() as uow:
        case = await uow.cases.get(1)
        assert case is not None
        for n in range(count):
            text = {"text": f"第{n}条留言"}
            await uow.events.add(CaseEvent(case.id, "message", clock(), case.resident_id, text))
        await uow.commit()
    return case.id


async def test_case_reads_a_20000_event_timeline_outside_the_writer(
    db: Database, district: District, classifier: RuleClassifier, clock: Clock
) -> None:
    service = sqlite_service(db, district, classifier, clock)
    resident, other = chat(service, db, "42"), chat(service, db, "43")
    case_id = await _case_with_events(db, resident, clock, 20_000)
    blocked = service.views = BlockedViews(service.views)
    read_in_units = watch_timeline_reads(service)
    shown = asyncio.create_task(resident.command("case", str(case_id)))
    entered = asyncio.create_task(blocked.entered.wait())
    await asyncio.wait({shown, entered}, return_when=asyncio.FIRST_COMPLETED)
    entered.cancel()
    try:
        assert blocked.entered.is_set(), "the timeline was not read on the read side"
        assert not db.lock.locked()
        reply = await asyncio.wait_for(other.text("村里的灌溉水渠堵了好几年"), RELEASE_WITHIN)
        assert "镇" in reply[-1].text  # another chat's turn committed meanwhile
    finally:
        blocked.release.set()
    out = await asyncio.wait_for(shown, RELEASE_WITHIN)
    assert read_in_units == []
    assert f"#{case_id}" in out[-1].text and "第19999条留言" in out[-1].text


async def test_a_members_detail_button_reads_the_timeline_outside_the_writer(
    db: Database, district: District, classifier: RuleClassifier, clock: Clock
) -> None:
    service = sqlite_service(db, district, classifier, clock)
    async with service.open_unit() as uow:
        await roster.add_member(uow, district, "telegram", "900", "law", clock())
        await uow.commit()
    member = chat(service, db, "900")
    case_id = await _case_with_events(db, chat(service, db, "42"), clock, 3)
    read_in_units = watch_timeline_reads(service)
    pending = await OutboxDeliveries(db, "telegram").pending()
    notice = next(p.message for p in pending if p.message.chat_id == "900" and p.message.buttons)
    assert f"#{case_id}" in notice.text
    out = await member.send(callback_id="cb", callback_data=notice.buttons[0][-1].data)
    assert read_in_units == []
    assert "第2条留言" in out[-1].text
