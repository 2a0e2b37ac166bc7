"""A button's label typed instead of pressed: which of a step's buttons some text names.

People type what a button says ("确认", "跳过", "Skip", "法律") as often as they press it. A text
names a label when, with emoji, marks and spaces left out and letters folded, it is the label or
its beginning (at least two characters); a text that names two different choices names none.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from core.texts import CATALOGUES


def folded(text: str) -> str:
    """Letters and digits only, case folded: what a typed label is compared by."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN").casefold()


def in_every_locale(key: str) -> list[str]:
    """A catalogue text in every locale (a Chinese resident may type the English label)."""
    return [catalogue[key] for catalogue in CATALOGUES.values() if key in catalogue]


def chosen(typed: str, choices: Iterable[tuple[str, Iterable[str]]]) -> str | None:
    """The one choice (of (choice, its labels) pairs) the text names, a whole label before a
    beginning; None for none or several."""
    word = folded(typed)
    pairs = [(choice, folded(label)) for choice, labels in choices for label in labels]
    whole = {choice for choice, label in pairs if word and word == label}
    begun = {choice for choice, label in pairs if len(word) >= 2 and label.startswith(word)}
    hits = whole or begun
    return hits.pop() if len(hits) == 1 else None
