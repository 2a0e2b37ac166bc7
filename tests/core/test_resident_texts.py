"""Every text a resident may read, checked as the resident reads it: no office words (案件,
认领, 分派 ...), no command to type where a button will do, no name spaced off its title, and
no text longer than Telegram takes once its placeholders hold the longest values the product
lets into them."""

from __future__ import annotations

import re
import string

import pytest

from config.referrals import load_referrals
from config.tanks import load_stations, load_tanks
from core.channels import limits, splitting
from core.texts import (
    Markup,
    UnusedPlaceholder,
    residents_en,
    residents_zh,
    staff_en,
    staff_zh,
    t,
)

RESIDENTS = {"zh": residents_zh.ZH_RESIDENTS, "en": residents_en.EN_RESIDENTS}
STAFF = {"zh": staff_zh.ZH_STAFF, "en": staff_en.EN_STAFF}
OFFICE_ZH = ("案件", "认领", "分派", "匹配度", "工单", "待认领", "待分派")
OFFICE_EN = re.compile(r"\b(?:case|cases|claim\w*|triage|assign\w*|ticket\w*|match)\b", re.I)
# Texts that answer a command the resident typed, or a long edit's pointer, may name commands.
COMMANDS_ALLOWED = {"unknown_command", "text_clipped_case"}
TOAST_LIMIT = 200  # answerCallbackQuery's text
TOASTS = {"submitted_toast", "cancelled_toast", "skipped_toast", "rated_toast", "button_stale"}
# The longest value each placeholder may hold: user text is cut to 3000 characters (intake's
# MAX_TEXT, casework's MAX_MESSAGE), a name to 128, a case number has at most 12 digits.
LONGEST = {"text": 3000, "reason": 3000, "name": 128, "member": 128, "who": 128}
LONGEST |= {"ref": 13, "number": 12, "command": 33, "phone": 20, "contact": 200}
DEFAULT_LONGEST = 60  # counts, dates, labels from the catalogues
# Filled by a list that core.channels.limits.fit cuts into messages of legal length.
SPLIT = {"timeline"}


def placeholders(template: str) -> set[str]:
    """The names a template fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def longest_names() -> dict[str, int]:
    """The longest configured tank, station and body names."""
    tanks, stations, bodies = load_tanks(), load_stations(), load_referrals()
    return {
        "tank": max(len(n) for tank in tanks for n in (tank.name_zh, tank.name_en)),
        "station": max(len(n) for s in stations for n in (s.name_zh, s.name_en)),
        "body": max(len(n) for b in bodies for n in (b.name_zh, b.name_en)),
    }


def filled(locale: str, key: str) -> str:
    """The text with each placeholder at its longest (in wide characters)."""
    template = RESIDENTS[locale][key]
    lengths = LONGEST | longest_names()
    values = {
        name: Markup("") if name in SPLIT else Markup("测" * lengths.get(name, DEFAULT_LONGEST))
        for name in placeholders(template)
    }
    return t(locale, key, **values)


def words(text: str) -> str:
    """The text without its placeholders and the commands it names."""
    return re.sub(r"\{[a-z_]+\}|/[a-z_]+", "", text)


def test_no_office_word_in_a_residents_text() -> None:
    found = {
        key: [w for w in OFFICE_ZH if w in words(text)]
        for key, text in RESIDENTS["zh"].items()
        if any(w in words(text) for w in OFFICE_ZH)
    }
    found |= {
        f"en:{key}": OFFICE_EN.findall(words(text))
        for key, text in RESIDENTS["en"].items()
        if OFFICE_EN.search(words(text))
    }
    assert found == {}


def test_a_resident_is_never_asked_to_type_a_command() -> None:
    found = {
        (locale, key): re.findall(r"/[a-z]+", text)
        for locale, catalogue in RESIDENTS.items()
        for key, text in catalogue.items()
        if re.search(r"(?<![<\w])/[a-z]+", text)
        and not key.startswith("cmd_")
        and not key.endswith("_usage")
        and key not in COMMANDS_ALLOWED
    }
    assert found == {}


def test_no_space_between_a_name_and_its_title() -> None:
    spaced = re.compile(r"\{(?:member|name)\} +(?:委员|协调员)")
    found = [
        key
        for catalogue in (RESIDENTS["zh"], STAFF["zh"])
        for key, text in catalogue.items()
        if spaced.search(text)
    ]
    assert found == []


def test_both_locales_fill_the_same_placeholders() -> None:
    differ = {
        key: (placeholders(text), placeholders(RESIDENTS["en"][key]))
        for key, text in RESIDENTS["zh"].items()
        if placeholders(text) != placeholders(RESIDENTS["en"].get(key, ""))
    }
    assert differ == {}


def test_no_text_is_longer_than_telegram_takes_when_its_values_are_longest() -> None:
    telegram = limits.CHANNEL_LIMITS["telegram"]
    count = splitting.counter(telegram.unit)
    too_long = {}
    for locale, catalogue in RESIDENTS.items():
        for key in catalogue:
            text = filled(locale, key)
            limit = TOAST_LIMIT if key in TOASTS else telegram.text
            if splitting.measure(text, count) > limit:
                too_long[(locale, key)] = splitting.measure(text, count)
    assert too_long == {}


def test_the_length_check_counts_as_telegram_counts() -> None:
    count = splitting.counter("utf16")
    assert splitting.measure("<b>测</b>" * 10, count) == 10
    assert splitting.measure("😊", count) == 2


def test_a_value_a_text_has_no_place_for_fails_in_tests() -> None:
    with pytest.raises(UnusedPlaceholder, match=r"case_closed.*tank"):
        t("zh", "case_closed", ref="#1", tank="法律")
    assert t("zh", "case_closed", ref="#1").startswith("#1 ")
