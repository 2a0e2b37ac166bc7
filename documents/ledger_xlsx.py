"""The ledger of cases (台账) as .xlsx, written row by row in openpyxl's write-only mode.

Every text goes in as a string cell: openpyxl would make a formula of a string starting with "="
and an error value of one such as "#N/A", so each text cell's type is set to "s" after its value,
and one starting with =, +, -, @, a tab or a line end (what spreadsheets read as a formula or
command) also gets the quote prefix, the mark Excel gives text typed after an apostrophe.
Moments are written as real date-times in the district's zone. Contact columns are written only
when the caller's columns include them, and never for an anonymous case.
"""

from __future__ import annotations

import io
from datetime import datetime, tzinfo
from typing import Any

from documents.errors import DocumentInputError
from documents.labels import label
from documents.records import CONTACT_FIELDS, Ledger, LedgerField, LedgerRow
from documents.text import clipped

CONCERN_LIMIT = 2000
TEXT_LIMIT = 200
DATE_FORMAT = "yyyy-mm-dd hh:mm"
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
WIDTHS: dict[LedgerField, float] = {
    LedgerField.CASE: 8,
    LedgerField.RECEIVED: 17,
    LedgerField.TANK: 10,
    LedgerField.STATION: 12,
    LedgerField.STATUS: 10,
    LedgerField.HOLDER: 10,
    LedgerField.FIRST_REPLY: 17,
    LedgerField.RESOLVED: 17,
    LedgerField.RATING: 10,
    LedgerField.OVERDUE: 9,
    LedgerField.REFERRED_TO: 16,
    LedgerField.CONCERN: 60,
    LedgerField.CONTACT_NAME: 12,
    LedgerField.CONTACT_PHONE: 16,
}
DATES = frozenset({LedgerField.RECEIVED, LedgerField.FIRST_REPLY, LedgerField.RESOLVED})


def build_ledger_xlsx(ledger: Ledger, zone: tzinfo, locale: str = "zh") -> bytes:
    """The ledger as .xlsx bytes: a bold header row, frozen under it and beside the case
    number, a filter, column widths, and one row per case."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    columns = ledger.columns
    if not columns or len(set(columns)) != len(columns):
        raise DocumentInputError("a ledger needs its columns, each once")
    book = Workbook(write_only=True)
    sheet = book.create_sheet(label("ledger_sheet", locale))
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[column]
    sheet.freeze_panes = "B2"
    cells = _Cells(sheet, zone, locale)
    sheet.append([cells.text(label(f"ledger_{c.value}", locale), Font(bold=True)) for c in columns])
    count = 0
    try:
        for row in ledger.rows:
            sheet.append([cells.of(row, column) for column in columns])
            count += 1
    except BaseException:
        _discard(sheet)
        raise
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _discard(sheet: Any) -> None:
    """Finish and delete the rows written so far: openpyxl streams them into a temporary file,
    which it would otherwise keep until the process ends."""
    sheet.close()
    sheet._writer.cleanup()


class _Cells:
    """Makes the cells of one sheet's rows."""

    def __init__(self, sheet: Any, zone: tzinfo, locale: str) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ERROR_CODES

        self.sheet, self.zone, self.locale = sheet, zone, locale
        self.new_cell = WriteOnlyCell
        self.error_codes = frozenset(ERROR_CODES)
        self.marker = label("ledger_clipped", locale)
        self.words = {key: label(key, locale) for key in ("ledger_yes", "ledger_no")}
        self.words["ledger_anonymous"] = label("ledger_anonymous", locale)

    def of(self, row: LedgerRow, column: LedgerField) -> Any:
        """One cell of a row: a number, a date-time, or text."""
        if column is LedgerField.CASE:
            return row.case
        if column in DATES:
            moment: datetime | None = getattr(row, column.value)
            return None if moment is None else self.moment(moment)
        if column is LedgerField.OVERDUE:
            return self.words["ledger_yes" if row.overdue else "ledger_no"]
        if column in CONTACT_FIELDS and row.anonymous:
            return self.words["ledger_anonymous"]
        limit = CONCERN_LIMIT if column is LedgerField.CONCERN else TEXT_LIMIT
        return self.text(clipped(getattr(row, column.value), limit, self.marker))

    def text(self, text: str, font: Any = None) -> Any:
        """Text as a string cell, never a formula or an error value; quote-prefixed when it
        looks like one. Plain text goes as a plain value: openpyxl makes it a string."""
        risky = text.startswith(RISKY_STARTS)
        if not risky and font is None and text not in self.error_codes:
            return text
        cell = self.new_cell(self.sheet, value=text)
        cell.data_type = "s"
        cell.quotePrefix = risky
        if font is not None:
            cell.font = font
        return cell

    def moment(self, moment: datetime) -> Any:
        """A date-time in the district's zone (Excel has no zones: dropped once converted)."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise DocumentInputError(f"a ledger's moments carry their zone; {moment} has none")
        cell = self.new_cell(self.sheet, value=moment.astimezone(self.zone).replace(tzinfo=None))
        cell.number_format = DATE_FORMAT
        return cell
