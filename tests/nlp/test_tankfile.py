"""Tanks files through tomlkit: what an edit keeps, and that a refused edit writes nothing."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from config.tanks import ConfigError, load_tanks, parse_tanks
from nlp.tankfile import edit, rewrite
from tests.nlp.test_suggest import TANKS


def test_a_removed_keyword_goes_and_its_neighbours_comments_stay() -> None:
    old = parse_tanks(tomllib.loads(TANKS))
    law = replace(old[0], keywords={k: w for k, w in old[0].keywords.items() if k != "工资"})
    text = edit(TANKS, old, [law, *old[1:]])
    assert '"工资"' not in text and '"欠薪" = 2.0  # owed wages\n"律师" = 2.5\n' in text
    assert parse_tanks(tomllib.loads(text)) == [law, *old[1:]]


def test_a_refused_edit_writes_nothing_and_keeps_no_backup(tmp_path: Path) -> None:
    source = TANKS.replace('[tanks.law.keywords]\n"欠薪" = 2.0  # owed wages\n', "").replace(
        'name_en = "Law"', 'name_en = "Law"\nkeywords = { "欠薪" = 2.0 }'
    )
    path = tmp_path / "tanks.toml"
    path.write_text(source, encoding="utf-8")
    old = load_tanks(path)
    new = [replace(old[0], keywords={**old[0].keywords, "欠薪": 2.5}), *old[1:]]
    with pytest.raises(ConfigError, match=r"inline table.*nothing written"):
        rewrite(path, old, new)
    assert path.read_text(encoding="utf-8") == source
    assert [p.name for p in tmp_path.iterdir()] == ["tanks.toml"]


def test_a_tank_missing_from_the_file_is_refused() -> None:
    old = parse_tanks(tomllib.loads(TANKS))
    ghost = replace(old[2], code="forestry", keywords={"林地": 2.0})
    with pytest.raises(ConfigError, match=r"no \[tanks\.forestry\] table"):
        edit(TANKS, [*old[:2], replace(old[2], code="forestry")], [*old[:2], ghost])


@pytest.mark.parametrize("value", [0, -0.5, 1.5, "0.5", True, float("nan")])
def test_a_bad_rules_outweigh_is_refused(value: object) -> None:
    raw = tomllib.loads(TANKS)
    raw["tanks"]["law"]["rules_outweigh"] = value
    with pytest.raises(ConfigError, match="rules_outweigh"):
        parse_tanks(raw)


def test_rules_outweigh_is_read_and_one_unless_set() -> None:
    raw = tomllib.loads(TANKS)
    raw["tanks"]["law"]["rules_outweigh"] = 0.5
    assert [t.rules_outweigh for t in parse_tanks(raw)] == [0.5, 1.0, 1.0]
    assert next(t for t in load_tanks() if t.code == "law").rules_outweigh == 0.5
