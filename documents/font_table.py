"""A .docx package's font table (word/fontTable.xml), which python-docx has no API for: each
East-Asian font named with the font Word should use where it is not installed (w:altName) and
the Chinese character set (GB2312, 86)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from typing import TYPE_CHECKING
from xml.sax.saxutils import quoteattr

if TYPE_CHECKING:
    from documents.gbt9704 import Face


def font_table(faces: Iterable[Face]) -> bytes:
    """The font table: each face's East-Asian font, with the font to use where it is missing."""
    entries = []
    seen: set[str] = set()
    for face in faces:
        for name, alt, charset in ((face.east_asian, face.fallback, "86"), (face.latin, "", "00")):
            if name in seen:
                continue
            seen.add(name)
            alt_xml = f"<w:altName w:val={quoteattr(alt)}/>" if alt else ""
            entries.append(
                f"<w:font w:name={quoteattr(name)}>{alt_xml}<w:charset w:val={quoteattr(charset)}/>"
                '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
            )
    xml = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        + "".join(entries)
        + "</w:fonts>"
    )
    return xml.encode("utf-8")


def with_font_table(package: bytes, faces: Iterable[Face]) -> bytes:
    """The package with word/fontTable.xml replaced by the faces' table."""
    table = font_table(faces)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = table if item.filename == "word/fontTable.xml" else source.read(item)
            target.writestr(item, data)
    return out.getvalue()
