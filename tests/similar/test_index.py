"""The open cases' index: same tank and place only, explained, exact whatever the order."""

from __future__ import annotations

import random

import pytest

from similar.index import OpenCase, SimilarityIndex
from similar.terms import Featurizer

CANAL = "稻地镇东庄村南边那条水渠塌了好几段，放水的时候全漏了，地头根本没水"
CANAL_AGAIN = "东庄村那条老干渠塌了一截，上游放的水都流到路上了，下游几百亩地浇不上"
WAGES = "包工头老刘欠俺们工钱两万多，说好年底结，到现在一分没见着"
OTHERS = [
    "化肥涨价涨得太厉害，一袋尿素比去年贵了几十块",
    "村里想搞土地流转，可有几户不同意，流转费一亩多少合适",
    "想买台收割机，农机补贴咋申请，需要啥手续",
    "地里的玉米螟挺严重，统防统治啥时候搞",
]


def fill(index: SimilarityIndex) -> None:
    index.add(1, CANAL, "agriculture", "daodi", resident_id=11)
    index.add(2, WAGES, "law", "daodi", resident_id=12)
    for n, text in enumerate(OTHERS, 10):
        index.add(n, text, "agriculture", "daodi")


def test_a_paraphrase_of_an_open_case_is_found_with_the_words_that_made_it(
    index: SimilarityIndex,
) -> None:
    fill(index)
    (match,) = index.similar(CANAL_AGAIN, "agriculture", "daodi")
    assert match.case_id == 1 and match.score >= index.threshold
    assert "塌" in "".join(match.shared_words) or "渠" in "".join(match.shared_words)
    assert all(w in CANAL_AGAIN for w in match.shared_words)


def test_words_are_shown_as_the_resident_wrote_them(index: SimilarityIndex) -> None:
    index.add(1, "17路公交车太少了，早上等半个小时都等不来", None, "fengnan")
    (match,) = index.similar("１７路公交车太少，早上等不来车", None, "fengnan")
    assert "公交车" in match.shared_words
    assert all(w in "１７路公交车太少，早上等不来车" for w in match.shared_words)


def test_another_tank_or_a_place_not_nearby_is_never_offered(index: SimilarityIndex) -> None:
    fill(index)
    assert index.similar(CANAL_AGAIN, "law", "daodi") == []
    assert index.similar(CANAL_AGAIN, "agriculture", "qianying") == []
    assert [m.case_id for m in index.similar(CANAL_AGAIN, "agriculture", "huanggezhuang")] == [1]


def test_located_concerns_farther_than_the_radius_are_not_the_same_problem(
    index: SimilarityIndex,
) -> None:
    index.add(1, CANAL, "agriculture", "daodi", (39.6225, 118.0280))
    near = index.similar(CANAL_AGAIN, "agriculture", "daodi", (39.6240, 118.0300))
    far = index.similar(CANAL_AGAIN, "agriculture", "daodi", (39.7000, 118.2000))
    unknown = index.similar(CANAL_AGAIN, "agriculture", "daodi", None)
    assert [m.case_id for m in near] == [1] and far == [] and [m.case_id for m in unknown] == [1]


def test_a_removed_case_is_never_found_and_a_readded_one_replaces_itself(
    index: SimilarityIndex,
) -> None:
    fill(index)
    assert index.remove(1) and not index.remove(1)
    assert index.similar(CANAL_AGAIN, "agriculture", "daodi") == []
    index.add(1, CANAL, "agriculture", "daodi")
    index.add(1, CANAL, "agriculture", "daodi")
    assert len(index) == 6
    assert [m.case_id for m in index.similar(CANAL_AGAIN, "agriculture", "daodi")] == [1]


def test_scores_do_not_depend_on_the_order_cases_were_added(featurizer: Featurizer) -> None:
    texts = [CANAL, WAGES, *OTHERS, CANAL.replace("东庄", "西庄")]
    results = []
    for seed in (1, 2, 3):
        order = list(enumerate(texts, 1))
        random.Random(seed).shuffle(order)
        index = SimilarityIndex(featurizer)
        for case_id, text in order:
            index.add(case_id, text, "agriculture", "daodi")
        results.append(index.similar(CANAL_AGAIN, "agriculture", "daodi", k=5))
    bulk = SimilarityIndex(featurizer)
    bulk.extend(OpenCase(i, t, "agriculture", "daodi") for i, t in enumerate(texts, 1))
    results.append(bulk.similar(CANAL_AGAIN, "agriculture", "daodi", k=5))
    assert results[0] and all(r == results[0] for r in results)


def test_k_exclude_and_bad_input(index: SimilarityIndex) -> None:
    fill(index)
    index.add(3, CANAL + "，求帮忙", "agriculture", "daodi")
    assert [m.case_id for m in index.similar(CANAL, "agriculture", "daodi", k=1)] == [1]
    assert [m.case_id for m in index.similar(CANAL, "agriculture", "daodi", exclude=[1])] == [3]
    for text in ("", "   ", "\x00\x01\x02", "<b>'; DROP TABLE cases;--</b>", "=1+1", "😀" * 50):
        assert index.similar(text, "agriculture", "daodi") == []
    huge = CANAL_AGAIN * 10_000
    assert [m.case_id for m in index.similar(huge, "agriculture", "daodi")][:1] in ([1], [3])
    with pytest.raises(ValueError, match="32 bits"):
        index.add(2**40, CANAL, "agriculture", "daodi")
    assert index.similar(CANAL, "agriculture", "daodi", k=0) == []


def test_scores_stay_exact_when_only_the_rarest_postings_are_read(
    featurizer: Featurizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from similar import index as module
    from tests.bench.similar_corpus import open_cases, vary

    corpus = list(open_cases(600, seed=3))
    full = SimilarityIndex(featurizer)
    full.extend(OpenCase(c.id, c.text, c.tank, "daodi") for c in corpus)
    rng = random.Random(5)
    queries = [(vary(c.text, rng), c.tank) for c in rng.sample(corpus, 20)]
    unbounded = [full.similar(text, tank, "daodi", k=5) for text, tank in queries]
    monkeypatch.setattr(module, "BUDGET", 40)  # far fewer postings than the block holds
    bounded = [full.similar(text, tank, "daodi", k=5) for text, tank in queries]
    for (text, _), found in zip(queries, bounded, strict=True):
        terms = featurizer.terms(text)
        for match in found:
            exact = full.cosine(terms, featurizer.terms(corpus[match.case_id - 1].text))
            assert match.score == pytest.approx(exact, abs=1e-3)
    assert [[m.case_id for m in f][:1] for f in bounded] == [
        [m.case_id for m in f][:1] for f in unbounded
    ]
