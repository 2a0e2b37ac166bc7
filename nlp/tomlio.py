"""Writing learned keywords as a think-tanks TOML file that config.tanks.load_tanks reads."""

from __future__ import annotations

import re
from collections.abc import Sequence

from nlp.learn import LearnedLabel

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}

HEADER = """\
# Keywords learned by `python -m nlp learn` from {source}
# ({messages} messages, {labels} labels). Same form and meaning as config/think_tanks.toml:
# a label's score is its bias plus, for each of its keywords found in a message, the keyword's
# weight times (1 + ln count); the confidence is the softmax of the scores over all labels.
# A keyword matches a whole word, or a word inside a longer one (授信 in 授信额度).
# Regenerate rather than edit by hand: weights were fitted together.
"""


def quote(text: str) -> str:
    """A TOML basic string for any text."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def key(text: str) -> str:
    """A TOML key: bare when it can be, quoted otherwise."""
    return text if _BARE.match(text) else quote(text)


def number(value: float) -> str:
    """A float as TOML writes it, without a trailing noise of digits."""
    text = repr(float(value))
    return "0.0" if text == "-0.0" else text


def render(
    labels: Sequence[LearnedLabel],
    source: str,
    messages: int,
    threshold: float = 0.0,
    calibration: str = "",
) -> str:
    """The TOML text of a learned keywords file; `calibration` says how the threshold was set."""
    lines = [HEADER.format(source=source, messages=messages, labels=len(labels))]
    lines += ["[defaults]", *([f"# {calibration}"] if calibration else [])]
    lines += [f"threshold = {number(threshold)}", ""]
    for learned in labels:
        table = f"tanks.{key(learned.label)}"
        lines += [
            f"[{table}]",
            f"name_zh = {quote(learned.label)}",
            f"name_en = {quote(learned.label)}",
            *([f"bias = {number(learned.bias)}"] if learned.bias else []),
            "",
            f"[{table}.keywords]",
        ]
        lines += [f"{quote(word)} = {number(weight)}" for word, weight in learned.keywords.items()]
        lines.append("")
    return "\n".join(lines)
