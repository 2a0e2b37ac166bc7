"""Hot topics (热点): the concerns of a window grouped into problems, the most voiced first.

How clusters are made (cluster_concerns), so that the same problem keeps its identity:

1. Only concerns of the window count (now - window < created_at <= now).
2. Each cluster of the previous run keeps the concerns it had that are still in the window (and
   still of its tank), and its id: the case id of the concern that started it.
3. The other concerns, oldest first (ties by case id), each join the cluster of the same tank
   and place whose members they resemble most: the sum of their cosines with the members at
   or above the pair threshold, over the cluster's size, must reach JOIN. Otherwise the concern
   starts a cluster of its own, whose id is its case id. Clusters are never merged or split.

The same input gives the same clusters, and a case added later never moves an earlier one.
Ranking (hot_topics) counts distinct established residents only: a flood of one message from
many new accounts, or of many messages from one account, makes no hot topic. A cluster whose id
is dismissed is never shown, and keeps the concerns that join it, so it stays dismissed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from similar.index import SimilarityIndex
from similar.place import Location
from similar.terms import CHAR, FILLER, HAN, PLACE, Terms

JOIN = 0.1  # the least linkage (sum of cosines over size) to join an existing cluster
NEIGHBOURS = 50  # most similar earlier concerns looked at per concern
MIN_RESIDENTS = 3  # distinct established residents for a cluster to be a hot topic
TITLE_CHARS = 20
TITLE_WORDS = 3
# Words too common in concerns to name a problem (a demonstrative, a time, a place in general).
_TITLE_STOP_WORDS = """
    那条 这条 那座 这座 那家 这家 那边 这边 村里 镇上 一年 今年 去年 好几 不到 起来 以后
    以前 全是 不了 没人 时候 问题 东西 地方 事情 天天 半天 两年 三年 好久 不给 不让
