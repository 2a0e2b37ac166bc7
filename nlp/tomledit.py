"""Editing a hand-written think-tanks TOML file in place: weights, new keywords, domain words.

Only the lines that change are touched, so comments, order and layout survive: a changed weight
is replaced where it stands, a new keyword goes at the end of its tank's `[tanks.<code>.keywords]`
table, a new domain word at the end of the tank's `domain_words` array. The edited text is parsed
again and must give exactly the intended tanks; anything else is refused, and nothing written.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from config.tanks import ConfigError, parse_tanks
from core.models import ThinkTank
from nlp.tomlio import key as toml_key
from nlp.tomlio import number as format_number
from nlp.tomlio import quote

_PART = r"""(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)"""
_KEY = rf"{_PART}(?:\s*\.\s*{_PART})*"
_HEADER = re.compile(rf"^\s*\[\s*(?P<key>{_KEY})\s*\]\s*(?:#.*)?$")
_NUMBER = r"[+-]?(?:inf|nan|[0-9][0-9_]*(?:\.[0-9_]+)?(?:[eE][+-]?[0-9_]+)?)"
_ENTRY = re.compile(rf"^(?P<lead>\s*)(?P<key>{_KEY})(?P<eq>\s*=\s*)(?P<rest>.*?)\s*$")
_NUMBER_VALUE = re.compile(rf"^(?P<value>{_NUMBER})(?P<tail>\s*(?:#.*)?)$")


@dataclass(frozen=True, slots=True)
class _Line:
    """One line of the file: its text (end of line apart) and whether it starts outside a value."""

    text: str
    top: bool


def _path(key: str) -> list[str]:
    """The parts of a TOML key as written ("tanks.law", '"法律"')."""
    data: Any = tomllib.loads(f"{key} = 0")
    parts = []
    while isinstance(data, dict):
        (name, data), *_ = data.items()
        parts.append(name)
    return parts


def _scan(text: str) -> list[_Line]:
    """The lines, each marked with whether it starts at the top level (not inside a value)."""
    lines: list[_Line] = []
    depth, multi = 0, ""
    for raw in text.split("\n"):
        top = depth == 0 and not multi
        lines.append(_Line(raw, top))
        if top and _HEADER.match(raw):
            continue
        i = 0
        while i < len(raw):
            if multi:
                if raw[i] == "\\" and multi == '"""':
                    i += 2
                elif raw.startswith(multi, i):
                    i, multi = i + 3, ""
                else:
                    i += 1
                continue
            ch = raw[i]
            if ch == "#":
                break
            if raw.startswith('"""', i) or raw.startswith("'''", i):
                multi, i = raw[i : i + 3], i + 3
            elif ch in "\"'":
                i += 1
                while i < len(raw) and raw[i] != ch:
                    i += 2 if ch == '"' and raw[i] == "\\" else 1
                i += 1
            else:
                depth += (ch in "[{") - (ch in "]}")
                i += 1
    return lines


def _tables(lines: Sequence[_Line]) -> list[tuple[list[str], int, int]]:
    """Each table: its key path and the range of its lines (header excluded)."""
    heads = []
    for n, line in enumerate(lines):
        match = _HEADER.match(line.text) if line.top else None
        if match:
            heads.append((_path(match.group("key")), n))
    ends = [n for _, n in heads[1:]] + [len(lines)]
    return [(path, n + 1, end) for (path, n), end in zip(heads, ends, strict=True)]


def _last_content(lines: Sequence[_Line], start: int, end: int) -> int:
    """The last line in [start, end) with something other than blanks or a comment, or start-1."""
    for n in range(end - 1, start - 1, -1):
        stripped = lines[n].text.strip()
        if stripped and not stripped.startswith("#"):
            return n
    return start - 1


def _array_close(lines: Sequence[_Line], row: int) -> tuple[int, int, tuple[int, int]]:
    """Where the array opened on `row` closes, and its last item's last character before that."""
    depth, last = 0, (row, -1)
    started = False
    for n in range(row, len(lines)):
        raw, i = lines[n].text, lines[n].text.index("=") + 1 if n == row else 0
        while i < len(raw):
            ch = raw[i]
            if ch == "#":
                break
            if ch in "\"'":
                j = i + 1
                while j < len(raw) and raw[j] != ch:
                    j += 2 if ch == '"' and raw[j] == "\\" else 1
                last, i = (n, j), j + 1
                continue
            if ch == "[":
                depth, started = depth + 1, True
            elif ch == "]":
                depth -= 1
                if started and depth == 0:
                    return n, i, last
            if not ch.isspace():
                last = (n, i)
            i += 1
    raise ConfigError("domain_words: the array does not close")


