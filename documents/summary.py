"""A month's or a year's summary: the lines of the chat message and the .docx, from one record,
so the two cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass

from documents import gbt9704 as page
from documents.errors import DocumentInputError
from documents.labels import label
from documents.records import Rate, Summary
from documents.text import checked

ISSUER_LIMIT = 50
STATE_LIMIT = 20


@dataclass(frozen=True, slots=True)
class SummarySection:
    """One heading of a summary and its sentence."""

    heading: str
    text: str


def summary_title(summary: Summary, locale: str = "zh") -> str:
    """The summary's title: the issuer, the year and, for a month, the month."""
    issuer = checked("issuer", summary.issuer, ISSUER_LIMIT)
    if summary.month is None:
        return label("summary_title_year", locale, issuer=issuer, year=summary.year)
    return label(
        "summary_title_month", locale, issuer=issuer, year=summary.year, month=summary.month
    )


def summary_sections(summary: Summary, locale: str = "zh") -> tuple[SummarySection, ...]:
    """The summary's headings and sentences, in the reader's language."""
    _check(summary)
    s = summary
    if s.proposals:
        items = label("list_separator", locale).join(
            label(
                "summary_proposals_item",
                locale,
                state=checked("state", state, STATE_LIMIT),
                count=n,
            )
            for state, n in s.proposals
        )
        proposals = label("summary_proposals_line", locale, items=items)
    else:
        proposals = label("summary_proposals_none", locale)
    texts = (
        (
            "summary_concerns",
            label(
                "summary_concerns_line",
                locale,
                received=s.concerns_received,
                solved=s.concerns_solved,
            ),
        ),
        (
            "summary_reports",
            label(
                "summary_reports_line",
                locale,
                written=s.reports_written,
                adopted=s.reports_adopted,
                special=s.special_reports,
            ),
        ),
        ("summary_proposals", proposals),
        (
            "summary_consultations",
            label(
                "summary_consultations_line",
                locale,
                held=s.consultations_held,
                people=s.people_reached,
            ),
        ),
        (
            "summary_rates",
            label(
                "summary_rates_line",
                locale,
                response=rate_text(s.response, locale),
                resolution=rate_text(s.resolution, locale),
                satisfaction=rate_text(s.satisfaction, locale),
            ),
        ),
    )
    return tuple(SummarySection(label(key, locale), text) for key, text in texts)


def rate_text(rate: Rate, locale: str = "zh") -> str:
    """A rate as 95.0%（114/120）, or the words for no data."""
    if rate.value is None:
        return label("rate_none", locale)
    percent = label("percent", locale, value=rate.value * 100)
    return label("rate", locale, percent=percent, hits=rate.hits, total=rate.total)


def build_summary_docx(summary: Summary, locale: str = "zh") -> bytes:
    """The summary as GB/T 9704 .docx bytes: title, the five sections, issuer and date."""
    title = summary_title(summary, locale)
    document = page.new_document()
    page.title(document, title)
    page.paragraph(document, "")
    for section in summary_sections(summary, locale):
        page.heading(document, section.heading)
        page.body(document, [section.text])
    page.paragraph(document, "")
    day = summary.issued
    issued = label("date", locale, year=day.year, month=day.month, day=day.day)
    issuer = checked("issuer", summary.issuer, ISSUER_LIMIT)
    for text in (issuer, issued):
        signature = page.paragraph(document, text, align="right")
        signature.paragraph_format.right_indent = _chars(4)
    return page.to_bytes(document, title, issuer, summary.issued)


def _check(summary: Summary) -> None:
    """Counts are whole and not negative; a rate's hits are within its total; a month is 1-12."""
    counts = (
        summary.concerns_received,
        summary.concerns_solved,
        summary.reports_written,
        summary.reports_adopted,
        summary.special_reports,
        summary.consultations_held,
        summary.people_reached,
        *(n for _, n in summary.proposals),
    )
    if any(n < 0 for n in counts):
        raise DocumentInputError("a summary's counts cannot be negative")
    for rate in (summary.response, summary.resolution, summary.satisfaction):
        if not 0 <= rate.hits <= rate.total:
            raise DocumentInputError(f"a rate of {rate.hits} of {rate.total} cannot be")
    if summary.month is not None and not 1 <= summary.month <= 12:
        raise DocumentInputError(f"there is no month {summary.month}")


def _chars(n: int) -> object:
    from docx.shared import Pt

    return Pt(page.BODY_PT * n)
