"""The readings (pinyin without tones) of common Chinese characters, from pypinyin's data.

A typo typed with a pinyin keyboard is a character of the same sound: 代款 for 贷款, 农要 for
农药. Only the 6,763 characters of GB 2312 are kept (what a keyboard offers first); their
readings come from pypinyin's table of every character's readings, read line by line from its
data file without importing pypinyin itself (whose import loads every phrase, some 55 MB).

A typo is typed for a keyword's character by that character's commonest reading, the first
pypinyin lists (家: jia, not its rare gu; 栗: li, not lie): a keyboard offers 股 for gu and 裂
for lie, never for 家 or 栗, so 分股 is no typo of 分家 nor 大裂子 of 栗子.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path

# One line of pypinyin's pinyin_dict.json:  "36151": "dài",
_LINE = re.compile(r'\s*"(\d+)"\s*:\s*"([^"]*)"')
_TONELESS = str.maketrans(
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ",
    "aaaaeeeeiiiioooouuuuvvvvvnnnm",
)


class PinyinUnavailable(RuntimeError):
    """pypinyin is not installed, or its data file is not where it should be."""


def _data_file() -> Path:
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:
        raise PinyinUnavailable("pypinyin is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json"
    if not path.is_file():
        raise PinyinUnavailable(f"pypinyin's table {path} is missing")
    return path


def _common(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


@functools.cache
def _tables() -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    """Each common character's readings without tones, and its commonest one; read once."""
    shared: dict[frozenset[str], frozenset[str]] = {}
    table: dict[str, frozenset[str]] = {}
    first: dict[str, str] = {}
    with _data_file().open(encoding="utf-8") as lines:
        for line in lines:
            match = _LINE.match(line)
            if match is None:
                continue
            char = chr(int(match.group(1)))
            if "\u4e00" <= char <= "\u9fff" and _common(char):
                listed = match.group(2).translate(_TONELESS).split(",")
                sounds = frozenset(listed)
                table[char] = shared.setdefault(sounds, sounds)
                first[char] = listed[0]
    return table, first


def readings() -> dict[str, frozenset[str]]:
    """Each common character's readings without tones (种: zhong, chong)."""
    return _tables()[0]


def sound_alike(typed: str, meant: str) -> bool:
    """True when `typed` has the commonest reading of `meant` (代 for 贷: dai; 股 not for 家)."""
    table, first = _tables()
    sounds, sound = table.get(typed), first.get(meant)
    return sounds is not None and sound is not None and sound in sounds
