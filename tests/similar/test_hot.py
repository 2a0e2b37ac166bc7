"""Hot topics: stable clusters, distinct established residents, dismissed stays dismissed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from similar.hot import TITLE_CHARS, Concern, HotTopics, hot_topics
from similar.index import SimilarityIndex
from similar.terms import Featurizer

NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
CANAL = [
    "稻地镇东庄村南边那条水渠塌了好几段，放水的时候全漏了，地头根本没水",
    "东庄村那条老干渠塌了一截，上游放的水都流到路上了，下游几百亩地浇不上",
    "稻地东庄渠道年久失修，渠帮子都塌了，村里说没钱修，俺们种地的干着急",
    "灌溉渠堵了塌了两年了，东庄村的地全靠自己打井，能不能给修修渠",
    "俺是东庄的，村南那条渠漏水漏得厉害，一放水淹了路浇不着地",
]
PIGS = [
    "黄各庄后街有个养猪场，猪粪直接往沟里排，臭得窗户都不敢开",
    "养猪场的粪水流到村西的坑里，黄各庄好几条街都是臭味，能不能管管",
    "黄各庄那个猪场扩建了，现在养了一千多头，臭气熏天，粪便也不处理",
    "黄各庄的养猪场臭气熏天，猪粪往沟里排，俺们窗户都不敢开",
]


# The rest of a week's concerns: other problems, at these places and others.
OTHER_PROBLEMS = [
    "今年麦子打完药叶子发黄，是不是农药有问题，谁能来给看看",
    "种粮补贴今年啥时候发，去年的到现在还没到卡上",
    "玉米收了卖不上价，收粮的压价压得厉害",
    "俺家养了两百头猪，最近好几头不吃食发烧，附近有兽医站吗",
    "大棚里的西红柿得了病，叶子上一块一块的，能不能派个农技员来",
    "俺们几户想成立个合作社，登记注册去哪儿办",
    "果园里的梨树今年开花少，是不是冻着了，有没有技术指导",
    "化肥涨价涨得太厉害，一袋尿素比去年贵了几十块",
    "秋收后秸秆不让烧，拉走又没人要，咋处理",
    "承包的鱼塘今年死了好多鱼，水质去哪儿检测",
    "冰雹把麦子打了一大片，今年的小麦保险理赔咋还没下来",
    "奶站的鲜奶收购价一降再降，养牛的都赔钱",
]


def concern(
    case_id: int, text: str, days_ago: float, resident: int, established: bool = True
) -> Concern:
    station = "daodi" if "东庄" in text or "渠" in text else "huanggezhuang"
    return Concern(
        case_id, text, "agriculture", station, NOW - timedelta(days=days_ago), resident, established
    )


def base() -> list[Concern]:
    canal = [concern(10 + i, t, 6 - i, 100 + i) for i, t in enumerate(CANAL[:3])]
    pigs = [concern(20 + i, t, 5 - i, 200 + i) for i, t in enumerate(PIGS[:3])]
    rest = [concern(300 + i, t, 6.5 - i / 2, 300 + i) for i, t in enumerate(OTHER_PROBLEMS)]
    return canal + pigs + rest


def run(featurizer: Featurizer, concerns: list[Concern], **kwargs: object) -> HotTopics:
    return hot_topics(concerns, SimilarityIndex(featurizer), now=NOW, window=WEEK, **kwargs)  # type: ignore[arg-type]


def test_concerns_of_one_problem_make_one_topic_with_a_short_title(
    featurizer: Featurizer,
) -> None:
    result = run(featurizer, base())
    # as many residents each: the latest first
    assert [sorted(t.case_ids) for t in result.topics] == [[20, 21, 22], [10, 11, 12]]
    pigs, canal = result.topics
    assert canal.id == 10 and canal.residents == 3 and canal.places == ("daodi",)
    assert pigs.last_at == NOW - timedelta(days=3)
    assert all(0 < len(t.title) <= TITLE_CHARS for t in result.topics)
    assert "养猪场" in pigs.title


def test_rerunning_gives_the_same_clusters(featurizer: Featurizer) -> None:
    assert run(featurizer, base()) == run(featurizer, base())


def test_a_cluster_keeps_its_id_and_cases_as_cases_are_added(featurizer: Featurizer) -> None:
    first = run(featurizer, base())
    previous = {c.id: c.case_ids for c in first.clusters}
    more = [
        *base(),
        concern(13, CANAL[3], 1, 103),
        concern(14, CANAL[4], 0.5, 104),
        concern(23, PIGS[3], 1, 203),
    ]
    later = run(featurizer, more, previous=previous)
    by_id = {c.id: c for c in later.clusters}
    for old in first.clusters:
        assert set(old.case_ids) <= set(by_id[old.id].case_ids)
    assert set(by_id[10].case_ids) == {10, 11, 12, 13, 14}
    assert set(by_id[20].case_ids) == {20, 21, 22, 23}
    # the canal's first case leaves the window: the cluster keeps its id
    week_on = hot_topics(
        more,
        SimilarityIndex(featurizer),
        now=NOW + timedelta(days=1.5),
        window=WEEK,
        previous={c.id: c.case_ids for c in later.clusters},
    )
    assert 10 in {c.id for c in week_on.topics} and 10 not in week_on.topics[0].case_ids + (
        week_on.topics[1].case_ids
    )


def test_a_flood_from_new_accounts_or_from_one_account_makes_no_topic(
    featurizer: Featurizer,
) -> None:
    text = "东庄村那条老干渠塌了一截，上游放的水都流到路上了"
    flood = [concern(500 + i, text, 1, 900 + i, established=False) for i in range(50)]
    one = [concern(600 + i, PIGS[0], 1, 77) for i in range(30)]
    result = run(featurizer, flood + one)
    assert result.topics == []
    assert max(c.residents for c in result.clusters) == 1
    # joined to a real problem, the flood adds no resident to it
    result = run(featurizer, base() + flood)
    canal = next(t for t in result.topics if t.id == 10)
    assert canal.residents == 3 and len(canal.case_ids) > 3


def test_a_dismissed_cluster_stays_dismissed_as_cases_join_it(featurizer: Featurizer) -> None:
    first = run(featurizer, base(), dismissed={20})
    assert [t.id for t in first.topics] == [10]
    more = [*base(), concern(23, PIGS[3], 1, 203), concern(24, PIGS[0] + "！", 0.5, 204)]
    later = run(
        featurizer, more, previous={c.id: c.case_ids for c in first.clusters}, dismissed={20}
    )
    assert [t.id for t in later.topics] == [10]
    assert {23, 24} <= set(next(c for c in later.clusters if c.id == 20).case_ids)


def test_ranked_by_established_residents_then_the_latest_and_windowed(
    featurizer: Featurizer,
) -> None:
    concerns = [*base(), concern(23, PIGS[3], 0.1, 203), concern(9, CANAL[4], 30, 109)]
    result = run(featurizer, concerns)
    assert [t.id for t in result.topics] == [20, 10]
    assert 9 not in {i for c in result.clusters for i in c.case_ids}
    assert run(featurizer, concerns, min_residents=5).topics == []


def test_a_title_has_no_word_that_only_one_resident_wrote(featurizer: Featurizer) -> None:
    # One resident signs three of the cluster's concerns with their name: a title never shows
    # it, however rare and often written; the words the residents share make it.
    signed = [
        concern(10, "我叫王建国，东庄村南边那条水渠塌了，放水全漏了", 6, 100),
        concern(11, "我是王建国，东庄村那条水渠又塌了一截，浇不上地", 5, 100),
        concern(15, "王建国再说一次：东庄村水渠塌了没人修", 5, 100),
    ]
    others = [concern(12 + i, t, 4 - i, 101 + i) for i, t in enumerate(CANAL[:3])]
    result = run(featurizer, [*signed, *others, *base()[6:]])
    (canal,) = [t for t in result.topics if 10 in t.case_ids]
    assert canal.title and "王建国" not in canal.title and "水渠" in canal.title, canal.title
