"""Keyword suggestions from corrections: hand-checked weights, the guard, and `--apply` on files.

The small lists below, with threshold 0.55 and three tanks: a tank scoring s alone against 0
and 0 has confidence e^s / (e^s + 2): 0.45 at s = 0.5, 0.53 at 0.8, 0.58 at 1.0, 0.65 at 1.3.
"""

from __future__ import annotations

import asyncio
import tomllib
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import cast

import pytest

import bot
import wiring
from config.tanks import ConfigError, load_tanks, parse_tanks
from core.models import Case, Correction, Person, ThinkTank
from nlp.classifier import KeywordClassifier
from nlp.keyword_update import Change, SuggestOptions
from nlp.suggest import report_lines, suggest
from nlp.tankfile import edit
from nlp.tokenizer import Tokenizer
from storage.db import Database
from storage.unit_of_work import unit_factory

NOW = datetime(2025, 3, 1, tzinfo=UTC)

TANKS = """\
# Test tanks: this header and every comment below must survive an edit.
# (a second line of the header)

[defaults]
threshold = 0.55

[tanks.law]
name_zh = "法律"
name_en = "Law"
domain_words = ["欠薪"]

[tanks.law.keywords]
"欠薪" = 2.0  # owed wages
"工资" = 1.2
"律师" = 2.5

[tanks.economy]
name_zh = "经济"
name_en = "Economy"
# a comment inside a table
domain_words = [
    "小微企业",
    "营业执照",
]

[tanks.economy.keywords]
"企业" = 2.0
"贷款" = 2.5
"补贴" = 0.6

# agriculture last
[tanks.agriculture]
name_zh = "农业"
name_en = "Agriculture"

[tanks.agriculture.keywords]
"种地" = 3.0
"土地" = 1.3
"""

# (case, text, old tank, new tank), oldest first. Case 4 went to triage, then to law.
ROWS = [
    (4, "快递站扣钱不给说法", "law", None),
    (4, "快递站扣钱不给说法", None, "law"),
    (7, "外卖骑手被扣钱了", None, "law"),
    (12, "企业不发工资", "economy", "law"),
    (20, "补贴标准是多少", "economy", None),
    (30, "小区改造占用土地", "agriculture", None),
    (31, "土地确权什么时候办", None, "agriculture"),
    (40, "医保报销太慢", None, "health"),
]


def corrections(rows: Sequence[tuple[int, str, str | None, str | None]]) -> list[Correction]:
    return [Correction(case, text, old, new, 1, "", NOW) for case, text, old, new in rows]


def tanks() -> list[ThinkTank]:
    return parse_tanks(tomllib.loads(TANKS))


@cache
def _tokenizer(words: tuple[str, ...]) -> Tokenizer:
    return Tokenizer(words)


def bot_tokenizer(tanks: Sequence[ThinkTank]) -> Tokenizer:
    """The tokenizer the bot builds (domain words and keywords), one per word list."""
    words = {w for t in tanks for w in (*t.domain_words, *t.keywords)}
    return _tokenizer(tuple(sorted(words)))


def test_suggestion_on_hand_checked_corrections() -> None:
    # #4, #7: no keyword at all; 扣钱 in both: new, 0.5 (0.45, triage) then 1.0 (0.58, law).
    # #12: 工资 (inside 发工资) 1.2 loses to 企业 2.0; round 1: 1.7 vs 1.5 (law, 0.4996 <
    #      0.55), round 2: 工资 2.2 (企业 moves only when economy wins), 0.62: law.
    # #30: should be triage, 土地 1.3 routes it (0.65); 0.8 would not (0.53), but #31, routed
    #      right by 土地 alone, would then go to triage too: that change is dropped.
    # #20, #31 are right already; #40's tank is not in the file.
    result = suggest(corrections(ROWS), tanks(), bot_tokenizer)
    assert result.changes == (
        Change("law", "工资", 1.2, 2.2, (12,)),
        Change("law", "扣钱", None, 1.0, (4, 7)),
        Change("economy", "企业", 2.0, 1.5, (12,)),
    )
    assert [e.case_id for e in result.examples] == [4, 7, 12, 20, 30, 31]
    assert result.unknown == (40,)
    assert result.before == (None, None, "economy", None, "agriculture", "agriculture")
    assert result.after == ("law", "law", "law", None, "agriculture", "agriculture")
    assert (result.right_before, result.right_after) == (2, 5)
    law = result.tanks[0]
    assert list(law.keywords.items())[-1] == ("扣钱", 1.0)
    assert law.domain_words == ("欠薪",)  # jieba keeps 扣钱 whole
    assert result.tanks[2] == tanks()[2]


