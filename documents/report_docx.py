"""The 社情民意信息 as a .docx: masthead, number, issuer and date over a red rule, the title, the
three sections, then who reported it and the concerns behind it.

One matter, one report (一事一报): title and sections together at most 1,500 characters, blanks
not counted; `check_report` says so before anything is built, and the desk can call it as each
section is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from documents import gbt9704 as page
from documents.errors import DocumentInputError, FieldTooLong, ReportTooLong
from documents.labels import label
from documents.records import Report
from documents.text import checked, count_characters, paragraphs

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph

REPORT_LIMIT = 1500
TITLE_LIMIT = 100
NAME_LIMIT = 50
ISSUER_LIMIT = 50
SECTIONS = (
    ("situation", "report_situation"),
    ("problems", "report_problems"),
    ("suggestions", "report_suggestions"),
)


def report_length(report: Report) -> int:
    """The report's length as 一事一报 counts it: title and sections, blanks not counted."""
    parts = (report.title, report.situation, report.problems, report.suggestions)
    return sum(count_characters(part) for part in parts)


def check_report(report: Report) -> None:
    """Raise FieldTooLong, ReportTooLong or DocumentInputError for a report that cannot be
    built; return None for one that can."""
    checked("title", report.title, TITLE_LIMIT)
    checked("issuer", report.issuer, ISSUER_LIMIT)
    for field, _ in SECTIONS:  # counted as the whole report is: blanks and line ends not
        text = getattr(report, field)
        if count_characters(text) > REPORT_LIMIT:
            raise FieldTooLong(field, count_characters(text), REPORT_LIMIT)
    length = report_length(report)
    if length > REPORT_LIMIT:
        raise ReportTooLong(length, REPORT_LIMIT)
    if not report.title.strip():
        raise DocumentInputError("the report has no title")
    for name in (*report.authors, *(r.name for r in report.residents)):
        checked("name", name, NAME_LIMIT)
    if report.number < 1:
        raise DocumentInputError(f"a report's number starts at 1, not {report.number}")


def build_report_docx(report: Report, locale: str = "zh") -> bytes:
    """The report as GB/T 9704 .docx bytes; raises what check_report raises."""
    check_report(report)
    title = checked("title", report.title, TITLE_LIMIT)
    issuer = checked("issuer", report.issuer, ISSUER_LIMIT)
    document = page.new_document()
    masthead = "report_masthead_special" if report.special else "report_masthead"
    top = page.paragraph(
        document,
        label(masthead, locale),
        page.TITLE,
        page.MASTHEAD_PT,
        align="center",
        line_pt=page.MASTHEAD_PT * 1.5,
        color=page.RED,
    )
    page.off_grid(top)
    page.paragraph(document, label("report_number", locale, number=report.number), align="center")
    issued = _date(report, locale)
    line = page.paragraph(document, f"{issuer}\t{issued}")
    _right_tab(line)
    page.red_rule(line)
    page.paragraph(document, "")
    page.title(document, title)
    page.paragraph(document, "")
    for field, heading in SECTIONS:
        text = getattr(report, field)
        if text.strip():
            page.heading(document, label(heading, locale))
            page.body(document, paragraphs(text))
    page.paragraph(document, "")
    for line_text in _signature(report, locale):
        page.paragraph(document, line_text, indent_chars=2)
    return page.to_bytes(document, title, issuer, report.issued)


def _signature(report: Report, locale: str) -> list[str]:
    """Who reported it, the concerns behind it, and residents named with their consent only."""
    sep = label("list_separator", locale)
    lines = []
    if report.authors:
        names = sep.join(checked("name", n, NAME_LIMIT) for n in report.authors)
        lines.append(label("report_authors", locale, names=names))
    if report.cases:
        refs = sep.join(label("case_ref", locale, number=n) for n in report.cases)
        count = max(report.concerns, len(report.cases))
        lines.append(label("report_cases", locale, refs=refs, count=count))
    named = [r for r in report.residents if r.consented]
    if named:
        people = sep.join(_resident(r.name, r.contact, locale) for r in named)
        lines.append(label("report_residents", locale, names=people))
    return lines


def _resident(name: str, contact: str, locale: str) -> str:
    """A consenting resident's name, with the contact when they gave it for the report."""
    name = checked("name", name, NAME_LIMIT)
    if not contact.strip():
        return name
    contact = checked("contact", contact, NAME_LIMIT)
    return label("report_resident_contact", locale, name=name, contact=contact)


def _date(report: Report, locale: str) -> str:
    day = report.issued
    return label("date", locale, year=day.year, month=day.month, day=day.day)


def _right_tab(p: Paragraph) -> None:
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Mm

    width = page.PAGE_MM[0] - page.MARGINS_MM["left"] - page.MARGINS_MM["right"]
    p.paragraph_format.tab_stops.add_tab_stop(Mm(width), WD_TAB_ALIGNMENT.RIGHT)