def _add_domain_words(lines: list[_Line], row: int, words: Sequence[str]) -> list[str]:
    """The file's lines with words appended to the array that starts on `row`."""
    texts = [line.text for line in lines]
    close_row, close_col, (last_row, last_col) = _array_close(lines, row)
    items = [quote(w) for w in words]
    last_char = texts[last_row][last_col] if last_col >= 0 else "["
    if close_row > row and not texts[close_row][:close_col].strip():
        if last_char not in ",[":
            texts[last_row] = (
                texts[last_row][: last_col + 1] + "," + texts[last_row][last_col + 1 :]
            )
        item_line = texts[last_row] if last_row > row else "    "
        indent = item_line[: len(item_line) - len(item_line.lstrip())] or "    "
        texts[close_row:close_row] = [indent + ", ".join(items) + ","]
        return texts
    line = texts[close_row]
    joiner = "" if last_char == "[" else (" " if last_char == "," else ", ")
    texts[close_row] = line[:close_col].rstrip() + joiner + ", ".join(items) + line[close_col:]
    return texts


def edit(text: str, before: Sequence[ThinkTank], after: Sequence[ThinkTank]) -> str:
    """The file's text with the keywords and domain words of `after` where `before` differs."""
    newline = "\r\n" if "\r\n" in text else "\n"
    body = text.replace("\r\n", "\n")
    for old, new in zip(before, after, strict=True):
        body = _edit_tank(body, old, new)
    result = body.replace("\n", newline) if newline != "\n" else body
    check(result, after)
    return result


def _edit_tank(body: str, old: ThinkTank, new: ThinkTank) -> str:
    code = old.code
    changed = {k: w for k, w in new.keywords.items() if old.keywords.get(k) != w}
    added_words = [w for w in new.domain_words if w not in old.domain_words]
    if not changed and not added_words:
        return body
    lines = _scan(body)
    tables = {tuple(path): (start, end) for path, start, end in _tables(lines)}
    if ("tanks", code) not in tables:
        raise ConfigError(f"tanks.{code}: no [tanks.{code}] table to edit")
    texts = [line.text for line in lines]
    if changed:
        texts = _edit_keywords(lines, tables, code, changed)
    if added_words:
        lines = _scan("\n".join(texts))
        start, end = {tuple(p): (s, e) for p, s, e in _tables(lines)}[("tanks", code)]
        row = next((n for n in range(start, end) if _key_at(lines[n]) == ["domain_words"]), None)
        if row is None:
            at = _last_content(lines, start, end) + 1
            texts = [line.text for line in lines]
            texts[at:at] = ["domain_words = [" + ", ".join(quote(w) for w in added_words) + "]"]
        else:
            texts = _add_domain_words(lines, row, added_words)
    return "\n".join(texts)


def _key_at(line: _Line) -> list[str] | None:
    match = _ENTRY.match(line.text) if line.top else None
    return _path(match.group("key")) if match else None


def _edit_keywords(
    lines: list[_Line],
    tables: dict[tuple[str, ...], tuple[int, int]],
    code: str,
    changed: dict[str, float],
) -> list[str]:
    texts = [line.text for line in lines]
    todo = dict(changed)
    where = tables.get(("tanks", code, "keywords"))
    if where is not None:
        start, end = where
        for n in range(start, end):
            match = _ENTRY.match(lines[n].text) if lines[n].top else None
            key = _path(match.group("key")) if match else None
            if match is None or key is None or len(key) != 1 or key[0] not in todo:
                continue
            value = _NUMBER_VALUE.match(match.group("rest"))
            if value is None:
                raise ConfigError(f"tanks.{code}.keywords: {key[0]} is not a plain number")
            texts[n] = (
                match.group("lead")
                + match.group("key")
                + match.group("eq")
                + format_number(todo.pop(key[0]))
                + value.group("tail")
            )
    entries = [f"{quote(k)} = {format_number(w)}" for k, w in todo.items()]
    if not entries:
        return texts
    if where is not None:
        at = _last_content(lines, where[0], where[1]) + 1
        texts[at:at] = entries
        return texts
    # No keywords table: one after the tank's own tables, before whatever table follows them.
    after = max(end for path, (_, end) in tables.items() if path[:2] == ("tanks", code))
    at = _last_content(lines, 0, after) + 1
    texts[at:at] = ["", f"[tanks.{toml_key(code)}.keywords]", *entries]
    return texts


def check(text: str, expected: Sequence[ThinkTank]) -> None:
    """Refuse an edit whose text does not load as exactly the expected tanks."""
    try:
        got = parse_tanks(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, ConfigError) as e:
        raise ConfigError(f"the edited file would not load ({e}); nothing written") from e
    if got != list(expected):
        raise ConfigError("the edited file would not say what was meant; nothing written")


def write_atomically(path: Path, text: str) -> Path:
    """Replace a file by a new text in one rename, the old one kept as <name>.bak; returns it."""
    backup = path.with_name(path.name + ".bak")
    shutil.copy2(path, backup)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return backup


def rewrite(path: Path, before: Sequence[ThinkTank], after: Sequence[ThinkTank]) -> Path:
    """Edit the tanks file from `before` to `after` in place; returns the backup's path."""
    text = path.read_bytes().decode("utf-8")
    return write_atomically(path, edit(text, before, after))
