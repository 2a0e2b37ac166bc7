"""Text as the files take it: characters XML cannot carry removed, lengths counted and checked."""

from __future__ import annotations

import re

from documents.errors import FieldTooLong

# XML 1.0 allows tab, line feed, carriage return and everything from U+0020 but the surrogates
# and U+FFFE/U+FFFF; python-docx and openpyxl raise on the rest, so they are dropped here.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BLANK = re.compile(r"\s+")


def clean(text: str) -> str:
    """The text with characters XML cannot carry removed and line ends made \\n."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def count_characters(text: str) -> int:
    """Characters as a report's length is counted: everything but blanks and line ends."""
    return len(_BLANK.sub("", text))


def checked(field: str, text: str, limit: int) -> str:
    """The cleaned text, or FieldTooLong when it is longer than limit."""
    text = clean(text).strip()
    if len(text) > limit:
        raise FieldTooLong(field, len(text), limit)
    return text


def clipped(text: str, limit: int, marker: str) -> str:
    """The cleaned text cut to limit characters, ending in marker (with {length}) when cut."""
    text = clean(text)
    if len(text) <= limit:
        return text
    return text[:limit] + marker.format(length=len(text))


def paragraphs(text: str) -> list[str]:
    """The non-empty lines of a text, each stripped."""
    return [line.strip() for line in clean(text).split("\n") if line.strip()]
