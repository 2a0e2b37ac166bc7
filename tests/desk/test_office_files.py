"""/export and /summary: the ledger (.xlsx, opened with openpyxl) with its filters, contact only
where the reader may see it and never for an anonymous case, injection written as text; the
summary as a message, two charts and a .docx that agree, all from one read."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from docx import Document
from openpyxl import load_workbook

from core.models import CaseStatus
from tests.desk.conftest import Desk, documents_in
from tests.desk.test_proposals import adopted_proposal

FORMULA = '=HYPERLINK("http://evil.example","点我")'
HTML = "<b>加粗</b><script>alert(1)</script>"


async def test_the_ledger_has_the_cases_of_the_period_as_text_with_contact_as_allowed(
    desk: Desk,
) -> None:
    wang, li = desk.chat("501", "王小明"), desk.chat("502", "李大嫂")
    first = await desk.case(wang, FORMULA, phone="13800138000")
    second = await desk.case(li, HTML, anonymous=True, phone=None)
    third = await desk.case(wang, "大棚被风刮坏", tank="agriculture", station="daodi")
    desk.clock.advance(days=10)  # into December: not in November's ledger
    await desk.case(wang, "十二月的诉求")

    out = await desk.coordinator.command("export", "2026-11")
    (sent,) = documents_in(out)
    assert sent.document is not None and sent.document.filename == "诉求台账-2026-11.xlsx"
    assert "3 件" in sent.text
    sheet = load_workbook(io.BytesIO(sent.document.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "编号" and "联系人" in header and "联系电话" in header
    by_case = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert sorted(by_case) == [first, second, third]
    assert by_case[first]["诉求内容"] == FORMULA and by_case[first]["联系电话"] == "13800138000"
    cell = next(c for c in sheet[2] if c.value == FORMULA)
    assert cell.data_type == "s" and cell.quotePrefix
    assert by_case[second]["诉求内容"] == HTML
    assert by_case[second]["联系人"] == "匿名" and by_case[second]["联系电话"] == "匿名"
    assert by_case[third]["智库"] == "农业" and by_case[third]["工作站"] == "稻地镇"

    out = await desk.coordinator.command("export", "2026-11 农业 daodi")
    (sent,) = documents_in(out)
    assert sent.document is not None
    sheet = load_workbook(io.BytesIO(sent.document.content)).active
    assert sheet is not None
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [third]


async def test_export_is_for_coordinators_and_bad_filters_get_the_usage(desk: Desk) -> None:
    await desk.case(desk.chat("501"), "欠薪")
    out = await desk.member.command("export", "2026-11")
    assert "不是您能用的命令" in out[0].text and documents_in(out) == []
    for args in ("2026-13", "nowhere", "=cmd|' /C calc'!A0", "2026-11 " + "x" * 5000):
        out = await desk.coordinator.command("export", args)
        assert "用法" in out[0].text and documents_in(out) == []


async def test_the_monthly_summary_as_message_charts_and_docx_agree(desk: Desk) -> None:
    wang = desk.chat("501", "王小明")
    await desk.case(wang, "欠薪", status=CaseStatus.RESOLVED)
    await desk.case(wang, "欠薪又来了")
    number = await adopted_proposal(desk, [wang])
    await desk.coordinator.command("proposal", f"accept {number}")
    await desk.coordinator.command("meet", "new 2026-11-28 14:30 qianying 欠薪议事会 #1")
    await desk.coordinator.press("发送邀请")
    await desk.coordinator.command("meet", "minutes 1 已议")

    out = await desk.coordinator.command("summary", "2026-11")
    text = out[0].text
    assert "受理群众诉求 3 件，办结 1 件" in text
    assert "撰写社情民意信息 1 篇，被采用 1 篇，其中专报 0 篇" in text
    assert "已立案 1 件" in text and "召开议事会 1 场" in text
    files = documents_in(out)
    assert [f.document.filename for f in files if f.document] == [
        "各智库诉求-2026-11.png",
        "三率-2026-11.png",
        "民情工作统计-2026-11.docx",
    ]
    assert all(f.document and f.document.content.startswith(b"\x89PNG") for f in files[:2])
    assert files[2].document is not None
    document = Document(io.BytesIO(files[2].document.content))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "受理群众诉求3件，办结1件" in body and "召开议事会1场" in body
    assert "已立案1件" in body and "2026年11月" in body

    # a year, and a period with nothing in it
    assert "受理群众诉求 3 件" in (await desk.coordinator.command("summary", "2026"))[0].text
    out = await desk.coordinator.command("summary", "2025-01")
    assert "受理群众诉求 0 件" in out[0].text and "暂无数据" in out[0].text
    for args in ("", "2026-00", "abc", "2026 11"):
        out = await desk.coordinator.command("summary", args)
        assert "用法" in out[0].text and documents_in(out) == []
    assert desk.clock() == datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


async def test_stats_chart_sends_both_charts_of_the_last_weeks(desk: Desk) -> None:
    await desk.case(desk.chat("501"), "欠薪")
    await desk.case(desk.chat("502"), "大棚", tank="agriculture", status=CaseStatus.RESOLVED)
    out = await desk.coordinator.command("stats", "chart")
    files = [f.document for f in documents_in(out) if f.document is not None]
    assert [f.filename for f in files] == ["各智库诉求-近8周.png", "三率-近8周.png"]
    assert all(f.content.startswith(b"\x89PNG") and f.mime == "image/png" for f in files)
    out = await desk.member.command("stats", "chart")
    assert documents_in(out) == []
