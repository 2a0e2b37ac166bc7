"""Supporters and the hot topics' memory in the fake database: storage/supporters.py on dicts."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

from core.models import Concern, Supporter, Via
from tests.core.memory_state import MemoryState, stored


class MemorySupporters:
    """Supporters in memory, with the same outcome as the SQL."""

    def __init__(self, state: MemoryState) -> None:
        self.s = state

    async def add(self, supporter: Supporter) -> bool:
        """Store one; False if the person had added their voice to the case already."""
        rows = self.s.supporters
        if supporter.via is Via.VOICE and any(
            r.via is Via.VOICE
            and (r.case_id, r.person_id) == (supporter.case_id, supporter.person_id)
            for r in rows
        ):
            return False
        if supporter.merged_from is not None and any(
            r.merged_from == supporter.merged_from for r in rows
        ):
            return False
        rows.append(stored(supporter))
        return True

    async def of_case(self, case_id: int) -> list[Supporter]:
        """A case's supporters."""
        return [r for r in self.s.supporters if r.case_id == case_id]

    async def of_person(self, person_id: int) -> list[Supporter]:
        """A person's supported cases."""
        return [r for r in self.s.supporters if r.person_id == person_id]

    async def merged_into(self, duplicate_id: int) -> Supporter | None:
        """A duplicate's merge."""
        return next((r for r in self.s.supporters if r.merged_from == duplicate_id), None)

    async def merged_among(self, case_ids: Collection[int]) -> set[int]:
        """Which of these cases are duplicates merged into another."""
        wanted = set(case_ids)
        return {r.merged_from for r in self.s.supporters if r.merged_from in wanted}

    async def unmerge(self, duplicate_id: int) -> None:
        """Forget a duplicate's merge."""
        self.s.supporters = [r for r in self.s.supporters if r.merged_from != duplicate_id]

    async def counts(self, case_ids: Collection[int]) -> dict[int, int]:
        """Residents behind each case besides its author, down the merges."""
        out: dict[int, int] = {}
        for root in set(case_ids):
            case = self.s.cases.get(root)
            people: set[int] = set()
            todo, seen = [root], {root}
            while todo:
                here = todo.pop()
                for r in self.s.supporters:
                    if r.case_id == here:
                        people.add(r.person_id)
                        if r.merged_from is not None and r.merged_from not in seen:
                            seen.add(r.merged_from)
                            todo.append(r.merged_from)
            people.discard(case.resident_id if case is not None else -1)
            if people:
                out[root] = len(people)
        return out

    async def concerns(
        self, since: datetime, until: datetime, established_after: timedelta
    ) -> list[Concern]:
        """The period's cases, merged duplicates left out."""
        merged = {r.merged_from for r in self.s.supporters}
        cases = sorted(
            (
                c
                for c in self.s.cases.values()
                if since < c.created_at <= until and c.id not in merged
            ),
            key=lambda c: (c.created_at, c.id),
        )
        return [
            Concern(
                c.id,
                c.text,
                c.tank,
                c.station,
                c.created_at,
                c.resident_id,
                self.s.people_created[c.resident_id] <= c.created_at - established_after,
                c.location,
            )
            for c in cases
        ]

    async def established(
        self, case_ids: Collection[int], established_after: timedelta
    ) -> dict[int, set[int]]:
        """Supporters known long enough when they came, per case, down the merges."""
        out: dict[int, set[int]] = {}
        for root in case_ids:
            todo, seen = [root], {root}
            while todo:
                here = todo.pop()
                for r in self.s.supporters:
                    if r.case_id != here:
                        continue
                    dup = self.s.cases.get(r.merged_from) if r.merged_from else None
                    came = dup.created_at if dup is not None else r.at
                    if self.s.people_created[r.person_id] <= came - established_after:
                        out.setdefault(root, set()).add(r.person_id)
                    if r.merged_from is not None and r.merged_from not in seen:
                        seen.add(r.merged_from)
                        todo.append(r.merged_from)
        return out

    async def clusters(self) -> dict[int, list[int]]:
        """The clusters remembered."""
        return {k: list(v) for k, v in self.s.hot_clusters.items()}

    async def keep_clusters(self, clusters: Mapping[int, Sequence[int]]) -> None:
        """Replace the clusters remembered."""
        self.s.hot_clusters = {k: sorted(set(v)) for k, v in clusters.items()}

    async def dismissed(self) -> set[int]:
        """Dismissed clusters."""
        return set(self.s.hot_dismissed)

    async def dismiss(self, cluster_id: int, person_id: int, now: datetime) -> None:
        """Dismiss one."""
        self.s.hot_dismissed.add(cluster_id)


def erase_supporter(state: MemoryState, person_id: int, tomb: int) -> None:
    """What erasure does to a person's supporter records: no words (the erased person's own row,
    without identity, keeps them counted once each)."""
    state.supporters = [
        dataclasses.replace(r, text=None) if r.person_id == person_id else r
        for r in state.supporters
    ]
