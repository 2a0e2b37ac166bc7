"""The ledger (台账) .xlsx: header, frozen panes, real dates in the district's zone, text that is
never a formula, contact only where asked for and never for an anonymous case."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from documents.errors import DocumentInputError
from documents.ledger_xlsx import CONCERN_LIMIT, build_ledger_xlsx
from documents.records import (
    LEDGER_COLUMNS,
    LEDGER_COLUMNS_WITH_CONTACT,
    Ledger,
    LedgerField,
    LedgerRow,
)
from tests.documents.samples import SECRET_NAME, SECRET_PHONE, moment, package_text

ZONE = ZoneInfo("Asia/Shanghai")
INJECTIONS = (
    '=HYPERLINK("http://evil","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
    "#N/A",
)


def row(case: int = 1, **changes: object) -> LedgerRow:
    """A case as a ledger line: received 16:30 UTC on 2026-11-02, 00:30 the next day locally."""
    fields: dict[str, object] = {
        "case": case,
        "received": moment(2, 16, 30),
        "tank": "农业",
        "station": "黄各庄镇",
        "status": "办理中",
        "holder": "张立新",
        "first_reply": moment(3, 1, 5),
        "rating": "满意",
        "overdue": True,
        "concern": "大棚区道路坑洼，运菜车辆难以通行。",
        "contact_name": "刘建国",
        "contact_phone": "13800000001",
    }
    fields.update(changes)
    return LedgerRow(**fields)  # type: ignore[arg-type]


def sheet(data: bytes) -> openpyxl.worksheet.worksheet.Worksheet:
    """The ledger's sheet, read back as openpyxl reads it."""
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_a_header_row_frozen_panes_widths_and_a_filter() -> None:
    ws = sheet(build_ledger_xlsx(Ledger(LEDGER_COLUMNS, [row(1), row(2)]), ZONE))
    header = [c.value for c in ws[1]]
    assert header[:6] == ["编号", "受理时间", "智库", "工作站", "状态", "承办委员"]
    assert "联系人" not in header and "联系电话" not in header
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "B2"
    assert ws.column_dimensions["A"].width == 8
    assert ws.column_dimensions["L"].width == 60  # the concern
    assert ws.auto_filter.ref == "A1:L3"
    assert ws.title == "诉求台账"
    assert [ws.cell(r, 1).value for r in (2, 3)] == [1, 2]


def test_moments_are_real_dates_in_the_districts_zone() -> None:
    ws = sheet(build_ledger_xlsx(Ledger(LEDGER_COLUMNS, [row()]), ZONE))
    received, first_reply, resolved = ws["B2"], ws["G2"], ws["H2"]
    assert received.is_date and received.value == datetime(2026, 11, 3, 0, 30)
    assert received.number_format == "yyyy-mm-dd hh:mm"
    assert first_reply.value == datetime(2026, 11, 3, 9, 5)
    assert resolved.value is None
    assert ws["J2"].value == "是"


def test_a_moment_without_its_zone_is_refused_and_nothing_is_left_behind() -> None:
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    before = list(ALL_TEMP_FILES)
    rows = [row(1), row(2, received=datetime(2026, 11, 2))]
    with pytest.raises(DocumentInputError, match="carry their zone"):
        build_ledger_xlsx(Ledger(LEDGER_COLUMNS, rows), ZONE)
    assert before == ALL_TEMP_FILES  # the rows streamed so far were deleted


def test_formula_injection_is_written_as_text_never_as_a_formula() -> None:
    rows = [
        row(i, concern=text, holder=text, tank=text, station=text, status=text, rating=text)
        for i, text in enumerate(INJECTIONS, 1)
    ]
    data = build_ledger_xlsx(Ledger(LEDGER_COLUMNS, rows), ZONE)
    ws = sheet(data)
    for r, text in enumerate(INJECTIONS, 2):
        for column in ("C", "D", "E", "F", "I", "L"):
            cell = ws[f"{column}{r}"]
            assert cell.data_type == "s", (cell.coordinate, cell.value)
            assert cell.value == text.replace("\r", "\n")
    assert ws["L2"].quotePrefix  # shown as typed text, as after an apostrophe
    xml = package_text(data)
    assert "<f>" not in xml and "<f " not in xml
    assert 't="e"' not in xml


def test_contact_columns_only_when_the_caller_asks() -> None:
    without = package_text(build_ledger_xlsx(Ledger(LEDGER_COLUMNS, [row()]), ZONE))
    assert "刘建国" not in without and "13800000001" not in without
    ws = sheet(build_ledger_xlsx(Ledger(LEDGER_COLUMNS_WITH_CONTACT, [row()]), ZONE))
    assert [ws["M1"].value, ws["N1"].value] == ["联系人", "联系电话"]
    assert [ws["M2"].value, ws["N2"].value] == ["刘建国", "13800000001"]


def test_an_anonymous_residents_name_is_nowhere_in_the_file() -> None:
    anonymous = row(2, anonymous=True, contact_name=SECRET_NAME, contact_phone=SECRET_PHONE)
    ledger = Ledger(LEDGER_COLUMNS_WITH_CONTACT, [row(1), anonymous])
    data = build_ledger_xlsx(ledger, ZONE)
    raw = package_text(data)
    assert SECRET_NAME not in raw and SECRET_PHONE not in raw
    assert [sheet(data)["M3"].value, sheet(data)["N3"].value] == ["匿名", "匿名"]


def test_a_10000_character_concern_is_clipped_and_says_so() -> None:
    ws = sheet(build_ledger_xlsx(Ledger(LEDGER_COLUMNS, [row(concern="长" * 10_000)]), ZONE))
    text = ws["L2"].value
    assert text.startswith("长" * CONCERN_LIMIT)
    assert text.endswith("……（已截断，原文10000字）")
    long_name = sheet(build_ledger_xlsx(Ledger(LEDGER_COLUMNS, [row(holder="名" * 10_000)]), ZONE))
    assert long_name["F2"].value.endswith("……（已截断，原文10000字）")


def test_control_characters_are_dropped_and_english_headers_given() -> None:
    data = build_ledger_xlsx(Ledger(LEDGER_COLUMNS, [row(concern="路灯\x00不\x0b亮")]), ZONE, "en")
    ws = sheet(data)
    assert ws["L2"].value == "路灯不亮"
    assert ws["A1"].value == "Case" and ws["J2"].value == "yes" and ws.title == "Cases"


def test_rows_may_come_from_a_generator_and_columns_in_any_order() -> None:
    def rows() -> Iterator[LedgerRow]:
        for case in range(1, 4):
            yield row(case)

    columns = (LedgerField.CONCERN, LedgerField.CASE)
    ws = sheet(build_ledger_xlsx(Ledger(columns, rows()), ZONE))
    assert [[c.value for c in r] for r in ws.iter_rows(max_row=2)] == [
        ["诉求内容", "编号"],
        ["大棚区道路坑洼，运菜车辆难以通行。", 1],
    ]
    assert ws.max_row == 4


@pytest.mark.parametrize("columns", [(), (LedgerField.CASE, LedgerField.CASE)])
def test_columns_must_be_given_once_each(columns: tuple[LedgerField, ...]) -> None:
    with pytest.raises(DocumentInputError):
        build_ledger_xlsx(Ledger(columns, [row()]), ZONE)
