"""The port cuts a long concern before its turn: the turn holding the writer only looks it up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from core.models import Case, CaseStatus
from nlp.tokenizer import Tokenizer
from similar.port import IndexedSimilarCases
from similar.terms import Featurizer

T = TypeVar("T")
WHEN = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
LONG = "村东头的灌溉渠堵了半年，庄稼浇不上水，找了好几次都没人来修。" * 10


class CountingCut:
    """jieba's cut, counting the texts it cuts (a featurizer cuts each text it makes terms of)."""

    def __init__(self) -> None:
        self.cut = Tokenizer().cut
        self.calls = 0

    def __call__(self, text: str) -> list[str]:
        self.calls += 1
        return list(self.cut(text))


async def inline(work: Callable[[], T]) -> T:
    """An offload that runs the work here, recording nothing else."""
    return work()


async def test_a_prepared_text_is_looked_up_and_indexed_without_cutting_it_again() -> None:
    cut = CountingCut()
    port = IndexedSimilarCases(Featurizer(cut))
    earlier = Case(1, 10, LONG, WHEN, WHEN, CaseStatus.OPEN, station="daodi", tank="agriculture")
    await port.add(earlier)
    await port.prepare([LONG + "还是没修"], inline)
    cut_before_turn = cut.calls

    found = await port.similar(LONG + "还是没修", "agriculture", "daodi")
    again = LONG + "还是没修"
    mine = Case(2, 11, again, WHEN, WHEN, CaseStatus.OPEN, station="daodi", tank="agriculture")
    await port.add(mine)

    assert [s.case_id for s in found] == [1]
    assert found[0].words  # the explanation comes from the prepared terms too
    assert cut.calls == cut_before_turn  # nothing cut while the turn ran


async def test_an_unprepared_text_is_still_cut_and_found() -> None:
    port = IndexedSimilarCases(Featurizer(Tokenizer().cut))
    first = Case(1, 10, LONG, WHEN, WHEN, CaseStatus.OPEN, station="daodi", tank="agriculture")
    await port.add(first)
    found = await port.similar(LONG, "agriculture", "daodi")
    assert [s.case_id for s in found] == [1]
