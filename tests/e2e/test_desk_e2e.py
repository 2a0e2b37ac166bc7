"""The desk over the wire: a member turns a resident's concern into a report and gets its .docx
as a Telegram document (sendDocument, multipart), opened here with python-docx."""

from __future__ import annotations

import io

from docx import Document

from tests.e2e.conftest import RunningBot
from tests.e2e.test_intake_e2e import PHONE, file_concern

TITLE = "关于农民工工资拖欠问题的建议"


async def test_a_report_from_a_concern_reaches_the_member_as_a_docx(bot: RunningBot) -> None:
    zhang = await bot.add_member(601, "law", "张律师")
    resident = bot.server.user(1101, "王小明")
    await file_concern(resident)
    await zhang.wait_text("新案件 #1")

    await zhang.send_command("/report", "new 1")
    await zhang.wait_text("老板拖欠工资三个月了")
    await zhang.wait_text("请发送标题")
    await zhang.send_text(TITLE)
    await zhang.wait_text("基本情况")
    await zhang.send_text("钱营镇有务工人员反映工资被拖欠三个月。")
    await zhang.wait_text("存在问题")
    await zhang.send_text("劳动合同签订率低。")
    await zhang.wait_text("意见建议")
    await zhang.send_text("建议开展专项检查。")
    await zhang.wait_text("草稿")
    await zhang.press("📄 生成文件")

    sent = await zhang.wait_for(lambda m: m.kind == "document", what="the report's file")
    assert sent.file_name == "社情民意信息-1.docx"
    assert sent.mime_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert sent.caption == f"社情民意信息 1：{TITLE}"
    assert sent.content is not None
    document = Document(io.BytesIO(sent.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert TITLE in text and "二、存在问题" in text and "张律师" in text and "#1" in text
    assert "王小明" not in text and PHONE not in text
    await bot.drain()
    assert await bot.rows("SELECT status FROM outbox WHERE payload LIKE '%document%'") == [
        ("sent",)
    ]


async def test_adopting_the_report_tells_the_resident_on_their_own_chat(bot: RunningBot) -> None:
    zhang = await bot.add_member(601, "law", "张律师")
    (coordinator,) = await bot.make_coordinators((700, "赵协调"))
    resident = bot.server.user(1101, "王小明")
    await file_concern(resident)
    await zhang.wait_text("新案件 #1")
    await zhang.send_command("/report", "new #1")
    await zhang.wait_text("请发送标题")
    for text, next_step in ((TITLE, "基本情况"), ("情况", "存在问题"), ("问题", "意见建议")):
        await zhang.send_text(text)
        await zhang.wait_text(next_step)
    await zhang.send_text("建议")
    await zhang.wait_text("草稿")
    await zhang.press("📤 报送")
    await zhang.wait_text("已报送")
    await coordinator.wait_text("新报送的社情民意信息 1")
    await coordinator.send_command("/report", "show 1")
    await coordinator.wait_text("已报送")
    await coordinator.press("✅ 采用")
    told = await resident.wait_text("被政协采用")
    assert "#1" in (told.text or "") and "张律师" not in (told.text or "")
    await zhang.wait_text("已被采用")


async def test_an_english_coordinator_gets_the_ledger_and_summary_and_forged_buttons_change_nothing(
    bot: RunningBot,
) -> None:
    from openpyxl import load_workbook

    from tests.e2e.conftest import answer_of
    from tests.e2e.test_intake_e2e import card_after_similar, file_until_station

    await bot.add_member(601, "law", "张律师")
    bot.server.user(700, "Zhao", language_code="en")
    (coordinator,) = await bot.make_coordinators((700, "Zhao"))
    named = bot.server.user(1101, '=HYPERLINK("http://x.example","点我")')
    await file_concern(named)
    hidden = bot.server.user(1102, "李秘密")
    await file_until_station(hidden, "老板拖欠工资半年了，工地上的人都没拿到钱")
    await hidden.press("钱营镇")
    await hidden.wait_text("联系电话")
    await hidden.send_text("匿名反映")
    await card_after_similar(hidden)
    await hidden.press("✅ 确认提交")
    await hidden.wait_text("已受理")

    # a resident's forged desk buttons are refused with an answer, and nothing changes
    before = await bot.rows("SELECT COUNT(*) FROM desk_reports")
    for data in ("desk:rnew:1", "desk:radopt:1", "desk:msend:1", "desk:prate:1:satisfied"):
        answer = await answer_of(hidden, await hidden.forge_callback(data))
        assert answer.show_alert and answer.text, (data, answer)
    assert await bot.rows("SELECT COUNT(*) FROM desk_reports") == before == [(0,)]

    await coordinator.send_command("/export")
    ledger = await coordinator.wait_for(lambda m: m.kind == "document", what="the ledger")
    assert ledger.file_name is not None and ledger.file_name.endswith(".xlsx")
    assert ledger.caption is not None and ledger.caption.endswith(": 2")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in ledger.caption)
    assert ledger.content is not None
    sheet = load_workbook(io.BytesIO(ledger.content)).active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    assert "Contact name" in header and "Contact phone" in header
    by_case = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_case[1]["Contact name"] == '=HYPERLINK("http://x.example","点我")'
    assert by_case[1]["Contact phone"] == PHONE
    assert by_case[2]["Contact name"] == by_case[2]["Contact phone"] == "anonymous"
    cells = [str(v) for row in rows for v in row if v is not None]
    assert not any("李秘密" in v for v in cells)
    formula = next(
        c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=HYPERLINK")
    )
    assert formula.data_type == "s"

    await coordinator.send_command("/summary", "2026")
    text = await coordinator.wait_text("Casework")
    assert "2 concerns received" in (text.text or "")
    summary = await coordinator.wait_for(
        lambda m: m.kind == "document" and (m.file_name or "").endswith(".docx"),
        what="the summary's docx",
    )
    assert summary.content is not None
    document = Document(io.BytesIO(summary.content))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "2 concerns received" in body and "李秘密" not in body and PHONE not in body