def test_report_names_tank_keyword_weights_and_cases() -> None:
    lines = report_lines(suggest(corrections(ROWS), tanks(), bot_tokenizer))
    assert "法律 law: 工资 1.2 → 2.2 (#12)" in lines
    assert "法律 law: 扣钱 新增 new → 1.0 (#4, #7)" in lines
    assert "经济 economy: 企业 2.0 → 1.5 (#12)" in lines
    assert "效果：现有词表分对 2/6 个案件，建议的词表分对 5/6。" in lines
    assert any("#30 应为 should be 分诊 triage, 现为 now 农业 agriculture" in x for x in lines)
    assert any(x.startswith("跳过 skipped (#40)") for x in lines)


def test_corrections_routed_right_change_nothing() -> None:
    right = [r for r in ROWS if r[0] in (20, 31)]
    result = suggest(corrections(right), tanks(), bot_tokenizer)
    assert result.changes == ()
    assert result.tanks == tuple(tanks())
    assert result.before == result.after == (None, "agriculture")
    assert "没有要修改的关键词。Nothing to suggest." in report_lines(result)


def test_no_corrections_no_suggestion() -> None:
    result = suggest([], tanks(), bot_tokenizer)
    assert (result.examples, result.changes, result.tanks) == ((), (), tuple(tanks()))
    assert report_lines(result)[0].endswith("No corrections yet: nothing to learn.")


def test_no_change_makes_a_right_routing_wrong() -> None:
    without_guard = [r for r in ROWS if r[0] != 31]
    lowered = suggest(corrections(without_guard), tanks(), bot_tokenizer)
    assert Change("agriculture", "土地", 1.3, 0.8, (30,)) in lowered.changes
    guarded = suggest(corrections(ROWS), tanks(), bot_tokenizer)
    assert all(c.keyword != "土地" for c in guarded.changes)
    for e, before, after in zip(guarded.examples, guarded.before, guarded.after, strict=True):
        if before == e.label:
            assert after == e.label, e


def test_a_new_keyword_needs_min_support() -> None:
    once = [r for r in ROWS if r[0] != 7]
    assert all(
        c.keyword != "扣钱" for c in suggest(corrections(once), tanks(), bot_tokenizer).changes
    )
    loose = suggest(corrections(once), tanks(), bot_tokenizer, SuggestOptions(min_support=1))
    # One case gives no reason to prefer one of its words: 快递 and 扣钱 both get 0.5, which
    # together route #4 (1.0: 0.58). Hence the default of two.
    assert [c for c in loose.changes if c.old is None] == [
        Change("law", "快递", None, 0.5, (4,)),
        Change("law", "扣钱", None, 0.5, (4,)),
    ]


def test_a_word_in_a_correction_elsewhere_is_no_candidate() -> None:
    against = [*ROWS, (50, "扣钱的事找谁", None, None)]  # 扣钱, and a person said: triage
    result = suggest(corrections(against), tanks(), bot_tokenizer)
    assert all(c.keyword != "扣钱" for c in result.changes)


class SplittingTokenizer:
    """Words separated by spaces; alone, 快递员 comes out as 快递 员 (as jieba cuts it)."""

    def cut(self, text: str) -> list[str]:
        return ["快递", "员"] if text == "快递员" else text.split()


