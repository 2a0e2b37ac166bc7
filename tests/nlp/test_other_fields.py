"""Words of other fields (路灯, 物业) count against every tank, and the card names them."""

from __future__ import annotations

import json
import tomllib

import pytest

from config.tanks import ConfigError, parse_other_fields
from core.models import KeywordHit, ThinkTank, stored_hit
from core.states import Draft
from nlp.classifier import KeywordClassifier
from nlp.tokenizer import Tokenizer


def tank(code: str, keywords: dict[str, float], threshold: float = 0.55) -> ThinkTank:
    return ThinkTank(code, code, code, keywords=keywords, threshold=threshold)


TANKS = [tank("law", {"撵": 1.5, "律师": 3.0}), tank("agri", {"秸秆": 3.0}), tank("econ", {})]
OTHER = {"班车": 1.5, "公交": 2.0, "烧秸秆": 2.5}


def test_a_word_of_another_field_holds_a_weak_tank_word_in_triage(tokenizer: Tokenizer) -> None:
    text = "通勤班车司机开得忒猛，还没到站就撵人下车"
    assert KeywordClassifier(TANKS, tokenizer).classify(text).tank == "law"
    result = KeywordClassifier(TANKS, tokenizer, OTHER).classify(text)
    assert result.tank is None and result.best == "law"
    assert result.other == pytest.approx(1.5)
    assert KeywordHit("班车", 1.5, 1, "", True) in result.hits
    assert KeywordHit("撵", 1.5, 1) in result.hits  # the tank's word is still told


def test_a_tanks_stronger_word_still_wins(tokenizer: Tokenizer) -> None:
    text = "坐公交的时候跟人吵起来了，想找个律师"
    plain = KeywordClassifier(TANKS, tokenizer).classify(text)
    result = KeywordClassifier(TANKS, tokenizer, OTHER).classify(text)
    assert result.tank == "law" and result.other == 2.0
    assert result.confidence == plain.confidence  # the tanks' softmax is theirs alone
    assert all(not h.other for h in result.hits)  # a routed concern names its tank's words


def test_the_other_fields_count_by_their_strongest_word(tokenizer: Tokenizer) -> None:
    # 公交 2 and 班车 1.5 together count 2, not 3.5: a tank's 3 still outweighs them.
    result = KeywordClassifier(TANKS, tokenizer, OTHER).classify("公交和班车上都有人吵架，找律师")
    assert result.other == 2.0 and result.tank == "law"


def test_a_longer_other_field_word_covers_a_tanks_word_inside_it(tokenizer: Tokenizer) -> None:
    result = KeywordClassifier(TANKS, tokenizer, OTHER).classify("有人烧秸秆，烟呛得人喘不上气")
    assert result.tank is None
    assert result.scores["agri"] == 0.0
    assert [h.keyword for h in result.hits] == ["烧秸秆"]
    assert result.hits[0].other


def test_a_concern_with_no_other_field_word_is_scored_as_without_the_list(
    tokenizer: Tokenizer,
) -> None:
    text = "秸秆还田以后地里出苗不好"
    plain = KeywordClassifier(TANKS, tokenizer).classify(text)
    assert KeywordClassifier(TANKS, tokenizer, OTHER).classify(text) == plain


def test_only_other_field_words_is_triage_naming_them(tokenizer: Tokenizer) -> None:
    result = KeywordClassifier(TANKS, tokenizer, OTHER).classify("公交车一天就两趟")
    assert result.tank is None and result.best is None and result.confidence == 0.0
    assert result.hits == (KeywordHit("公交", 2.0, 1, "", True),)


def test_the_tanks_file_reads_other_fields_in_every_language() -> None:
    raw = tomllib.loads(
        '[other_fields.keywords]\n"路灯" = 2.0\n[other_fields.keywords_en]\n"bus" = 1.5\n'
    )
    assert parse_other_fields(raw) == {"路灯": 2.0, "bus": 1.5}
    assert parse_other_fields({}) == {}
    with pytest.raises(ConfigError, match="must not be negative"):
        parse_other_fields(tomllib.loads('[other_fields.keywords]\n"路灯" = -1\n'))
    with pytest.raises(ConfigError, match="other_fields"):
        parse_other_fields({"other_fields": 3})


def test_an_other_field_hit_survives_storage_and_the_dialog_state() -> None:
    hits = (KeywordHit("路灯", 2.0, 1, "", True), KeywordHit("代款", 3.0, 1, "x"))
    stored = json.loads(json.dumps([stored_hit(h) for h in hits]))
    assert tuple(KeywordHit(*h) for h in stored) == hits
    assert stored_hit(KeywordHit("贷款", 3.0)) == ["贷款", 3.0, 1]  # older rows' form
    draft = Draft(id="d1", hits=hits)
    assert Draft.model_validate(draft.model_dump()).hits == hits


@pytest.mark.parametrize(
    ("text", "tank"),
    [
        ("楼上装修天天砸墙，礼拜天也不消停", None),
        ("通勤班车司机开得忒猛，还没到站就撵人下车", None),
        ("有人烧秸秆，烟呛得人喘不上气", None),
        ("居委会开的证明派出所不认，让俺来回跑", None),
        ("邻居盖房把界墙往俺家挪了半米", "law"),
        ("儿媳妇把俺撵出来了，房子是俺盖的", "law"),
        ("秸秆还田有没有补贴", "agriculture"),
    ],
)
def test_the_district_lists_keep_other_fields_in_triage(
    district: KeywordClassifier, text: str, tank: str | None
) -> None:
    assert district.classify(text).tank == tank, district.classify(text)


