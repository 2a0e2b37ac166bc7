"""Law's stories told in residents' words reach law, and other fields' concerns stay out.

The district's lists (config/think_tanks.toml) read a dispute told with no legal word by its
co-occurrence rules: families of everyday words that together say what happened (someone
vanished with the money, the other side denies, a neighbour's wall, an in-law's quarrel). The
sentences here were written for these tests, a few for each family, none taken from the
labelled sets in tests/data. The card names the words that made the decision.
"""

from __future__ import annotations

import pytest

from nlp.classifier import KeywordClassifier
from nlp.dataset import read_examples
from nlp.evaluate import Report, score
from tests.nlp.conftest import DATA


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # A boss, a foreman or a seller who vanished with the money
        ("跟着一个带班的在城里刷墙，干了四十天，带班的卷了钱溜了", "带班的…溜了"),
        ("盖大棚的活干完了，领头的说甲方没结账，拍拍屁股不见人了", "领头的…不见人"),
        # Paid in advance, and the school or the shop shut
        ("给孩子报的游泳班交了三千，去了两回游泳馆就关门了，钱找谁要", "交了…关门"),
        ("在美容院充了五千块的卡，现在店关门了，老板联系不上", "老板…联系不上"),
        # In-laws' quarrels
        ("婆婆嫌俺生的是闺女，天天跟俺干仗，还把俺撵回娘家", "婆婆…干仗"),
        ("小姑子回来就骂俺，说俺占了她家的房", "小姑子…骂"),
        # Blows that broke a bone, wherever they were struck
        ("在村口饭店吃饭，跟老板吵了两句，他上来就动手，把俺鼻梁打断了", "动手…鼻梁"),
        ("在超市门口让人推倒了，胳膊骨折，那人说是俺自己绊倒的", "推倒…胳膊"),
        # The other side denies, or blames the resident
        ("让一辆面包车别倒了，车主说跟他没关系，是俺自己骑得快", "车主…没关系"),
        ("在工地干活让钢管砸伤了腿，包工头说是俺自个儿不注意", "包工头…说是俺"),
        # Neighbours: light taken, water let onto one's side
        ("东邻盖了个三层楼，把俺家院子的光全挡了", "东邻…挡了"),
        ("后邻的猪圈粪水往俺家院里流，说了好几回不管", "后邻…往俺家"),
        # Money lent and not paid back; a field let and paid less than agreed
        ("借给俺妹夫三万块做生意，赔了，现在说没钱还", "借给…没钱还"),
        ("俺把地租给邻村的人种，说好一年给两千，今年只给了一千", "租给…只给"),
    ],
)
def test_a_law_story_without_a_legal_word_reaches_law(
    district: KeywordClassifier, text: str, shown: str
) -> None:
    result = district.classify(text)
    assert result.tank == "law", result
    assert shown in [h.shown for h in result.hits], result.hits


@pytest.mark.parametrize(
    ("text", "tank"),
    [
        # A stall that takes the road is the city's (占道 outweighs economy's 摆摊 and 摊子)
        ("小区门口占道摆摊的把路堵死了，救护车进不来", None),
        ("小区门口占道的摊子把路堵了，车进不来", None),
        # A subsidy promised and not paid is the coordinators', not a broken contract
        ("说好的厕所改造补贴，到现在也没发下来", None),
        # A child bullied at school, a neighbour's noise: no dispute for law's members
        ("孩子在学校让同学欺负了，老师说不归她管", None),
        ("楼上邻居装修，电钻天天响", None),
        # Other tanks' questions that share a word with law's stories (老板, 承包, 担保)
        ("开了个小饭馆，想招个厨师，老板们都上哪招人", "economy"),
        ("想贷款扩建养鸡场，需要啥抵押", "economy"),
        ("俺承包了十亩地种西瓜，今年的瓜秧子长得不好", "agriculture"),
    ],
)
def test_other_fields_concerns_stay_out_of_law(
    district: KeywordClassifier, text: str, tank: str | None
) -> None:
    assert district.classify(text).tank == tank


def test_a_wife_or_a_boss_alone_is_no_dispute(district: KeywordClassifier) -> None:
    # 媳妇 and 老婆 (0.8) need company: a wife looking for work at home is no divorce.
    assert district.classify("媳妇在家闲着，想找个能在家干的手工活").tank != "law"
    assert district.classify("老板说年底给俺们涨工资，是真的不").tank != "law"


def test_a_story_told_with_a_shop_s_words_still_reaches_law(district: KeywordClassifier) -> None:
    # 小卖部 is economy's word (2.0); the blows and the broken teeth are law's story.
    result = district.classify("去村里小卖部买烟，老板嫌俺说话冲，抡起板凳把俺两颗牙打掉了")
    assert result.tank == "law", result
    assert result.scores["law"] > result.scores["economy"]


def _report(district: KeywordClassifier, name: str) -> Report:
    examples = read_examples(DATA / name)
    return score([e.label for e in examples], [district.classify(e.text).tank for e in examples])


def test_the_stories_law_s_rules_were_fitted_to_still_route(district: KeywordClassifier) -> None:
    # law_stories_tuning.csv: six batches of stories written for this, each read after it
    # was scored once and the rules widened for its misses (0.896, law recall 90% since).
    report = _report(district, "law_stories_tuning.csv")
    assert report.accuracy >= 0.87, report.confusion
    assert report.per_label["law"].recall >= 0.87, report.confusion


def test_stories_written_after_the_rules_keep_their_floor(district: KeywordClassifier) -> None:
    # law_stories_check.csv was written after the last change and scored once: 0.683, law
    # recall 50% (the lists before this round: 0.633, 40%), no other field's sent to a tank.
    # Its floor is that less about three points; never tune on its misses.
    report = _report(district, "law_stories_check.csv")
    assert report.accuracy >= 0.65, report.confusion
    assert report.other_to_tank_share <= 0.05, report.confusion