def test_a_new_keyword_jieba_splits_joins_the_domain_words() -> None:
    rows = [(1, "快递员 扣 钱", None, "law"), (2, "快递员 罚款", None, "law")]
    fake = cast(Tokenizer, SplittingTokenizer())
    result = suggest(corrections(rows), tanks(), lambda _: fake)
    assert result.changes == (Change("law", "快递员", None, 1.0, (1, 2), domain_word=True),)
    assert result.tanks[0].domain_words == ("欠薪", "快递员")


def test_edit_keeps_comments_and_order() -> None:
    before = tanks()
    result = suggest(corrections(ROWS), before, bot_tokenizer)
    text = edit(TANKS, before, result.tanks)
    assert text.splitlines()[:2] == TANKS.splitlines()[:2]
    assert '"欠薪" = 2.0  # owed wages' in text
    assert '"工资" = 2.2\n"律师" = 2.5\n"扣钱" = 1.0\n\n[tanks.economy]' in text
    assert '"企业" = 1.5\n' in text
    removed = [a for a in TANKS.splitlines() if a not in text.splitlines()]
    assert removed == ['"工资" = 1.2', '"企业" = 2.0']
    assert parse_tanks(tomllib.loads(text)) == list(result.tanks)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('domain_words = ["欠薪"]', 'domain_words = ["欠薪", "快递员"]'),
        ("domain_words = []  # none yet", 'domain_words = ["快递员"]  # none yet'),
        ('domain_words = [\n    "欠薪"\n]', 'domain_words = [\n    "欠薪",\n    "快递员",\n]'),
        (
            'domain_words = [\n    "欠薪",  # a\n]',
            'domain_words = [\n    "欠薪",  # a\n    "快递员",\n]',
        ),
        ("", 'name_en = "Law"\ndomain_words = ["快递员"]'),
    ],
)
def test_edit_appends_domain_words(before: str, after: str) -> None:
    source = TANKS.replace('domain_words = ["欠薪"]', before)
    old = parse_tanks(tomllib.loads(source))
    new = [replace(old[0], domain_words=(*old[0].domain_words, "快递员")), *old[1:]]
    text = edit(source, old, new)
    assert after in text
    assert parse_tanks(tomllib.loads(text)) == new


def test_edit_adds_a_missing_keywords_table_and_keeps_crlf() -> None:
    source = TANKS.replace('[tanks.agriculture.keywords]\n"种地" = 3.0\n"土地" = 1.3\n', "")
    source = source.replace("\n", "\r\n")
    old = parse_tanks(tomllib.loads(source))
    new = [*old[:2], replace(old[2], keywords={"种地": 3.0})]
    text = edit(source, old, new)
    assert 'name_en = "Agriculture"\r\n\r\n[tanks.agriculture.keywords]\r\n"种地" = 3.0\r\n' in text
    assert "\n" not in text.replace("\r\n", "")


def test_edit_refuses_a_layout_it_cannot_edit_in_place() -> None:
    source = TANKS.replace('[tanks.law.keywords]\n"欠薪" = 2.0  # owed wages\n', "").replace(
        'name_en = "Law"', 'name_en = "Law"\nkeywords = { "欠薪" = 2.0 }'
    )
    old = parse_tanks(tomllib.loads(source))
    new = [replace(old[0], keywords={**old[0].keywords, "欠薪": 2.5}), *old[1:]]
    with pytest.raises(ConfigError, match="nothing written"):
        edit(source, old, new)


async def _seed(path: Path, rows: Sequence[tuple[int, str, str | None, str | None]]) -> None:
    """Cases and their corrections, through the real repositories."""
    db = await Database.open(path)
    try:
        async with unit_factory(db)() as uow:
            resident = await uow.people.add(Person(0, "telegram", "100", "100"), NOW)
            staff = await uow.people.add(Person(0, "telegram", "200", "200"), NOW)
            cases: dict[int, int] = {}
            for number, text, old, new in rows:
                if number not in cases:
                    case = await uow.cases.add(Case(0, resident.id, text, NOW, NOW, tank=old))
                    cases[number] = case.id
                await uow.corrections.add(
                    Correction(cases[number], text, old, new, staff.id, "", NOW)
                )
            await uow.commit()
    finally:
        await db.close()