@pytest.mark.parametrize(
    ("locale", "line"),
    [
        ("zh", "🚦 提到了“路灯”、“物业”，不像法律、经济、农业智库的领域"),
        ("en", '🚦 Mentions "路灯", "物业": not the field of the Law, Economy, Agriculture'),
    ],
)
def test_the_coordinators_card_names_the_other_fields_words(locale: str, line: str) -> None:
    from datetime import UTC, datetime

    from config.tanks import load_stations, load_tanks
    from core.cases.cards import member_notice
    from core.context import District
    from core.models import Case

    district = District(tuple(load_tanks()), tuple(load_stations()))
    now = datetime(2026, 3, 2, tzinfo=UTC)
    hits = (
        KeywordHit("墙", 0.7),
        KeywordHit("路灯", 2.0, 1, "", True),
        KeywordHit("物业", 2.0, 1, "", True),
    )
    case = Case(1, 1, "楼道的路灯坏了，物业不管，墙也裂了", now, now, keywords=hits)
    card = member_notice(locale, district, case)
    assert line in card, card
    keywords_line = next(x for x in card.splitlines() if "🔑" in x)
    assert "墙" in keywords_line and "路灯" not in keywords_line


def test_the_bot_wires_the_tanks_files_other_fields() -> None:
    import wiring
    from config.settings import Settings

    district = wiring.load_district(Settings())
    assert ("路灯", 2.0) in district.other_fields
    classifier = wiring.build_classifier(district, "jieba")
    result = classifier.classify("通勤班车司机开得忒猛，还没到站就撵人下车")
    assert result.tank is None
    assert [h.shown for h in result.hits if h.other] == ["班车"]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        # Each went to a tank by a word of its own (不还, 临时工, 保洁, 涨价, 小卖部) before the
        # other fields had the words residents name these services with.
        ("城管把俺们小区门口卖菜的老太太的秤给收走了，咋说也不还", "城管"),
        ("残疾人补贴停了，说是俺家有人有工作，俺儿是临时工", "残疾人补贴"),
        ("公共厕所脏得进不去人，保洁一礼拜来一回", "公共厕所"),
        ("冬天供暖费涨了，一平米多收了两块，问了也不说为啥", "供暖费"),
        ("村里小卖部门口的大坑一下雨就积水，孩子放学都得绕着走", "积水"),
    ],
)
def test_another_fields_concern_told_with_a_tanks_word_waits_in_triage_naming_its_word(
    district: KeywordClassifier, text: str, word: str
) -> None:
    from datetime import UTC, datetime

    from config.tanks import load_stations, load_tanks
    from core.cases.cards import member_notice
    from core.context import District
    from core.models import Case

    result = district.classify(text)
    assert result.tank is None, result
    assert word in [h.shown for h in result.hits if h.other], result
    now = datetime(2026, 3, 2, tzinfo=UTC)
    case = Case(1, 1, text, now, now, keywords=result.hits)
    card = member_notice("zh", District(tuple(load_tanks()), tuple(load_stations())), case)
    assert f"提到了“{word}”" in card, card


@pytest.mark.parametrize(
    "text",
    [
        "开个废品收购站需要啥证，环保那块咋弄",  # 收购 is agriculture's too
        "俺跟俩朋友想合伙开个烧烤店，一人出五万够不够",  # 合伙 alone is law's
        "俺会做衣服，想在家接点活，有没有厂子往外发活的",
        "想去县里的职业学校学个汽车修理，学费贵不贵，能包分配不",  # 学校 is another field's
        "俺闺女中专毕业了，想在县城找个会计的活，哪有招的",
    ],
)
def test_an_economy_concern_in_plain_words_reaches_economy(
    district: KeywordClassifier, text: str
) -> None:
    assert district.classify(text).tank == "economy", district.classify(text)


@pytest.mark.parametrize(
    ("text", "tank"),
    [
        # Told with another field's word, still the tank's (both waited in triage before):
        # 电费 1.5 under 厂子 0.8 and 优惠 1; 公交, a workplace too, 1.5 under law's 2.
        ("俺们这个小厂子电费太贵了，一个月光电费就好几万，有没有优惠", "economy"),
        ("俺在公交公司开车，出了事故公司让俺自己赔", "law"),
    ],
)
def test_a_tanks_story_told_with_another_fields_word_still_reaches_its_tank(
    district: KeywordClassifier, text: str, tank: str
) -> None:
    assert district.classify(text).tank == tank, district.classify(text)


@pytest.mark.parametrize(
    "text",
    [
        # Round 3 (issue 13): when and at what standard a house is torn down is housing's;
        # a dispute over the payment (少给, 没给, 强拆) stays law's
        "听说俺们这片要拆迁，补偿标准定了没有",
        # a bus that does not go where the work moved is transport's, not economy's
        "单位搬到开发区了，那边连个公交都没有，天天打车上班",
        "老板把厂搬到工业园区了，没车坐，只能骑车上班",
        # smoke and noise from a shop downstairs are the city's
        "楼下新开了个串店，油烟熏得没法开窗",
    ],
)
def test_demolition_a_missing_bus_and_smoke_from_downstairs_wait_in_triage(
    district: KeywordClassifier, text: str
) -> None:
    assert district.classify(text).tank is None, district.classify(text)


def test_a_demolition_dispute_still_reaches_law(district: KeywordClassifier) -> None:
    assert district.classify("村里拆迁给俺家少算了两间房，找谁说理").tank == "law"
    # 补偿标准 (another field's) covers law's 补偿 inside it: the grievance still tells
    assert district.classify("俺们这片的拆迁补偿标准比隔壁村低，每家少拿好几万").tank == "law"
