"""Labelled messages from a CSV file, checked, with errors that say what to fix."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

TEXT = "text"
LABEL = "label"


class DataError(ValueError):
    """A data file that cannot be used, with the reason."""


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled message."""

    text: str
    label: str


def _decode(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as e:
        raise DataError(f"{path}: file not found") from e
    except IsADirectoryError as e:
        raise DataError(f"{path}: is a directory, not a CSV file") from e
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataError(
            f"{path}: not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {e.start}); "
            "save it as UTF-8, e.g. `iconv -f GBK -t UTF-8 in.csv > out.csv` for a GBK file"
        ) from e


def read_examples(path: Path) -> list[Example]:
    """Read a UTF-8 CSV with `text` and `label` columns; other columns are ignored."""
    content = _decode(path)
    if not content.strip():
        raise DataError(f"{path}: empty file; expected a header line with text and label columns")
    reader = csv.DictReader(io.StringIO(content, newline=""), strict=True)
    header = [h.strip() for h in reader.fieldnames or ()]
    missing = [c for c in (TEXT, LABEL) if c not in header]
    if missing:
        raise DataError(
            f"{path}: missing column(s) {', '.join(missing)}; "
            f"the header has: {', '.join(header) or 'nothing'}"
        )
    reader.fieldnames = header
    examples: list[Example] = []
    problems: list[str] = []
    try:
        for row in reader:
            text, label = (row.get(TEXT) or "").strip(), (row.get(LABEL) or "").strip()
            if not label:
                problems.append(f"line {reader.line_num}: empty label")
            elif not text:
                problems.append(f"line {reader.line_num}: empty text")
            else:
                examples.append(Example(text, label))
    except csv.Error as e:
        raise DataError(f"{path}: line {reader.line_num}: not valid CSV: {e}") from e
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise DataError(f"{path}: {'; '.join(problems[:5])}{more}")
    if not examples:
        raise DataError(f"{path}: no rows after the header")
    return examples


def require_labels(examples: list[Example], path: Path, at_least: int = 2) -> list[str]:
    """The sorted distinct labels, or a DataError when there are fewer than `at_least`."""
    labels = sorted({e.label for e in examples})
    if len(labels) < at_least:
        raise DataError(
            f"{path}: {len(labels)} distinct label(s) ({', '.join(labels)}); "
            f"learning needs at least {at_least}"
        )
    return labels
