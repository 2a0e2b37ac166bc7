"""The monthly and yearly summary: the message's lines and the .docx come from one record."""

from __future__ import annotations

import io

import docx
import pytest
from docx.shared import Pt

from documents.errors import DocumentInputError, FieldTooLong
from documents.records import Rate
from documents.summary import build_summary_docx, rate_text, summary_sections, summary_title
from tests.documents.samples import summary


def paragraphs(data: bytes) -> list[str]:
    """The document's paragraphs' texts."""
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_the_sections_say_the_seeds_figures() -> None:
    sections = summary_sections(summary())
    assert [s.heading for s in sections] == [
        "一、群众诉求",
        "二、社情民意信息",
        "三、提案",
        "四、协商议事",
        "五、三率",
    ]
    assert [s.text for s in sections] == [
        "受理群众诉求120件，办结98件。",
        "撰写社情民意信息15篇，被采用9篇，其中专报2篇。",
        "已提交3件、已立案2件、已答复1件。",
        "召开议事会4场，参与群众86人次。",
        "响应率95.0%（114/120），办结率81.7%（98/120），满意率暂无数据。",
    ]


def test_the_docx_says_exactly_what_the_message_says() -> None:
    record = summary()
    texts = paragraphs(build_summary_docx(record))
    assert texts[0] == "丰南区政协2026年11月民情工作统计"
    for section in summary_sections(record):
        assert section.heading in texts
        assert section.text in texts
    assert texts[-2:] == ["丰南区政协", "2026年12月1日"]


def test_the_docx_is_on_the_standards_page_with_east_asian_fonts() -> None:
    document = docx.Document(io.BytesIO(build_summary_docx(summary())))
    section = document.sections[0]
    assert section.top_margin is not None and abs(section.top_margin.mm - 37) < 0.1
    assert section.left_margin is not None and abs(section.left_margin.mm - 28) < 0.1
    runs = [r for p in document.paragraphs for r in p.runs if r.text.strip()]
    fonts = [r._r.xpath("./w:rPr/w:rFonts/@w:eastAsia") for r in runs]
    assert all(fonts), fonts
    assert runs[0].font.size == Pt(22)
    assert fonts[0] == ["方正小标宋简体"]


def test_a_year_and_english_readers() -> None:
    year = summary(month=None)
    assert summary_title(year) == "丰南区政协2026年民情工作统计"
    english = summary_sections(summary(proposals=()), "en")
    assert english[2].text == "No proposals in this period."
    assert english[0].text == "120 concerns received, 98 solved."
    assert (
        summary_title(summary(issuer="Fengnan CPPCC"), "en") == "Fengnan CPPCC: casework, 2026-11"
    )


def test_rates_show_their_counts_or_that_there_is_no_data() -> None:
    assert rate_text(Rate(1, 3)) == "33.3%（1/3）"
    assert rate_text(Rate(0, 0)) == "暂无数据"
    assert rate_text(Rate(1, 3), "en") == "33.3% (1/3)"


@pytest.mark.parametrize(
    "changes",
    [
        {"concerns_received": -1},
        {"response": Rate(5, 4)},
        {"month": 13},
        {"proposals": (("已提交", -2),)},
    ],
)
def test_figures_that_cannot_be_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(DocumentInputError):
        build_summary_docx(summary(**changes))


def test_a_10000_character_state_or_issuer_is_refused() -> None:
    with pytest.raises(FieldTooLong, match="state has 10,000"):
        summary_sections(summary(proposals=(("态" * 10_000, 1),)))
    with pytest.raises(FieldTooLong, match="issuer has 10,000"):
        build_summary_docx(summary(issuer="区" * 10_000))
