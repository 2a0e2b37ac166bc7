"""The page of a Chinese official document (GB/T 9704-2012, 党政机关公文格式) in python-docx.

A4; top margin 37 mm, left 28 mm, type area 156 x 225 mm (so bottom 35 mm, right 26 mm); 22
lines a page from the line grid (docGrid linePitch) and exact 28.95 pt line spacing, for programs
that ignore the grid; 28 characters a line from spacing condensed by 0.25 pt. Body in
仿宋_GB2312 3号 (16 pt), title in 方正小标宋简体 2号 (22 pt), first-level headings (一、) in 黑体,
second-level ones (（一）) in 楷体_GB2312, page numbers "— 1 —" in 4号 宋体 below the type
area, odd pages right, even pages left. python-docx names only the Latin font of a run; every
run here also names its East-Asian font in `w:rFonts/@w:eastAsia`, which Word and WPS use for
Chinese, and the font table gives each an `altName` to fall back to where the official font is
not installed.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, date
from typing import TYPE_CHECKING

from documents.font_table import with_font_table

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

PAGE_MM = (210.0, 297.0)
MARGINS_MM = {"top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0}
CHARS_PER_LINE = 28
LINES_PER_PAGE = 22
LINE_PITCH_PT = 28.95  # 22 lines in the 225 mm type area
BODY_PT = 16.0  # 3号
TITLE_PT = 22.0  # 2号
MASTHEAD_PT = 36.0  # 小初, the red masthead of a report
PAGE_NUMBER_PT = 14.0  # 4号
# A 3号 character is 16 pt wide; 28 fit in the 156 mm line (442.2 pt) only 0.21 pt narrower. Word's
# character grid (docGrid linesAndChars, charSpace) squeezes them, but LibreOffice gives a
# character wider than its cell two cells (14 a line), so the text is condensed by 0.25 pt (in
# twentieths of a point) in the document's defaults and the grid fixes the lines only.
CONDENSED_TWIPS = -5
FOOTER_MM = 23.0  # puts the page number's top 7 mm below the type area
RED = "FF0000"
# What may follow w:pBdr in w:pPr (the schema fixes the order of its children).
_AFTER_BORDERS = (
    *("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct"),
    *("w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd"),
    *("w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:jc"),
)
_AFTER_SNAP = _AFTER_BORDERS[_AFTER_BORDERS.index("w:spacing") :]
_SECOND_LEVEL = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")


@dataclass(frozen=True, slots=True)
class Face:
    """A run's fonts: the East-Asian one, what to fall back to, and the Latin one."""

    east_asian: str
    fallback: str
    latin: str = "Times New Roman"


TITLE = Face("方正小标宋简体", "宋体")
BODY = Face("仿宋_GB2312", "仿宋")
HEADING = Face("黑体", "SimHei")
SUBHEADING = Face("楷体_GB2312", "楷体")
NUMBERS = Face("宋体", "SimSun", latin="宋体")
FACES = (TITLE, BODY, HEADING, SUBHEADING, NUMBERS)


def character_pitch_pt() -> float:
    """How wide each of the 28 characters of a line may be: the type area's width / 28."""
    width_pt = (PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]) / 25.4 * 72
    return width_pt / CHARS_PER_LINE


def new_document() -> Document:
    """An empty document with the page, grid, default fonts and page-numbered footers set."""
    import docx
    from docx.shared import Mm

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.footer_distance = Mm(FOOTER_MM)
    _set_grid(section._sectPr)
    _set_defaults(document)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], odd=True)
    _page_number(section.even_page_footer.paragraphs[0], odd=False)
    return document


def set_face(run: Run, face: Face, size_pt: float, bold: bool = False, color: str = "") -> Run:
    """Give a run its Latin and East-Asian fonts, size, weight and colour."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = face.latin
    run.font.size = Pt(size_pt)
    run.font.bold = bold or None
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), face.east_asian)
    fonts.set(qn("w:hint"), "eastAsia")
    return run


def paragraph(
    document: Document,
    text: str,
    face: Face = BODY,
    size_pt: float = BODY_PT,
    align: str = "justify",
    indent_chars: int = 0,
    line_pt: float = LINE_PITCH_PT,
    color: str = "",
) -> Paragraph:
    """A paragraph of one run; indent_chars is the first line's indent in characters."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = document.add_paragraph()
    p.alignment = getattr(WD_ALIGN_PARAGRAPH, align.upper())
    _spacing(p, line_pt)
    if indent_chars:
        _first_line_indent(p, indent_chars)
    if text:
        set_face(p.add_run(text), face, size_pt, color=color)
    return p


