"""The CJK font charts draw with: Noto Sans SC (SIL OFL 1.1) from the pylopdf-fonts-zh-cn
package, registered with matplotlib by its path, so no system font is needed or used."""

from __future__ import annotations

import functools
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

FONT_PACKAGE = "pylopdf_fonts_zh_cn"
FONT_FILE = "NotoSansSC-Regular.otf"
FAMILY = "Noto Sans SC"


class FontMissing(RuntimeError):
    """The package that ships the CJK font is not installed."""


@functools.cache
def cjk_font_path() -> str:
    """The font file's path; FontMissing when its package is not installed."""
    try:
        path = resources.files(FONT_PACKAGE) / FONT_FILE
    except ModuleNotFoundError as e:
        raise FontMissing(
            f"{FONT_PACKAGE} is not installed: pip install pylopdf-fonts-zh-cn"
        ) from e
    if not path.is_file():
        raise FontMissing(f"{FONT_FILE} is missing from {FONT_PACKAGE}; reinstall it")
    return str(path)


def cjk_font(size: float | None = None) -> FontProperties:
    """The font's properties (at size points, or matplotlib's default), registered with
    matplotlib's font manager first (so its family name resolves to this file)."""
    from matplotlib import font_manager

    path = cjk_font_path()
    _register(path)
    return font_manager.FontProperties(fname=path, size=size)


@functools.cache
def _register(path: str) -> None:
    """Add the font to matplotlib's font manager, once (a second add would only repeat it)."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(path)


@functools.cache
def covered_code_points() -> frozenset[int]:
    """Every code point the font has a glyph for (its cmap)."""
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(cjk_font_path()).get_charmap())


def uncovered(text: str) -> str:
    """The characters of text the font has no glyph for (blanks and line ends aside), in order,
    each once."""
    covered = covered_code_points()
    missing = dict.fromkeys(ch for ch in text if not ch.isspace() and ord(ch) not in covered)
    return "".join(missing)
