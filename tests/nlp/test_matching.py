"""What a keyword matches: the longer word wins, glued one-character words, typos, English."""

from __future__ import annotations

import pytest

from core.models import KeywordHit, ThinkTank
from nlp.classifier import KeywordClassifier
from nlp.tokenizer import Tokenizer


def tank(code: str, keywords: dict[str, float]) -> ThinkTank:
    """A tank with only what the classifier reads."""
    return ThinkTank(code, code, code, keywords=keywords)


@pytest.fixture
def lists(tokenizer: Tokenizer) -> KeywordClassifier:
    tanks = [
        tank(
            "law",
            {"担保": 1.5, "担保人": 2.5, "官司": 3.0, "打官司": 3.0, "工资": 0.8, "拖欠 工资": 2.0},
        ),
        tank("economy", {"担保公司": 3.0, "贷款": 2.5, "公司": 0.6}),
        tank("agri", {"种": 1.0, "地": 0.8, "化肥": 3.0, "农药": 3.0}),
        tank("say", {"告": 1.5, "公证": 2.5}),
    ]
    return KeywordClassifier(tanks, tokenizer)


def test_a_shorter_keyword_is_not_counted_inside_a_longer_one_that_matched(
    lists: KeywordClassifier,
) -> None:
    guarantor = lists.classify("给人当担保人，现在他跑了")
    assert guarantor.hits == (KeywordHit("担保人", 2.5),)
    assert guarantor.scores["law"] == 2.5
    lawsuit = lists.classify("打官司要多少钱")
    assert lawsuit.hits == (KeywordHit("打官司", 3.0),)
    # The longer word of another tank wins too: 担保公司 is economy's, its 担保 is not law's.
    company = lists.classify("担保公司收的费太高")
    assert company.tank == "economy" and company.scores["law"] == 0.0
    assert company.hits == (KeywordHit("担保公司", 3.0),)
    # A phrase covers its words: 工资 inside 拖欠 工资 counts once, the 工资 alone once more.
    owed = lists.classify("拖欠 工资，工资")
    assert {h.keyword: h.count for h in owed.hits} == {"拖欠 工资": 1, "工资": 1}


def test_two_keywords_that_overlap_in_a_word_count_once(tokenizer: Tokenizer) -> None:
    lists = KeywordClassifier(
        [
            tank("agri", {"养鸡": 3.0, "鸡场": 3.0}),
            tank("law", {"拖欠": 2.5, "工资": 0.8}),
        ],
        tokenizer,
    )
    # 养鸡场 is one word to jieba: 养鸡 and 鸡场 share 鸡, so it is read as the earlier one.
    farm = lists.classify("在养鸡场干活")
    assert [(h.keyword, h.count) for h in farm.hits] == [("养鸡", 1)]
    assert farm.scores["agri"] == 3.0
    # Words side by side in one word share nothing: both count (拖欠工资: 拖欠 and 工资).
    owed = lists.classify("厂里拖欠工资")
    assert {h.keyword for h in owed.hits} == {"拖欠", "工资"}


@pytest.mark.parametrize(
    ("text", "tank_code", "written"),
    [
        ("地没人种了", "agri", "种"),  # jieba: 地|没|人种|了
        ("俺家的地来种吧", "agri", "种"),  # jieba: 地来种
        ("俺想告他", "say", "告"),  # jieba: 想告
        ("把人告了", "say", "告"),  # jieba: 人告
    ],
)
def test_a_one_character_keyword_matches_where_jieba_glued_it(
    lists: KeywordClassifier, text: str, tank_code: str, written: str
) -> None:
    result = lists.classify(text)
    assert result.best == tank_code, result
    assert written in [h.keyword for h in result.hits]


@pytest.mark.parametrize("text", ["各种问题都有", "在这种情况下", "告诉他一声", "广告太多"])
def test_a_one_character_keyword_stays_out_of_real_words(
    lists: KeywordClassifier, text: str
) -> None:
    assert lists.classify(text).hits == (), text