def title(document: Document, text: str) -> Paragraph:
    """The title: 2号 小标宋, centred, its lines one pitch apart (off the line grid, which would
    give a 22 pt line two)."""
    p = paragraph(document, text, TITLE, TITLE_PT, align="center")
    off_grid(p)
    return p


def off_grid(p: Paragraph) -> None:
    """Let a paragraph's own line spacing stand instead of snapping it to the line grid."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    p._p.get_or_add_pPr().insert_element_before(snap, *_AFTER_SNAP)


def heading(document: Document, text: str) -> Paragraph:
    """A first-level heading (一、...): 3号 黑体, indented two characters, kept on the page of
    the text that follows it."""
    p = paragraph(document, text, HEADING, indent_chars=2)
    p.paragraph_format.keep_with_next = True
    return p


def body(document: Document, lines: list[str]) -> None:
    """Body paragraphs indented two characters; one opening with （一） has that heading (up to
    its first 。) in 楷体."""
    for line in lines:
        if not _SECOND_LEVEL.match(line):
            paragraph(document, line, indent_chars=2)
            continue
        end = line.find("。") + 1 or len(line)
        p = paragraph(document, "", indent_chars=2)
        set_face(p.add_run(line[:end]), SUBHEADING, BODY_PT)
        if line[end:]:
            set_face(p.add_run(line[end:]), BODY, BODY_PT)


def red_rule(p: Paragraph) -> None:
    """A red line under a paragraph: the separator under a masthead."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "18"), ("space", "4"), ("color", RED)):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    p._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_BORDERS)


def to_bytes(document: Document, title_text: str, author: str, written: date) -> bytes:
    """The .docx file: its properties name the issuing office only, and its font table gives
    every font its fallback."""
    from datetime import datetime

    props = document.core_properties
    props.title, props.author, props.last_modified_by = title_text, author, author
    props.comments = props.subject = props.keywords = props.category = ""
    moment = datetime(written.year, written.month, written.day, tzinfo=UTC)
    props.created = props.modified = moment
    props.revision = 1
    out = io.BytesIO()
    document.save(out)
    return with_font_table(out.getvalue(), FACES)


def _set_grid(sect_pr: object) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    grid = sect_pr.find(qn("w:docGrid"))  # type: ignore[attr-defined]
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)  # type: ignore[attr-defined]
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))


def _set_defaults(document: Document) -> None:
    """Normal text in 仿宋 3号 at the grid's pitch, condensed to 28 a line, no space between
    paragraphs, Chinese."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for slot, name in (("ascii", BODY.latin), ("hAnsi", BODY.latin), ("eastAsia", BODY.east_asian)):
        fonts.set(qn(f"w:{slot}"), name)
    defaults.find(qn("w:sz")).set(qn("w:val"), str(round(BODY_PT * 2)))
    defaults.find(qn("w:szCs")).set(qn("w:val"), str(round(BODY_PT * 2)))
    condensed = OxmlElement("w:spacing")
    condensed.set(qn("w:val"), str(CONDENSED_TWIPS))
    defaults.find(qn("w:sz")).addprevious(condensed)
    lang = defaults.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = Pt(LINE_PITCH_PT)


def _spacing(p: Paragraph, line_pt: float) -> None:
    from docx.shared import Pt

    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = Pt(line_pt)


def _first_line_indent(p: Paragraph, chars: int) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    p.paragraph_format.first_line_indent = Pt(BODY_PT * chars)
    ind = p._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def _page_number(p: Paragraph, odd: bool) -> None:
    """— n — in 4号 宋体: odd pages right, even pages left, one character in from the edge."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    edge = Pt(PAGE_NUMBER_PT)
    if odd:
        p.paragraph_format.right_indent = edge
    else:
        p.paragraph_format.left_indent = edge
    set_face(p.add_run("— "), NUMBERS, PAGE_NUMBER_PT)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    number = set_face(p.add_run("1"), NUMBERS, PAGE_NUMBER_PT)
    number._r.addprevious(field)
    field.append(number._r)
    set_face(p.add_run(" —"), NUMBERS, PAGE_NUMBER_PT)
