"""Hot topics (热点) for coordinators: the concerns of a window grouped into problems, ranked by
the distinct established residents behind them (authors, voices added, duplicates merged) and
then by the latest; /hot on demand and a section of the weekly digest.

Each run keeps its clusters, so the same problem keeps its id as cases are added; a cluster a
coordinator dismissed is never listed again. A resident counts once they have been known for a
day: a flood of new accounts, or of messages from one, makes no hot topic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from core import callbacks
from core.callbacks import Callback, Scope
from core.cases import access, casework
from core.cases.lifecycle import Refused
from core.context import District, Turn
from core.messages import Button
from core.models import Topic
from core.ports import SimilarCases, UnitOfWork
from core.states import Conversation
from core.texts import t

WINDOWS = {"7d": timedelta(days=7), "30d": timedelta(days=30)}
ESTABLISHED_AFTER = timedelta(days=1)
MIN_RESIDENTS = 3
SHOWN = 10
REFS = 8


@dataclass(frozen=True, slots=True)
class Hot:
    """A topic to show, with the residents behind it."""

    topic: Topic
    residents: int


async def topics(
    uow: UnitOfWork,
    similar: SimilarCases,
    now: datetime,
    window: timedelta,
    tank: str | None = None,
    least: int = MIN_RESIDENTS,
) -> list[Hot]:
    """The hot topics of the window ending now (of one tank when given), the hottest first."""
    store = uow.supporters
    concerns = await store.concerns(now - window, now, ESTABLISHED_AFTER)
    previous = await store.clusters()
    found = await similar.topics(concerns, previous)
    placed = {case_id for topic in found for case_id in topic.case_ids}
    memory = {k: [i for i in ids if i not in placed] for k, ids in previous.items()}
    for topic in found:
        memory[topic.id] = sorted({*memory.get(topic.id, ()), *topic.case_ids})
    await store.keep_clusters({k: ids for k, ids in memory.items() if ids})
    dismissed = await store.dismissed()
    authors = {c.case_id: c.resident_id for c in concerns if c.established}
    backers = await store.established(placed, ESTABLISHED_AFTER)
    shown: list[Hot] = []
    for topic in found:
        if topic.id in dismissed or (tank is not None and topic.tank != tank):
            continue
        people: set[int] = set()
        for case_id in topic.case_ids:
            people |= backers.get(case_id, set())
            if case_id in authors:
                people.add(authors[case_id])
        if len(people) >= least:
            shown.append(Hot(topic, len(people)))
    shown.sort(key=lambda h: (-h.residents, -h.topic.last_at.timestamp(), h.topic.id))
    return shown[:SHOWN]


def render(locale: str, district: District, found: Sequence[Hot]) -> list[str]:
    """One entry per topic."""
    lines = []
    for n, hot in enumerate(found, 1):
        topic = hot.topic
        refs = " ".join(f"#{i}" for i in topic.case_ids[:REFS])
        if len(topic.case_ids) > REFS:
            refs += " …"
        places = t(locale, "keyword_separator").join(
            district.station_name(p, locale) for p in topic.places
        )
        lines.append(
            t(
                locale,
                "hot_line",
                n=str(n),
                title=topic.title or f"#{topic.id}",
                tank=district.tank_name(topic.tank, locale),
                places=places or t(locale, "not_given"),
                residents=str(hot.residents),
                count=str(len(topic.case_ids)),
                date=district.local(topic.last_at).strftime("%m-%d"),
                refs=refs,
            )
        )
    return lines


async def hot(turn: Turn, state: Conversation) -> None:
    """/hot [7d|30d] [tank]."""
    words = turn.inbound.args.split()
    window = "7d"
    if words and words[0].lower() in WINDOWS:
        window = words.pop(0).lower()
    tank = casework.tank_code(turn, words[0]) if words else None
    if len(words) > 1 or (words and tank in (None, "triage")):
        raise Refused("hot_usage")
    found = await topics(turn.uow, turn.similar, turn.now, WINDOWS[window], tank)
    label = turn.t(f"hot_window_{window}")
    if not found:
        await turn.reply(turn.t("hot_none", window=label, least=str(MIN_RESIDENTS)))
        return
    text = "\n\n".join(
        [turn.t("hot_header", window=label), *render(turn.locale, turn.district, found)]
    )
    buttons = [
        [
            Button(
                text=turn.t("btn_hot_dismiss", n=str(n)),
                data=callbacks.pack(Scope.HOT, "dismiss", h.topic.id),
            )
            for n, h in enumerate(found[i : i + 3], i + 1)
        ]
        for i in range(0, len(found), 3)
    ]
    await turn.reply(text, buttons=buttons)


async def on_button(turn: Turn, state: Conversation, cb: Callback) -> None:
    """A coordinator dismisses a topic."""
    cluster = cb.int_arg(0)
    if cb.action != "dismiss" or cluster is None or not access.coordinates(turn.person):
        raise Refused("button_stale")
    await turn.uow.supporters.dismiss(cluster, turn.person.id, turn.now)
    await turn.answer(turn.t("hot_dismissed"))
