"""The district's hand-made lists on concerns written the way residents write them."""

from __future__ import annotations

from nlp.classifier import KeywordClassifier
from nlp.dataset import read_examples
from nlp.evaluate import score
from tests.nlp.conftest import DATA

CONCERNS = DATA / "district_concerns.csv"


def test_the_set_is_balanced_with_enough_triage() -> None:
    labels = [e.label for e in read_examples(CONCERNS)]
    assert len(labels) >= 150
    assert set(labels) == {"law", "economy", "agriculture", "triage"}
    assert min(labels.count(x) for x in set(labels)) >= 40


def test_config_lists_reach_ninety_percent(district: KeywordClassifier) -> None:
    examples = read_examples(CONCERNS)
    report = score([e.label for e in examples], [district.classify(e.text).tank for e in examples])
    assert report.accuracy >= 0.9, report.confusion
    # Other fields go to triage rather than to a wrong tank.
    assert report.per_label["triage"].recall >= 0.9


def test_everyday_concerns_land_right(district: KeywordClassifier) -> None:
    assert district.classify("老板拖欠工资三个月了，想申请劳动仲裁").tank == "law"
    assert district.classify("银行的授信额度太低，小店周转不开").tank == "economy"
    assert district.classify("村里的冷链仓库一直没用起来").tank == "agriculture"
    assert district.classify("老旧小区改造啥时候轮到我们").tank is None
    assert district.classify("去年的取暖补贴到现在也没发").tank is None
