"""Every user-facing text, in catalogues (Chinese first, English where the user's language is English), and t(), which renders one; imports nothing else of core.

Texts are Telegram HTML. `t()` escapes every argument unless it is wrapped in `Markup`, so a user's
words can never become markup; an argument that is a `Localized` (a function of the locale, such
as a tank's name) is rendered in the text's locale, so one set of arguments serves every reader.
A placeholder left unfilled is a defect: with MINQING_STRICT_TEXTS=1 (the test suite sets it) it
raises; in production it is logged and left blank, so that a person still gets an answer. A value
given that the text has no place for raises too when strict (in production it is left out).
"""

from __future__ import annotations

import html
import logging
import os
import string
from collections.abc import Callable
from typing import Any

from core.texts.residents_en import EN_RESIDENTS
from core.texts.residents_zh import ZH_RESIDENTS
from core.texts.staff_en import EN_STAFF
from core.texts.staff_zh import ZH_STAFF

# By who reads them: a text a resident may read is in residents_*, one only members and
# coordinators read in staff_* (tests/core/test_catalogues.py keeps them apart).
ZH = ZH_RESIDENTS | ZH_STAFF
EN = EN_RESIDENTS | EN_STAFF
CATALOGUES: dict[str, dict[str, str]] = {"zh": ZH, "en": EN}
STRICT = "MINQING_STRICT_TEXTS"
Localized = Callable[[str], str]

log = logging.getLogger(__name__)


class MissingPlaceholder(KeyError):
    """A catalogue text was rendered without one of its placeholders."""


class UnusedPlaceholder(KeyError):
    """A catalogue text was given a value it has no placeholder for (strict mode only)."""


class _Arguments(dict[str, Any]):
    """A text's arguments: a missing one raises when strict, else is logged and left blank."""

    def __init__(self, key: str, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.key = key

    def __missing__(self, name: str) -> str:
        if os.environ.get(STRICT) == "1":
            raise MissingPlaceholder(f"text {self.key!r} needs {{{name}}}")
        log.error("text %r rendered without {%s}", self.key, name)
        return ""


class Markup(str):
    """A string that is already safe HTML and must not be escaped again."""

    __slots__ = ()


def esc(value: object) -> str:
    """Escape a value for Telegram HTML."""
    return html.escape(str(value), quote=False)


def locale_of(language_code: str | None) -> str:
    """The catalogue to use for a Telegram language code: English for en*, else Chinese."""
    return "en" if (language_code or "").lower().startswith("en") else "zh"


def t(locale: str, key: str, **kwargs: Any) -> str:
    """The text for key in the locale, with its arguments escaped and filled in."""
    catalogue = CATALOGUES.get(locale, ZH)
    template = catalogue.get(key) or ZH[key]
    if kwargs and os.environ.get(STRICT) == "1":
        unused = set(kwargs) - placeholders(template)
        if unused:
            raise UnusedPlaceholder(f"text {key!r} has no place for {sorted(unused)}")
    values = {k: v(locale) if callable(v) else v for k, v in kwargs.items()}
    safe = {k: v if isinstance(v, Markup) else esc(v) for k, v in values.items()}
    return template.format_map(_Arguments(key, safe))


def placeholders(template: str) -> set[str]:
    """The names a catalogue text fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def m(locale: str, key: str, **kwargs: Any) -> Markup:
    """Like t(), marked as safe HTML for nesting into another text."""
    return Markup(t(locale, key, **kwargs))


def shorten(text: str, limit: int) -> str:
    """Cut text to at most limit characters, marking the cut with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
