"""Nothing slow under the writer: the classifier cuts words before a turn's unit of work opens,
off the event loop, and a case's timeline is read for display outside any unit of work, so
every other chat's turn goes on meanwhile."""

from __future__ import annotations

import asyncio
import random
import threading

from core.context import District
from core.models import Classification
from core.service import Service
from storage.db import Database
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


async def test_a_concern_is_classified_outside_the_writer_and_off_the_loop(
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
    assert classifier.calls, "the concern was never classified"
    assert all(not held for held, _ in classifier.calls), classifier.calls
    assert all(not on_loop for _, on_loop in classifier.calls), classifier.calls


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
    assert "请确认您的反映" in out[-1].text
