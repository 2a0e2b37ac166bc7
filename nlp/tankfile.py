"""Think-tanks TOML files through tomlkit: a learned file written, a hand-written one edited.

An edit changes only the keywords and domain words that differ, in place, so comments, order
and layout survive: a changed weight where it stands, a new keyword at the end of its tank's
`[tanks.<code>.keywords]` table, a new domain word at the end of the tank's `domain_words`
array. The edited text is parsed again and must give exactly the intended tanks; anything else
is refused, and nothing written. The file is replaced in one rename, the old one kept as .bak.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Array, InlineTable, Table

from config.tanks import ConfigError, parse_tanks
from core.models import ThinkTank
from nlp.learn import LearnedLabel

HEADER = """\
Keywords learned by `python -m nlp learn` from {source}
({messages} messages, {labels} labels). Same form and meaning as config/think_tanks.toml:
a label's score is its bias plus, for each of its keywords found in a message, the keyword's
weight times (1 + ln count); the confidence is the softmax of the scores over all labels.
A keyword matches a whole word, or a word inside a longer one (授信 in 授信额度).
Regenerate rather than edit by hand: weights were fitted together."""

_ITEM_INDENT = re.compile(r"\n([ \t]*)[^\s\]#]")


def number(value: float) -> str:
    """A weight as the file and the reports write it, without a trailing noise of digits."""
    return repr(_weight(value))


def _weight(value: float) -> float:
    """A weight as a TOML float, never -0.0."""
    value = float(value)
    return 0.0 if value == 0 else value


def quote(text: str) -> str:
    """A TOML basic string for any text."""
    return tomlkit.string(text).as_string()


def render(
    labels: Sequence[LearnedLabel],
    source: str,
    messages: int,
    threshold: float = 0.0,
    calibration: str = "",
) -> str:
    """The TOML text of a learned keywords file; `calibration` says how the threshold was set."""
    doc = tomlkit.document()
    header = HEADER.format(source=source, messages=messages, labels=len(labels))
    for line in header.splitlines():
        doc.add(tomlkit.comment(line))
    doc.add(tomlkit.nl())
    defaults = tomlkit.table()
    if calibration:
        defaults.add(tomlkit.comment(calibration))
    defaults.add("threshold", _weight(threshold))
    doc.add("defaults", defaults)
    tanks = tomlkit.table(is_super_table=True)
    for learned in labels:
        tank = tomlkit.table()
        tank.add("name_zh", learned.label)
        tank.add("name_en", learned.label)
        if learned.bias:
            tank.add("bias", _weight(learned.bias))
        keywords = tomlkit.table()
        for word, weight in learned.keywords.items():
            keywords.add(word, _weight(weight))
        tank.add("keywords", keywords)
        tanks.add(learned.label, tank)
    doc.add("tanks", tanks)
    return doc.as_string()


def edit(text: str, before: Sequence[ThinkTank], after: Sequence[ThinkTank]) -> str:
    """The file's text with the keywords and domain words of `after` where `before` differs."""
    crlf = "\r\n" in text
    body = text.replace("\r\n", "\n")
    try:
        doc = tomlkit.parse(body)
    except tomlkit.exceptions.TOMLKitError as e:
        raise ConfigError(f"not valid TOML ({e}); nothing written") from e
    for old, new in zip(before, after, strict=True):
        _edit_tank(doc, old, new)
    result = doc.as_string()
    if "\n\n\n" not in body:  # blank lines an insertion doubled, where the author had none
        result = re.sub(r"\n{3,}", "\n\n", result)
    if crlf:
        result = result.replace("\n", "\r\n")
    check(result, after)
    return result


def _edit_tank(doc: tomlkit.TOMLDocument, old: ThinkTank, new: ThinkTank) -> None:
    code = old.code
    changed = {k: w for k, w in new.keywords.items() if old.keywords.get(k) != w}
    removed = [k for k in old.keywords if k not in new.keywords]
    added_words = [w for w in new.domain_words if w not in old.domain_words]
    if not changed and not removed and not added_words:
        return
    tanks: Any = doc.get("tanks")
    tank = tanks.get(code) if isinstance(tanks, Table) else None
    if not isinstance(tank, Table):
        raise ConfigError(f"tanks.{code}: no [tanks.{code}] table to edit; nothing written")
    if changed or removed:
        _edit_keywords(tank, code, changed, removed)
    if added_words:
        _add_domain_words(tank, code, added_words)


def _edit_keywords(tank: Table, code: str, changed: dict[str, float], removed: list[str]) -> None:
    keywords = tank.get("keywords")
    if isinstance(keywords, InlineTable):
        # TOML keeps an inline table on one line: a list that grows belongs in its own table.
        raise ConfigError(
            f"tanks.{code}.keywords is an inline table; make it a [tanks.{code}.keywords] table"
            " to edit it; nothing written"
        )
    if keywords is None:
        keywords = tomlkit.table()
        tank.add("keywords", keywords)
    if not isinstance(keywords, Table):
        raise ConfigError(f"tanks.{code}.keywords is not a table; nothing written")
    for word in removed:
        del keywords[word]
    for word, weight in changed.items():
        keywords[word] = _weight(weight)


def _add_domain_words(tank: Table, code: str, words: Sequence[str]) -> None:
    array = tank.get("domain_words")
    if array is None:
        tank.add("domain_words", list(words))
        return
    if not isinstance(array, Array):
        raise ConfigError(f"tanks.{code}.domain_words is not an array; nothing written")
    written = array.as_string()
    if "\n" not in written:
        array.extend(words)
        return
    indents = _ITEM_INDENT.findall(written)
    for word in words:
        array.add_line(word, indent=indents[-1] if indents else "    ")


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