@pytest.mark.parametrize(
    ("text", "keyword", "written"),
    [
        ("想申请代款，利息太高", "贷款", "代款"),
        ("农要打了不管用", "农药", "农要"),
        ("化废涨得太厉害", "化肥", "化废"),
    ],
)
def test_a_typo_of_a_keyword_matches_and_is_shown_as_written(
    lists: KeywordClassifier, text: str, keyword: str, written: str
) -> None:
    result = lists.classify(text)
    assert result.hits, text
    hit = result.hits[0]
    assert (hit.keyword, hit.written) == (keyword, written)


@pytest.mark.parametrize("text", ["这样分不公正", "花费太大了", "他是公私不分"])
def test_a_real_word_that_sounds_like_a_keyword_is_no_typo(
    lists: KeywordClassifier, text: str
) -> None:
    assert lists.classify(text).hits == (), text


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("几户合伙咋分股", "分家"),  # 家 is read gu only in old texts: nobody types 股 for it
        ("墙上震出一道大裂子", "栗子"),  # 栗 is li; lie is a rare reading
        ("离成了婚又咋样", "提成"),  # 提 is ti; 离 and 提 share only chi, rare for both
    ],
)
def test_a_typo_is_typed_by_the_keyword_characters_common_reading(
    tokenizer: Tokenizer, text: str, keyword: str
) -> None:
    lists = KeywordClassifier([tank("a", {keyword: 2.0})], tokenizer)
    assert lists.classify(text).hits == (), text


@pytest.fixture
def rules(tokenizer: Tokenizer) -> KeywordClassifier:
    tanks = [
        tank("law", {"没给|不给|不还 + 钱|工钱": 2.0, "不还": 1.0}),
        tank("agri", {"苞米": 1.5}),
    ]
    return KeywordClassifier(tanks, tokenizer)


def test_a_rule_counts_once_when_each_family_has_a_word_anywhere(
    rules: KeywordClassifier,
) -> None:
    # 没给 ... 钱 far apart, 钱 inside the word 给钱: one hit, shown as the words written.
    unpaid = rules.classify("卖给贩子两车苞米，说好月底给钱，到现在也没给")
    assert unpaid.tank == "law"
    assert unpaid.hits == (KeywordHit("没给|不给|不还 + 钱|工钱", 2.0, 1, "钱…没给"),)
    assert unpaid.scores == {"law": 2.0, "agri": 1.5}
    # jieba cuts 不还钱 into 不|还|钱; the rule reads the text, and adds to the keyword 不还.
    owed = rules.classify("亲家五年了不还钱")
    assert {h.keyword: h.shown for h in owed.hits} == {
        "没给|不给|不还 + 钱|工钱": "不还…钱",
        "不还": "不还",
    }
    assert owed.scores["law"] == 3.0
    # A family with no word in the text: the rule counts nothing.
    assert rules.classify("工钱啥时候发").scores["law"] == 0.0
    assert rules.classify("他说了不给").tank is None
    assert rules.classify("苞米的钱").tank == "agri"


def test_a_rule_needs_words_in_every_family() -> None:
    from nlp.keywords import rule_families

    assert rule_families("没给| 不给 + 钱") == (("没给", "不给"), ("钱",))
    assert rule_families("没给 + ") == ()
    assert rule_families("拖欠 工资") == ()


def test_a_word_in_several_rules_counts_for_each(tokenizer: Tokenizer) -> None:
    # 跑了 is in both rules' families: looked for once in the text, it counts for both rules
    # (and for the rule of another tank that holds it), each shown with its own words.
    tanks = [
        tank("law", {"老板|工头 + 跑了|没影": 2.0, "交了|付了 + 跑了|关门": 2.5}),
        tank("other", {"三轮 + 跑了": 1.0}),
    ]
    lists = KeywordClassifier(tanks, tokenizer)
    result = lists.classify("交了三千块钱定金，老板跑了")
    assert {h.shown for h in result.hits} == {"老板…跑了", "交了…跑了"}
    assert result.scores == {"law": 4.5, "other": 0.0}
    assert lists.classify("三轮跑了").scores == {"law": 0.0, "other": 1.0}
