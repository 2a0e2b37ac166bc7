"""The referral bodies file (config/referrals.toml): read and checked once, at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from config.referrals import load_referrals, parse_referrals
from config.tanks import ConfigError
from core import callbacks


def test_the_districts_bodies_load_and_fit_into_button_data() -> None:
    bodies = load_referrals()
    assert [b.code for b in bodies][:2] == ["rexian", "chengguan"]
    assert bodies[0].name_zh == "12345 政务服务便民热线" and bodies[0].contact_en == "call 12345"
    for body in bodies:
        assert body.name_zh and body.name_en
        data = callbacks.pack("refer", "to", 999_999_999_999, body.code)
        parsed = callbacks.parse(data)
        assert parsed is not None and parsed.arg(1) == body.code


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "no [bodies.<code>] tables"),
        ({"bodies": {}}, "no [bodies.<code>] tables"),
        ({"bodies": {"Hot Line": {"name_zh": "热线", "name_en": "hotline"}}}, "bodies.Hot Line:"),
        ({"bodies": {"热线": {"name_zh": "热线", "name_en": "hotline"}}}, "bodies.热线:"),
        ({"bodies": {"a" * 21: {"name_zh": "热线", "name_en": "hotline"}}}, "the code must"),
        ({"bodies": {"rexian": "热线"}}, "bodies.rexian must be a table"),
        ({"bodies": {"rexian": {"name_zh": "热线"}}}, "bodies.rexian: name_en is missing"),
        ({"bodies": {"rexian": {"name_zh": " ", "name_en": "x"}}}, "name_zh is missing"),
        ({"bodies": {"rexian": {"name_zh": "热线", "name_en": 5}}}, "rexian.name_en must be"),
        (
            {"bodies": {"rexian": {"name_zh": "热线", "name_en": "x", "phone": "12345"}}},
            "bodies.rexian: unknown field phone",
        ),
    ],
)
def test_a_bad_body_is_one_line_naming_it(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=r"^referrals: ") as raised:
        parse_referrals(data)
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_a_missing_or_broken_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_referrals(tmp_path / "none.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[bodies.rexian\nname_zh = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_referrals(broken)
