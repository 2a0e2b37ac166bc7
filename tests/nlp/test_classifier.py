"""The classifier: the score, the threshold, the explanation, and hostile input."""

from __future__ import annotations

import math

import pytest

from core.models import KeywordHit, ThinkTank
from nlp.classifier import KeywordClassifier, repeat_value, softmax
from nlp.tokenizer import Tokenizer


def tank(
    code: str, keywords: dict[str, float], threshold: float = 0.0, bias: float = 0.0
) -> ThinkTank:
    """A tank with only what the classifier reads."""
    return ThinkTank(code, code, code, keywords=keywords, threshold=threshold, bias=bias)


@pytest.fixture
def two(tokenizer: Tokenizer) -> KeywordClassifier:
    tanks = [
        tank("law", {"律师": 2.0, "工资": 1.0, "拖欠 工资": 1.5}, threshold=0.6),
        tank("agri", {"冷链": 3.0, "价格": 1.0}, threshold=0.6),
    ]
    return KeywordClassifier(tanks, tokenizer)


def test_score_is_bias_plus_weight_times_one_plus_log_count(tokenizer: Tokenizer) -> None:
    clf = KeywordClassifier(
        [tank("a", {"律师": 2.0}, bias=0.5), tank("b", {}, bias=0.0)], tokenizer
    )
    result = clf.classify("律师，律师，律师")
    assert result.scores["a"] == pytest.approx(0.5 + 2.0 * (1 + math.log(3)))
    assert result.scores["b"] == 0.0
    assert result.confidence == pytest.approx(softmax([result.scores["a"], 0.0])[0])
    assert result.hits == (KeywordHit("律师", 2.0, 3),)
    assert repeat_value(1) == 1.0 and repeat_value(0) == 0.0


def test_phrase_and_word_inside_a_longer_word(two: KeywordClassifier) -> None:
    result = two.classify("老板拖欠我工资，拖欠 工资三个月")
    assert result.tank == "law"
    # The phrase covers its 工资: that one counts once, for the phrase (1.5); the first 工资
    # counts alone (1.0).
    assert [(h.keyword, h.count) for h in result.hits] == [("拖欠 工资", 1), ("工资", 1)]
    inside = two.classify("冷链的价格低")  # 价格低 is one jieba word; 价格 is found inside it
    assert inside.tank == "agri"
    assert [(h.keyword, h.count) for h in inside.hits] == [("冷链", 1), ("价格", 1)]


def test_hits_are_the_best_tanks_strongest_first(two: KeywordClassifier) -> None:
    result = two.classify("请律师看看冷链的事，冷链冷链")
    assert result.tank == "agri"
    assert result.hits == (KeywordHit("冷链", 3.0, 3),)
    assert set(result.scores) == {"law", "agri"}


def test_below_threshold_goes_to_triage_but_names_the_best(two: KeywordClassifier) -> None:
    result = two.classify("工资的事")  # law 1.0 vs agri 0: confidence 0.73 >= 0.6
    assert result.tank == "law"
    tie = two.classify("工资和价格")  # 1.0 vs 1.0: confidence 0.5 < 0.6
    assert tie.tank is None
    assert tie.best == "law"
    assert tie.confidence == pytest.approx(0.5)


def test_no_keyword_is_triage_with_no_best(two: KeywordClassifier) -> None:
    result = two.classify("小区门口的路灯坏了")
    assert (result.tank, result.best, result.confidence, result.hits) == (None, None, 0.0, ())


HOSTILE = [
    "",
    " ",
    "\n\t\r",
    "律" * 10_000,
    "冷链" * 5_000,
    "😀🙏🏽👨‍👩‍👧" * 100,
    "\x00\x01\x02\x7f\ufffd" * 50,
    "".join(chr(i) for i in range(0x20, 0x2000)),
    "\u200b\u200c\u200d\ufeff冷\u200b链",
    "مرحبا بالعالم \u202eلينك\u202c שלום",
    "\ud800\udfff lone surrogates",
    "a" * 30_000,
    "１２３４５６７８９０" * 100,
    "<script>alert(1)</script> ' OR 1=1 --",
    "\U0001f600" * 3000 + "律师",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_classify_never_raises(district: KeywordClassifier, text: str) -> None:
    result = district.classify(text)
    assert 0.0 <= result.confidence <= 1.0
    assert result.tank is None or result.tank in {t.code for t in district.tanks}


def test_bad_tanks_are_refused_at_construction(tokenizer: Tokenizer) -> None:
    with pytest.raises(ValueError, match="at least one"):
        KeywordClassifier([], tokenizer)
    with pytest.raises(ValueError, match="finite"):
        KeywordClassifier([tank("a", {"x": math.nan})], tokenizer)
    with pytest.raises(ValueError, match="finite"):
        KeywordClassifier([tank("a", {"x": 1.0}, bias=math.inf)], tokenizer)


def test_huge_scores_keep_a_sane_confidence(tokenizer: Tokenizer) -> None:
    clf = KeywordClassifier([tank("a", {"律师": 500.0}), tank("b", {"法院": 499.0})], tokenizer)
    result = clf.classify("律师 法院")
    assert result.tank == "a"
    assert result.confidence == pytest.approx(1 / (1 + math.exp(-1)))


def test_a_tank_s_rule_outweighs_the_other_tanks_words(tokenizer: Tokenizer) -> None:
    law = ThinkTank("law", "law", "law", keywords={"扣下|扣着 + 赔|要钱": 2.5}, threshold=0.55)
    agri = tank("agri", {"麦苗": 3.0, "羊": 1.0}, threshold=0.55)
    text = "俺家羊啃了邻居的麦苗，他给扣下了，非要俺赔"
    plain = KeywordClassifier([law, agri], tokenizer).classify(text)
    assert plain.tank == "agri" and plain.scores == {"law": 2.5, "agri": 4.0}
    outweighed = ThinkTank(
        "law", "law", "law", keywords=dict(law.keywords), threshold=0.55, rules_outweigh=0.5
    )
    result = KeywordClassifier([outweighed, agri], tokenizer).classify(text)
    assert result.tank == "law" and result.scores == {"law": 2.5, "agri": 2.0}
    assert [h.shown for h in result.hits] == ["扣下…赔"]
    # without the rule, the field's words are scored as ever
    calm = KeywordClassifier([outweighed, agri], tokenizer).classify("羊把麦苗啃了咋办")
    assert calm.tank == "agri" and calm.scores == {"law": 0.0, "agri": 4.0}


def test_a_plain_keyword_of_the_tank_does_not_outweigh(tokenizer: Tokenizer) -> None:
    law = ThinkTank(
        "law", "law", "law", keywords={"赔偿": 1.0, "欠 + 不还": 2.0}, rules_outweigh=0.5
    )
    result = KeywordClassifier([law, tank("agri", {"麦苗": 3.0})], tokenizer).classify(
        "麦苗被水淹了能有赔偿吗"
    )
    assert result.scores == {"law": 1.0, "agri": 3.0} and result.tank == "agri"