"""
TITLE_STOP = frozenset(_TITLE_STOP_WORDS.split())


@dataclass(frozen=True, slots=True)
class Concern:
    """One case as hot topics see it: who raised it, when, where, in which words."""

    case_id: int
    text: str
    tank: str | None
    station: str | None
    created_at: datetime
    resident_id: int
    established: bool
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Cluster:
    """Concerns that share a problem; id is the case id of the one that started it."""

    id: int
    title: str
    tank: str | None
    case_ids: tuple[int, ...]  # oldest first
    residents: int  # distinct established residents behind it
    places: tuple[str, ...]  # its stations, the most named first
    first_at: datetime
    last_at: datetime


@dataclass(frozen=True, slots=True)
class HotTopics:
    """The clusters to show, ranked, and every cluster (to pass as `previous` next time)."""

    topics: list[Cluster]
    clusters: list[Cluster]


def in_window(concerns: Iterable[Concern], now: datetime, window: timedelta) -> list[Concern]:
    """The concerns raised in the window ending now, oldest first."""
    start = now - window
    return sorted(
        (c for c in concerns if start < c.created_at <= now),
        key=lambda c: (c.created_at, c.case_id),
    )


def cluster_concerns(
    concerns: Sequence[Concern],
    index: SimilarityIndex,
    previous: Mapping[int, Collection[int]] | None = None,
    *,
    join: float = JOIN,
) -> list[Cluster]:
    """Group concerns (oldest first) into clusters, keeping previous clusters' ids and members.

    index: an empty SimilarityIndex (its featurizer, places and threshold are used). The
    concerns of established residents are added to it first, so the IDF is theirs: a flood
    of new accounts can join a cluster but not change how the others are compared;
    previous: cluster id -> its case ids, as the last run returned them.
    """
    ordered = sorted(concerns, key=lambda c: (c.created_at, c.case_id))
    by_id = {c.case_id: c for c in ordered}
    terms = {c.case_id: index.featurizer.terms(c.text) for c in ordered}
    cluster_of: dict[int, int] = {}
    members: dict[int, list[int]] = {}
    tank_of: dict[int, str | None] = {}
    for cluster_id in sorted(previous or {}):
        kept = [i for i in (previous or {})[cluster_id] if i in by_id and i not in cluster_of]
        kept.sort(key=lambda i: (by_id[i].created_at, i))
        kept = [i for i in kept if by_id[i].tank == by_id[kept[0]].tank]
        if kept:
            members[cluster_id] = kept
            tank_of[cluster_id] = by_id[kept[0]].tank
            cluster_of.update(dict.fromkeys(kept, cluster_id))
    for c in ordered:  # the window's concerns of established residents give the IDF
        if c.established:
            index.add_terms(c.case_id, terms[c.case_id].weights, c.tank, c.station, c.location)
    for c in ordered:
        if c.case_id in cluster_of:
            continue
        near = index.similar_terms(
            terms[c.case_id],
            c.tank,
            c.station,
            c.location,
            NEIGHBOURS,
            explained=False,
            only=cluster_of,  # only concerns placed already count
        )
        linkage: dict[int, float] = {}
        for match in near:
            owner = cluster_of[match.case_id]
            linkage[owner] = linkage.get(owner, 0.0) + match.score
        best = max(
            ((total / len(members[k]), -k) for k, total in linkage.items()),
            default=(0.0, 0),
        )
        if best[0] >= join:
            cluster_id = -best[1]
        else:
            cluster_id = c.case_id
            members[cluster_id] = []
            tank_of[cluster_id] = c.tank
        members[cluster_id].append(c.case_id)
        cluster_of[c.case_id] = cluster_id
    return [
        _cluster(cid, [by_id[i] for i in ids], [terms[i] for i in ids], index)
        for cid, ids in sorted(members.items())
    ]


def hot_topics(
    concerns: Iterable[Concern],
    index: SimilarityIndex,
    *,
    now: datetime,
    window: timedelta,
    previous: Mapping[int, Collection[int]] | None = None,
    dismissed: Collection[int] = (),
    min_residents: int = MIN_RESIDENTS,
    limit: int = 10,
) -> HotTopics:
    """The hot topics of the window: by distinct established residents, then the latest."""
    clusters = cluster_concerns(in_window(concerns, now, window), index, previous)
    shown = [c for c in clusters if c.residents >= min_residents and c.id not in dismissed]
    shown.sort(key=lambda c: (-c.residents, -c.last_at.timestamp(), c.id))
    return HotTopics(shown[:limit], clusters)


def _cluster(
    cluster_id: int, concerns: list[Concern], terms: list[Terms], index: SimilarityIndex
) -> Cluster:
    places = Counter(c.station for c in concerns if c.station)
    return Cluster(
        id=cluster_id,
        title=title(terms, index, [c.resident_id for c in concerns]),
        tank=concerns[0].tank,
        case_ids=tuple(c.case_id for c in concerns),
        residents=len({c.resident_id for c in concerns if c.established}),
        places=tuple(p for p, _ in sorted(places.items(), key=lambda kv: (-kv[1], kv[0]))),
        first_at=concerns[0].created_at,
        last_at=max(c.created_at for c in concerns),
    )


def title(
    terms: Sequence[Terms], index: SimilarityIndex, residents: Sequence[int] | None = None
) -> str:
    """A short title: the words most of the concerns' residents share, rarest first, as written.
    A word only one resident wrote (their name, however often they signed with it) is theirs,
    not the problem's: it makes no title once two residents are behind the cluster."""
    who = list(residents) if residents is not None else list(range(len(terms)))
    held: Counter[str] = Counter()
    users: dict[str, set[int]] = {}
    written: dict[str, str] = {}
    for t, resident in zip(terms, who, strict=True):
        for word, as_written in t.written.items():
            if (
                len(word) >= 2
                and HAN.fullmatch(word)
                and word not in FILLER
                and word not in TITLE_STOP
                and not PLACE.fullmatch(word)
            ):
                held[word] += 1
                users.setdefault(word, set()).add(resident)
                written.setdefault(word, as_written)
    need = 2 if len(set(who)) > 1 else 1
    shared = [w for w, n in held.items() if len(users[w]) >= need and (n > 1 or len(terms) == 1)]
    ranked = sorted(shared, key=lambda w: (-held[w] * _rarity(w, index), w))
    chosen: list[str] = []
    for word in ranked:
        if any(word in other or other in word for other in chosen):
            continue
        if len("·".join([*chosen, written[word]])) > TITLE_CHARS:
            break
        chosen.append(written[word])
        if len(chosen) == TITLE_WORDS:
            break
    return "·".join(chosen)


def _rarity(word: str, index: SimilarityIndex) -> float:
    """How rare a word's characters are among the concerns (their mean IDF)."""
    return sum(index.idf(CHAR + ch) for ch in word if ch not in FILLER) / len(word)