def test_cli_suggests_then_applies_into_the_tanks_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tanks_file = tmp_path / "think_tanks.toml"
    tanks_file.write_text(TANKS, encoding="utf-8")
    database = tmp_path / "minqing.db"
    known = [r for r in ROWS if r[3] != "health"]
    numbers = {n: i for i, n in enumerate(dict.fromkeys(r[0] for r in known), 1)}
    asyncio.run(_seed(database, [(numbers[n], t, old, new) for n, t, old, new in known]))
    monkeypatch.chdir(tmp_path)
    for name in ("MINQING_BOT_TOKEN", "MINQING_TOKENIZER", "MINQING_STATIONS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MINQING_THINK_TANKS", str(tanks_file))
    monkeypatch.setenv("MINQING_DATABASE", str(database))

    assert bot.main(["keywords", "suggest"]) == 0
    shown = capsys.readouterr().out
    # Case numbers in the database: 4 -> #1, 7 -> #2, 12 -> #3, 20 -> #4, 30 -> #5, 31 -> #6.
    assert "法律 law: 工资 1.2 → 2.2 (#3)" in shown
    assert "法律 law: 扣钱 新增 new → 1.0 (#1, #2)" in shown
    assert "经济 economy: 企业 2.0 → 1.5 (#3)" in shown
    assert "Add --apply" in shown
    assert tanks_file.read_text(encoding="utf-8") == TANKS

    assert bot.main(["keywords", "suggest", "--apply"]) == 0
    applied = capsys.readouterr().out
    assert applied.splitlines()[:-1] == shown.splitlines()[:-1]  # the same diff
    assert "已写入" in applied
    text = tanks_file.read_text(encoding="utf-8")
    assert (tmp_path / "think_tanks.toml.bak").read_text(encoding="utf-8") == TANKS
    assert [x for x in TANKS.splitlines() if x.startswith("#")] == [
        x for x in text.splitlines() if x.startswith("#")
    ]
    assert "# a comment inside a table" in text and "# owed wages" in text
    loaded = load_tanks(tanks_file)
    assert loaded[0].keywords == {"欠薪": 2.0, "工资": 2.2, "律师": 2.5, "扣钱": 1.0}
    assert loaded[1].keywords["企业"] == 1.5
    classifier = KeywordClassifier(loaded, wiring.build_tokenizer(loaded, "jieba"))
    last = {text: label for _, text, _, label in known}
    for concern, label in last.items():
        if concern != "小区改造占用土地":  # the one the guard left misrouted
            assert classifier.classify(concern).tank == label, concern

    assert bot.main(["keywords", "suggest", "--apply"]) == 0
    again = capsys.readouterr().out
    assert "Nothing to suggest" in again and "未改动 unchanged" in again
    assert tanks_file.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("tanks_file", "database", "setting"),
    [("missing.toml", "m.db", "MINQING_THINK_TANKS"), (None, "missing.db", "MINQING_DATABASE")],
)
def test_cli_with_a_bad_setting_exits_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tanks_file: str | None,
    database: str,
    setting: str,
) -> None:
    (tmp_path / "m.db").touch()
    (tmp_path / "think_tanks.toml").write_text(TANKS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MINQING_THINK_TANKS", str(tmp_path / (tanks_file or "think_tanks.toml")))
    monkeypatch.setenv("MINQING_DATABASE", str(tmp_path / database))
    assert bot.main(["keywords", "suggest"]) == 2
    assert capsys.readouterr().err.startswith(f"minqing: {setting}:")
    assert not (tmp_path / "missing.db").exists()
