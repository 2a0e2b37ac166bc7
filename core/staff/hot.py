"""Hot topics (热点) for coordinators: the concerns of a window grouped into problems, ranked by
the distinct established residents behind them (authors, voices added, duplicates merged) and
then by the latest; /hot on demand and a section of the weekly digest. Both read and cluster
on the read side, never holding the writer.

The weekly digest remembers the clusters, so the same problem keeps its id as cases are added
and its first cases leave the window; a cluster a coordinator dismissed is never listed again.
A resident counts once they have been known for a day: a flood of new accounts, or of messages
from one, makes no hot topic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from core import callbacks
from core.callbacks import Callback, Scope
from core.cases import access, casework
from core.cases.lifecycle import Refused
from core.context import District, Reply, Turn
from core.desk import reports
from core.engines import SimilarCases
from core.messages import Button
from core.models import Topic
from core.states import Conversation
from core.texts import t
from core.views import CaseViews

WINDOWS = {"7d": timedelta(days=7), "30d": timedelta(days=30)}
ESTABLISHED_AFTER = timedelta(days=1)
MIN_RESIDENTS = 3
SHOWN = 10
REFS = 8
CITED = 40  # characters of case numbers a report button carries (a part of button data)
MAX_CITED = 20


@dataclass(frozen=True, slots=True)
class Hot:
    """A topic to show, with the residents behind it."""

    topic: Topic
    residents: int


async def topics(
    views: CaseViews,
    similar: SimilarCases,
    now: datetime,
    window: timedelta,
    tank: str | None = None,
    least: int = MIN_RESIDENTS,
) -> tuple[list[Hot], dict[int, list[int]]]:
    """The hot topics of the window ending now (of one tank when given), the hottest first,
    read and clustered on the read side; and the clusters to remember (id -> case ids)."""
    inputs = await views.hot_inputs(now - window, now, ESTABLISHED_AFTER)
    found = await similar.topics(inputs.concerns, inputs.previous)
    placed = {case_id for topic in found for case_id in topic.case_ids}
    memory = {k: [i for i in ids if i not in placed] for k, ids in inputs.previous.items()}
    for topic in found:
        memory[topic.id] = sorted({*memory.get(topic.id, ()), *topic.case_ids})
    authors = {c.case_id: c.resident_id for c in inputs.concerns if c.established}
    shown: list[Hot] = []
    for topic in found:
        if topic.id in inputs.dismissed or (tank is not None and topic.tank != tank):
            continue
        people: set[int] = set()
        for case_id in topic.case_ids:
            people |= inputs.backers.get(case_id, set())
            if case_id in authors:
                people.add(authors[case_id])
        if len(people) >= least:
            shown.append(Hot(topic, len(people)))
    shown.sort(key=lambda h: (-h.residents, -h.topic.last_at.timestamp(), h.topic.id))
    return shown[:SHOWN], {k: ids for k, ids in memory.items() if ids}


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
    """/hot [7d|30d] [tank]: clustered once the turn has committed, on the read side (the
    clusters are remembered by the weekly digest)."""
    words = turn.inbound.args.split()
    window = "7d"
    if words and words[0].lower() in WINDOWS:
        window = words.pop(0).lower()
    tank = casework.tank_code(turn, words[0]) if words else None
    if len(words) > 1 or (words and tank in (None, "triage")):
        raise Refused("hot_usage")
    person, district, now, similar = turn.person, turn.district, turn.now, turn.similar

    async def read(views: CaseViews) -> list[Reply]:
        found, _ = await topics(views, similar, now, WINDOWS[window], tank)
        return [answer(person.locale, district, found, window)]

    turn.defer(read)


def answer(locale: str, district: District, found: Sequence[Hot], window: str) -> Reply:
    """The /hot answer: the topics, with a button to dismiss each."""
    label = t(locale, f"hot_window_{window}")
    if not found:
        return t(locale, "hot_none", window=label, least=str(MIN_RESIDENTS)), ()
    text = "\n\n".join([t(locale, "hot_header", window=label), *render(locale, district, found)])
    buttons = [
        [
            Button(
                text=t(locale, "btn_hot_report", n=str(n)),
                data=callbacks.pack(Scope.HOT, "report", cited(h.topic.case_ids)),
            ),
            Button(
                text=t(locale, "btn_hot_dismiss", n=str(n)),
                data=callbacks.pack(Scope.HOT, "dismiss", h.topic.id),
            ),
        ]
        for n, h in enumerate(found, 1)
    ]
    return text, buttons


def cited(case_ids: Sequence[int]) -> str:
    """The topic's first cases that fit a button, as 3-7-12: the material of a report."""
    out = ""
    for case_id in case_ids:
        longer = f"{out}-{case_id}" if out else str(case_id)
        if len(longer) > CITED:
            break
        out = longer
    return out


async def on_button(turn: Turn, state: Conversation, cb: Callback) -> None:
    """A coordinator dismisses a topic, or starts a report (the desk) with its cases."""
    if not access.coordinates(turn.person):
        raise Refused("button_stale")
    if cb.action == "report":
        parts = (cb.arg(0) or "").split("-")
        numbers = [callbacks.parse_id(p) for p in parts]
        if not parts or None in numbers or len(numbers) > MAX_CITED:
            raise Refused("button_stale")
        await reports.start(turn, state, [n for n in numbers if n is not None])
        await turn.answer()  # after: a refused case answers the press itself
        return
    cluster = cb.int_arg(0)
    if cb.action != "dismiss" or cluster is None:
        raise Refused("button_stale")
    # A topic's id is the case that started it: made-up ids dismiss nothing, now or later.
    if await turn.uow.cases.get(cluster) is None:
        raise Refused("button_stale")
    await turn.uow.supporters.dismiss(cluster, turn.person.id, turn.now)
    await turn.answer(turn.t("hot_dismissed"))
