"""Telegram HTML to the plain text WeChat and WeCom show, and cutting text to the platforms' limits.

The catalogue's texts are Telegram HTML with every user string escaped: tags are dropped (a link
keeps its text and shows its address), entities are unescaped once, so that a resident's "&lt;"
comes out as "<" and never as markup. Cuts never split a character.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


class _Plain(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._href: str | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._link_text = []
        elif tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            text = "".join(self._link_text)
            self.parts.append(text)
            if self._href and self._href != text:
                self.parts.append(f" ({self._href})")
            self._href = None

    def handle_data(self, data: str) -> None:
        (self._link_text if self._href is not None else self.parts).append(data)


def html_to_plain(text: str) -> str:
    """The text without Telegram HTML tags, entities unescaped, control characters removed."""
    parser = _Plain()
    parser.feed(text)
    parser.close()
    if parser._href is not None:  # an unclosed <a>: keep its text
        parser.parts.extend(parser._link_text)
    return _CONTROL.sub("", "".join(parser.parts))


def one_line(text: str) -> str:
    """The text on one line, runs of whitespace as one space."""
    return _SPACES.sub(" ", text).strip()


def cut_chars(text: str, limit: int, ellipsis: str = "…") -> str:
    """At most `limit` characters, ending in the ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ellipsis))] + ellipsis


def cut_bytes(text: str, limit: int) -> str:
    """The longest prefix whose UTF-8 encoding fits in `limit` bytes."""
    return text.encode()[:limit].decode(errors="ignore")


def split_bytes(text: str, limit: int) -> list[str]:
    """The text in parts of at most `limit` UTF-8 bytes, cut at line ends where possible."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate.encode()) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        while len(line.encode()) > limit:
            head = cut_bytes(line, limit)
            parts.append(head)
            line = line[len(head) :]
        current = line
    if current or not parts:
        parts.append(current)
    return parts
