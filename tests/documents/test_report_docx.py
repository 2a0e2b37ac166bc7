"""The 社情民意信息 .docx: GB/T 9704's page, fonts named for Chinese, 一事一报, and anonymity."""

from __future__ import annotations

import io

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.run import Run

from documents.errors import FieldTooLong, ReportTooLong
from documents.report_docx import REPORT_LIMIT, build_report_docx, report_length
from tests.documents.samples import SECRET_NAME, SECRET_PHONE, package_member, package_text, report


def opened(data: bytes) -> Document:
    """The file as python-docx reads it."""
    return docx.Document(io.BytesIO(data))


def runs_with_text(document: Document) -> list[Run]:
    """Every run that shows text, in the body and in the footers."""
    section = document.sections[0]
    paragraphs = [
        *document.paragraphs,
        *section.footer.paragraphs,
        *section.even_page_footer.paragraphs,
    ]
    runs = [run for p in paragraphs for run in p.runs if run.text.strip()]
    fields = [
        r
        for p in paragraphs
        for r in p._p.iter(qn("w:r"))
        if r.getparent().tag == qn("w:fldSimple")
    ]
    return runs + [Run(r, None) for r in fields]  # type: ignore[arg-type]


def east_asian(run: Run) -> str | None:
    """The East-Asian font a run names in w:rFonts."""
    properties = run._r.rPr
    fonts = None if properties is None else properties.rFonts
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def test_the_page_is_a4_with_the_standards_margins() -> None:
    section = opened(build_report_docx(report())).sections[0]
    for got, want in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert got is not None
        assert abs(got.mm - want) < 0.1, (got.mm, want)


def test_every_run_names_its_east_asian_font() -> None:
    runs = runs_with_text(opened(build_report_docx(report())))
    assert len(runs) > 10
    missing = [run.text for run in runs if not east_asian(run)]
    assert missing == []


def test_title_body_and_headings_have_the_standards_fonts_and_sizes() -> None:
    document = opened(build_report_docx(report()))
    by_text = {p.text: p for p in document.paragraphs}
    title = by_text[report().title]
    assert east_asian(title.runs[0]) == "方正小标宋简体"
    assert title.runs[0].font.size == Pt(22)
    assert title.alignment == 1  # centred
    assert 'w:snapToGrid w:val="0"' in title._p.xml  # its two lines one pitch apart
    heading = by_text["一、基本情况"]
    assert heading.paragraph_format.keep_with_next  # never alone at the foot of a page
    assert east_asian(heading.runs[0]) == "黑体"
    assert heading.runs[0].font.size == Pt(16)
    body = by_text["近期，黄各庄镇多名群众反映大棚区道路坑洼不平。"]
    assert east_asian(body.runs[0]) == "仿宋_GB2312"
    assert body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.first_line_indent == Pt(32)
    second = by_text["（一）道路年久失修。修路资金没有着落。"]
    assert [east_asian(r) for r in second.runs] == ["楷体_GB2312", "仿宋_GB2312"]
    assert second.runs[0].text == "（一）道路年久失修。"
    assert east_asian(by_text["（二）养护责任不清"].runs[0]) == "楷体_GB2312"


def test_22_lines_of_28_characters() -> None:
    data = build_report_docx(report())
    document = opened(data)
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 28.95 pt: 22 lines in 225 mm
    for p in document.paragraphs:
        if p.text and p.text != "社情民意信息":
            assert p.paragraph_format.line_spacing == Pt(28.95), p.text
    styles = package_member(data, "word/styles.xml")
    # 28 characters of 16 pt condensed by 0.25 pt fill the 156 mm line (442.2 pt) and no more.
    assert '<w:spacing w:val="-5"/>' in styles
    assert 28 * (16 - 0.25) <= Mm(156).pt < 29 * (16 - 0.25)
    assert 'w:eastAsia="仿宋_GB2312"' in styles
    assert "eastAsiaTheme" not in styles.split("</w:docDefaults>")[0]


def test_page_numbers_sit_right_on_odd_pages_and_left_on_even_ones() -> None:
    data = build_report_docx(report())
    document = opened(data)
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    for footer, alignment in ((section.footer, 2), (section.even_page_footer, 0)):
        (p,) = footer.paragraphs
        assert p.alignment == alignment
        xml = p._p.xml
        assert 'w:instr=" PAGE "' in xml
        assert "— " in xml and " —" in xml


def test_the_font_table_gives_each_official_font_a_fallback() -> None:
    fonts = package_member(build_report_docx(report()), "word/fontTable.xml")
    for name, fallback in (
        ("仿宋_GB2312", "仿宋"),
        ("方正小标宋简体", "宋体"),
        ("楷体_GB2312", "楷体"),
    ):
        assert f'<w:font w:name="{name}"><w:altName w:val="{fallback}"/>' in fonts


def test_the_report_says_who_reported_it_and_the_concerns_behind_it() -> None:
    texts = [p.text for p in opened(build_report_docx(report())).paragraphs]
    assert "反映人：张立新、李秀梅" in texts
    assert "相关诉求：#3、#7、#12（共5件）" in texts
    assert "署名群众：刘建国" in texts
    assert texts[:3] == ["社情民意信息", "第12期", "丰南区政协办公室\t2026年11月20日"]


def test_a_resident_who_did_not_consent_is_nowhere_in_the_file() -> None:
    raw = package_text(build_report_docx(report()))
    assert SECRET_NAME not in raw
    assert SECRET_PHONE not in raw
    assert "刘建国" in raw  # consented: named
    assert "python-docx" not in raw  # the file's properties name the issuer only


def test_one_matter_one_report_allows_1500_characters_blanks_not_counted() -> None:
    room = REPORT_LIMIT - report_length(report(situation=""))
    at_limit = report(situation="情" * room + "\n \n" + " " * 300)
    assert report_length(at_limit) == REPORT_LIMIT
    build_report_docx(at_limit)
    with pytest.raises(ReportTooLong) as refused:
        build_report_docx(report(situation="情" * (room + 1)))
    assert refused.value.length == REPORT_LIMIT + 1
    assert "1,500" in str(refused.value) and "一事一报" in str(refused.value)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("field", ["title", "situation", "suggestions", "issuer"])
def test_a_10000_character_field_is_refused_naming_it(field: str) -> None:
    with pytest.raises(FieldTooLong) as refused:
        build_report_docx(report(**{field: "长" * 10_000}))
    assert refused.value.field == field
    assert refused.value.length == 10_000
    assert field in str(refused.value)


def test_a_10000_character_name_is_refused() -> None:
    with pytest.raises(FieldTooLong, match="name has 10,000 characters"):
        build_report_docx(report(authors=("名" * 10_000,)))


def test_characters_xml_cannot_carry_are_dropped_not_fatal() -> None:
    data = build_report_docx(
        report(title="关于\x00路灯\x07不亮\ufffe的反映", problems="坏了\x1b。")
    )
    texts = [p.text for p in opened(data).paragraphs]
    assert "关于路灯不亮的反映" in texts
    assert "坏了。" in texts


def test_a_special_report_says_so_and_english_readers_get_english_labels() -> None:
    special = [p.text for p in opened(build_report_docx(report(special=True))).paragraphs]
    assert special[0] == "社情民意信息（专报）"
    english = [p.text for p in opened(build_report_docx(report(), "en")).paragraphs]
    assert english[1] == "No. 12"
    assert "I. The situation" in english
    assert "Reported by: 张立新, 李秀梅" in english
