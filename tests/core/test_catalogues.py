"""Every catalogue entry of both locales: the same keys and placeholders, no Latin words in a
Chinese text and no Chinese in an English one; a placeholder left unfilled fails the tests."""

from __future__ import annotations

import logging
import re
import string

import pytest

from core.texts import EN, ZH, MissingPlaceholder, t

# Latin a Chinese text may hold besides tag names, entities, placeholders, /commands, #N and
# digits: words a command takes literally.
LATIN_IN_ZH = {
    "7d": "/stats 7d",
    "30d": "/stats 30d",
    "all": "/stats all",
    "chart": "/stats chart",
    "daodi": "a station's code, as /invite takes it",
    **dict.fromkeys(("new", "show", "file"), "/report's actions"),
    **dict.fromkeys(("accept", "assign", "reply"), "/proposal's actions"),
    **dict.fromkeys(("guest", "list", "minutes", "link"), "/meet's actions"),
    **dict.fromkeys(("report", "proposal"), "what /meet link links to"),
    **dict.fromkeys(("A", "B", "C"), "a reply's grade, as /proposal reply takes it"),
}
_MARKUP = re.compile(r"<[^>]*>|&[a-z]+;|&#\d+;|\{[a-z_]+\}|/[a-z_]+|#\d+")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]*|\d+[A-Za-z]+")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def placeholders(template: str) -> set[str]:
    """The names a template fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_both_locales_have_the_same_keys_and_placeholders() -> None:
    assert sorted(set(ZH) ^ set(EN)) == []
    differ = {k: (placeholders(ZH[k]), placeholders(EN[k])) for k in ZH if k in EN}
    assert {k: v for k, v in differ.items() if v[0] != v[1]} == {}


def test_placeholders_are_plain_names() -> None:
    odd = [
        (key, name, spec, conversion)
        for catalogue in (ZH, EN)
        for key, template in catalogue.items()
        for _, name, spec, conversion in string.Formatter().parse(template)
        if name is not None and (spec or conversion or not name.isidentifier())
    ]
    assert odd == []


def test_no_latin_word_in_a_chinese_text() -> None:
    found = {
        key: words
        for key, template in ZH.items()
        if (words := set(_LATIN.findall(_MARKUP.sub("", template))) - set(LATIN_IN_ZH))
    }
    assert found == {}


def test_no_chinese_in_an_english_text() -> None:
    found = {key: _CJK.findall(template) for key, template in EN.items() if _CJK.search(template)}
    assert found == {}


def test_every_entry_renders_with_its_placeholders_filled() -> None:
    for locale, catalogue in (("zh", ZH), ("en", EN)):
        for key, template in catalogue.items():
            names = placeholders(template)
            filled = t(locale, key, **dict.fromkeys(names, "<x>"))
            assert filled.count("&lt;x&gt;") == sum(template.count(f"{{{n}}}") for n in names)


def test_a_missing_placeholder_fails_in_tests_and_is_logged_in_production(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(MissingPlaceholder, match=r"claimed_toast.*ref"):
        t("zh", "claimed_toast")
    monkeypatch.delenv("MINQING_STRICT_TEXTS")
    with caplog.at_level(logging.ERROR, logger="core.texts"):
        assert t("zh", "claimed_toast") == "您已认领 "
    assert "claimed_toast" in caplog.text and "ref" in caplog.text
