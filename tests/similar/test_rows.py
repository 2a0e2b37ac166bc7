"""The index as rows: a case indexed from its stored rows is found as if from its text."""

from __future__ import annotations

from similar.index import SimilarityIndex
from similar.rows import term_rows, weights
from similar.terms import Featurizer

CANAL = "稻地镇东庄村南边那条水渠塌了好几段，放水的时候全漏了，地头根本没水"
AGAIN = "东庄村那条老干渠塌了一截，上游放的水都流到路上了，下游几百亩地浇不上"


def test_rows_round_trip_to_the_same_matches(featurizer: Featurizer) -> None:
    from_text, from_rows = SimilarityIndex(featurizer), SimilarityIndex(featurizer)
    from_text.add(7, CANAL, "agriculture", "daodi")
    rows = term_rows(7, featurizer.terms(CANAL, written=False).weights)
    assert all(isinstance(level, int) and 0 < level < 256 for _, _, level in rows)
    from_rows.add_terms(7, weights(rows), "agriculture", "daodi")
    found = from_text.similar(AGAIN, "agriculture", "daodi")
    assert found and found == from_rows.similar(AGAIN, "agriculture", "daodi")
