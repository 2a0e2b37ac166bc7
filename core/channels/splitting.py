"""HTML texts measured as their reader sees them, and cut into parts that each fit a limit.

A text is core's HTML (the subset Telegram parses). What counts is the text as shown: a tag counts
nothing, an entity counts as the character it stands for, and the characters are counted in the
channel's unit (UTF-16 code units, UTF-8 bytes or characters). A cut falls at a line break when it
can, inside a long line (at a space when there is one) when it must, and never inside a tag or an
entity; every part closes the tags still open at its end and opens them again at the start of the
next, so each part is valid HTML on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

Unit = Literal["utf16", "utf8", "chars"]
Counter = Callable[[str], int]

# A tag, an entity (only those Telegram decodes stand for one character), a line break, or a run
# of plain text; a '<' or '&' that starts neither is a character of its own.
_TOKEN = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*>"
    r"|&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot);"
    r"|\n|[^<&\n]+|[<&]",
)
_NAMED = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"'}

# (raw HTML, text shown, tag name or "", closing tag)
Token = tuple[str, str, str, bool]
Piece = list[Token]


def counter(unit: Unit) -> Counter:
    """How a channel counts a shown text: UTF-16 code units, UTF-8 bytes or characters."""
    if unit == "utf16":
        return lambda text: len(text.encode("utf-16-le")) // 2
    if unit == "utf8":
        return lambda text: len(text.encode("utf-8"))
    return len


def _shown_entity(raw: str) -> str:
    if raw in _NAMED:
        return _NAMED[raw]
    code = int(raw[3:-1], 16) if raw[2] in "xX" else int(raw[2:-1])
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return raw  # Telegram leaves it as typed
    return chr(code)


def tokens(text: str) -> list[Token]:
    """The text as tags, entities, line breaks and runs of plain text."""
    found: list[Token] = []
    for match in _TOKEN.finditer(text):
        raw = match.group()
        if match.group(2) is not None:
            found.append((raw, "", match.group(2).lower(), match.group(1) == "/"))
        elif raw[0] == "&" and len(raw) > 1:
            found.append((raw, _shown_entity(raw), "", False))
        else:
            found.append((raw, raw, "", False))
    return found


def shown(text: str) -> str:
    """The text as its reader sees it: tags out, entities decoded."""
    return "".join(token[1] for token in tokens(text))


def measure(text: str, count: Counter) -> int:
    """The length of the text as shown, in the channel's unit."""
    return count(shown(text))


def split(text: str, limit: int, count: Counter) -> list[str]:
    """The text in parts of at most limit each, cut at line breaks where possible."""
    pieces: list[tuple[str, Piece]] = []  # (separator before, tokens of one line or of a cut)
    line: Piece = []
    for token in [*tokens(text), ("\n", "\n", "", False)]:
        if token[0] != "\n":
            line.append(token)
            continue
        separator = "\n"
        for cut in _cut_line(line, limit, count):
            pieces.append((separator, cut))
            separator = ""
        line = []
    parts: list[Piece] = []
    part: Piece = []
    used = 0
    for separator, piece in pieces:
        size = sum(count(token[1]) for token in piece)
        gap = count(separator) if part else 0
        if part and used + gap + size > limit:
            parts.append(part)
            part, used, gap = [], 0, 0
        if part:
            part.append((separator, separator, "", False))
        part.extend(piece)
        used += gap + size
    parts.append(part)
    return _balanced(parts)


def clip(text: str, limit: int, count: Counter, tail: str) -> str:
    """The text, or as much of it as fits with tail (HTML) on a line after it."""
    if measure(text, count) <= limit:
        return text
    room = max(limit - measure(tail, count) - count("\n"), 1)
    return split(text, room, count)[0].rstrip() + "\n" + tail


def _cut_line(line: Piece, limit: int, count: Counter) -> list[Piece]:
    """A line longer than the limit in cuts that fit, at a space in their second half if any."""
    if sum(count(token[1]) for token in line) <= limit:
        return [line]
    line = _characters(line)
    known: dict[str, int] = {}  # a long line repeats few characters: count each once
    sizes = [known.get(t[1]) or known.setdefault(t[1], count(t[1])) for t in line]
    cuts: list[Piece] = []
    start, used, space, at_space = 0, 0, -1, 0
    for index, token in enumerate(line):
        size = sizes[index]
        if used + size > limit and index > start:
            end = space + 1 if space >= start and at_space > limit // 2 else index
            cuts.append(line[start:end])
            start, space = end, -1
            used = sum(sizes[start:index])
        used += size
        if token[1].isspace():
            space, at_space = index, used
    cuts.append(line[start:])
    return cuts


def _characters(line: Piece) -> Piece:
    """The line with its runs of plain text as single characters, where a cut may fall."""
    found: Piece = []
    for token in line:
        if token[2] or (token[0][0] == "&" and len(token[0]) > 1):
            found.append(token)
        else:
            found.extend((char, char, "", False) for char in token[0])
    return found


def _balanced(parts: list[Piece]) -> list[str]:
    """Each part as HTML of its own: tags open at a cut are closed before it and reopened after;
    a part with nothing to show is left out."""
    texts: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, raw opening tag)
    for part in parts:
        head = "".join(raw for _, raw in open_tags)
        body: list[str] = []
        for raw, _, name, closing in part:
            body.append(raw)
            if name and not closing:
                open_tags.append((name, raw))
            elif name and open_tags and open_tags[-1][0] == name:
                open_tags.pop()
        tail = "".join(f"</{name}>" for name, _ in reversed(open_tags))
        if any(not token[1].isspace() for token in part if token[1]):
            texts.append(head + "".join(body) + tail)
    return texts or [""]
