"""A concern's terms: characters and pairs, places lighter, filler never a reason."""

from __future__ import annotations

from similar.terms import CHAR, GRAM, MAX_CHARS, PLACE, Featurizer, explain


def test_a_place_name_counts_half_and_filler_is_no_term(featurizer: Featurizer) -> None:
    terms = featurizer.terms("俺们和平小区暖气不热")
    assert terms.weights[CHAR + "暖"] == 1.0
    assert terms.weights[CHAR + "平"] == 0.5
    assert CHAR + "俺" not in terms.weights
    assert terms.weights[GRAM + "暖气"] == 0.2


def test_place_names_are_found_by_their_ending_not_inside_other_words() -> None:
    assert PLACE.findall("稻地镇东庄村南边那条水渠") == ["稻地镇", "东庄"]
    assert PLACE.findall("地里的庄稼叶子，在镇上洗车，村民都说") == []


def test_explanations_quote_the_resident_and_skip_words_inside_chosen_ones(
    featurizer: Featurizer,
) -> None:
    query = featurizer.terms("包工头拖欠工资ＡＢ")
    shared = [(t, w) for t, w in query.weights.items()]
    words = explain(shared, query)
    assert words and all(w in "包工头拖欠工资ＡＢ" for w in words)
    assert not any(a != b and a in b for a in words for b in words)


def test_a_huge_text_costs_no_more_than_its_first_characters(featurizer: Featurizer) -> None:
    head = "水渠塌了" * (MAX_CHARS // 4)
    assert featurizer.terms(head + "养猪场" * 1000).weights == featurizer.terms(head).weights
