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
