"""社情民意信息 from cases: written step by step within 一事一报, its states, who may do what, and
the .docx it becomes (opened with python-docx)."""

from __future__ import annotations

import io

from docx import Document

from core.messages import Kind
from tests.desk.conftest import Desk, documents_in

TITLE = "关于农民工工资拖欠问题的建议"
SITUATION = "今年以来，钱营镇多名务工人员反映工资被拖欠三个月以上。"
PROBLEMS = "一是劳动合同签订率低；二是维权渠道不畅。"
SUGGESTIONS = "建议人社部门开展专项检查，建立工资保证金制度。"


async def write_report(desk: Desk, cases: list[int]) -> int:
    """The member writes a whole report from the cases; returns its number."""
    member = desk.member
    await member.command("report", "new " + " ".join(str(n) for n in cases))
    asked = member.last_text()
    assert "请发送<b>标题</b>" in asked
    number = int(asked.split("社情民意信息 ")[1].split("（")[0])
    for text in (TITLE, SITUATION, PROBLEMS, SUGGESTIONS):
        await member.text(text)
    return number


async def report_row(desk: Desk, number: int) -> tuple[object, ...]:
    rows = await desk.db.reader.execute_fetchall(
        "SELECT title, situation, problems, suggestions, status, special, number"
        " FROM desk_reports WHERE id = ?",
        (number,),
    )
    return tuple(next(iter(rows)))


async def test_a_member_writes_a_report_from_three_cases_and_gets_its_docx(desk: Desk) -> None:
    wang, li, zhao = desk.chat("501", "王<小明>"), desk.chat("502", "李大嫂"), desk.chat("503")
    first = await desk.case(wang, "老板拖欠工资三个月了", phone="13800138000")
    second = await desk.case(li, "工地欠薪一直不给", station="daodi")
    third = await desk.case(zhao, "工资被拖欠", anonymous=True, phone=None)

    out = await desk.member.command("report", f"new {first} #{second} ＃{third}")
    material = out[0].text
    assert "3 件诉求" in material and "2 个工作站" in material
    assert "老板拖欠工资三个月了" in material and "工地欠薪" in material
    assert "小明" not in material
    assert "13800138000" not in material and "李大嫂" not in material

    for text in (TITLE, SITUATION, PROBLEMS):
        await desk.member.text(text)
    out = await desk.member.text(SUGGESTIONS)
    card = out[-1]
    assert TITLE in card.text and "草稿" in card.text and "意见建议" in card.text
    labels = [b.text for row in card.buttons for b in row]
    assert labels == ["✏️ 重写", "📤 报送", "📄 生成文件"]

    out = await desk.member.press("生成文件")
    (sent,) = documents_in(out)
    assert sent.document is not None
    assert sent.document.filename.endswith(".docx") and "社情民意信息" in sent.document.filename
    document = Document(io.BytesIO(sent.document.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert TITLE in text and SITUATION in text and PROBLEMS in text and SUGGESTIONS in text
    assert "一、基本情况" in text and "三、意见建议" in text
    assert f"#{first}" in text and "共3件" in text and "张委员" in text
    # no resident's name or phone in the file, the anonymous one least of all
    for secret in ("王", "李大嫂", "13800138000"):
        assert secret not in text.replace(TITLE, "")
    east_asian = {
        r.element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        for p in document.paragraphs
        for r in p.runs
        if r.element.rPr is not None and r.element.rPr.rFonts is not None
    }
    assert any("仿宋" in f for f in east_asian if f) and any("小标宋" in f for f in east_asian if f)


async def test_a_field_over_the_limit_is_refused_and_changes_nothing(desk: Desk) -> None:
    case = await desk.case(desk.chat("501"), "欠薪")
    number = await write_report(desk, [case])
    before = await report_row(desk, number)
    await desk.member.press("重写")
    out = await desk.member.text("长" * 10_000)
    assert "最多 100 字" in out[0].text
    await desk.member.text(TITLE)
    out = await desk.member.text("很" * 1600)
    assert "超过一事一报的 1500 字" in out[0].text
    assert await report_row(desk, number) == before
    # a section that fits is taken, and the conversation goes on
    out = await desk.member.text("情况属实。")
    assert "存在问题" in out[0].text


async def test_states_submit_adopt_special_and_proposal_with_the_residents_told(
    desk: Desk,
) -> None:
    resident = desk.chat("501", "王小明")
    case = await desk.case(resident, "欠薪")
    number = await write_report(desk, [case])
    out = await desk.member.press("报送")
    assert "已报送" in out[-1].text
    assert any("新报送的社情民意信息" in m.text for m in desk.member.everyone if m.chat_id == "99")
    assert (await report_row(desk, number))[4:] == ("submitted", 0, 1)

    # submitted: the author can no longer change it
    out = await desk.member.send(callback_id="x", callback_data=f"desk:redit:{number}")
    assert out[0].kind == Kind.ANSWER and "不能再修改" in out[0].text

    out = await desk.coordinator.command("report", f"show {number}")
    assert [b.text for row in out[0].buttons for b in row][:2] == ["✅ 采用", "❌ 不采用"]
    out = await desk.coordinator.press("采用")
    everyone = desk.coordinator.everyone
    assert any(m.chat_id == "11" and "已被采用" in m.text for m in everyone)
    told = [m for m in everyone if m.chat_id == "501"]
    assert len(told) == 1 and f"#{case}" in told[0].text and "采用" in told[0].text
    assert "张委员" not in told[0].text
    assert (await report_row(desk, number))[4] == "adopted"

    await desk.coordinator.press("升为专报")
    assert (await report_row(desk, number))[5] == 1
    out = await desk.coordinator.press("转为提案")
    assert "提案" in out[-1].text and TITLE in out[-1].text
    rows = await desk.db.reader.execute_fetchall("SELECT title, report_id FROM desk_proposals")
    assert [tuple(r) for r in rows] == [(TITLE, number)]


async def test_reject_tells_the_author_and_nobody_else(desk: Desk) -> None:
    case = await desk.case(desk.chat("501"), "欠薪")
    number = await write_report(desk, [case])
    await desk.member.press("报送")
    await desk.coordinator.command("report", f"show {number}")
    await desk.coordinator.press("不采用")
    assert [m.chat_id for m in desk.coordinator.everyone if m.chat_id != "99"] == ["11"]
    assert (await report_row(desk, number))[4] == "rejected"


async def test_who_may_not_is_refused_and_nothing_changes(desk: Desk) -> None:
    law_case = await desk.case(desk.chat("501"), "欠薪")
    farm_case = await desk.case(desk.chat("502"), "大棚坏了", tank="agriculture")
    # a member cites only cases of their tank; none of another, nor one that does not exist
    for args in (
        f"new {farm_case}",
        "new 999",
        "new abc",
        "new",
        "new " + " ".join(str(n) for n in range(1, 26)),
    ):
        await desk.member.command("report", args)
    rows = await desk.db.reader.execute_fetchall("SELECT COUNT(*) FROM desk_reports")
    assert next(iter(rows))[0] == 0

    number = await write_report(desk, [law_case])
    before = await report_row(desk, number)
    # another member: cannot see, write into or submit the draft
    for data in (f"desk:redit:{number}", f"desk:rsub:{number}", f"desk:radopt:{number}"):
        out = await desk.other.send(callback_id="x", callback_data=data)
        assert "没有找到社情民意信息" in out[0].text
    # a member cannot adopt even their own; forged data is stale
    await desk.member.press("报送")
    out = await desk.member.send(callback_id="x", callback_data=f"desk:radopt:{number}")
    assert "权限" in out[0].text
    for data in ("desk:rsub", "desk:zzz:1", f"desk:rfile:{number}0", "desk:rnew:abc"):
        out = await desk.member.send(callback_id="x", callback_data=data)
        assert out[0].kind == Kind.ANSWER and out[0].alert
    # a resident has no /report
    out = await desk.chat("501").command("report", f"show {number}")
    assert "/report 不是您能用的命令" in out[0].text
    assert (await report_row(desk, number))[:4] == before[:4]


async def test_the_case_card_offers_a_report_and_its_button_starts_one(desk: Desk) -> None:
    case = await desk.case(desk.chat("501"), "欠薪")
    await desk.member.command("case", str(case))
    labels = [b.text for m in desk.member.inbox for row in m.buttons for b in row]
    assert "📝 据此写社情民意" in labels
    out = await desk.member.press("据此写社情民意")
    assert any("请发送<b>标题</b>" in m.text for m in out)
    # the agriculture member's card of the law case has no such button
    await desk.other.command("case", str(case))
    labels = [b.text for m in desk.other.inbox for row in m.buttons for b in row]
    assert "📝 据此写社情民意" not in labels


async def test_markup_and_formulas_in_a_report_stay_text_in_chat_and_in_the_file(
    desk: Desk,
) -> None:
    case = await desk.case(desk.chat("501"), "欠薪")
    await desk.member.command("report", f"new {case}")
    title = '<b>标题</b>=HYPERLINK("http://evil.example")'
    await desk.member.text(title)
    for text in ("<script>alert(1)</script>情况", "=1+1", "@SUM(A1)"):
        out = await desk.member.text(text)
    card = out[-1].text
    assert "&lt;b&gt;标题&lt;/b&gt;" in card and "&lt;script&gt;" in card and "<script>" not in card
    out = await desk.member.press("生成文件")
    (sent,) = documents_in(out)
    assert sent.document is not None and "&lt;b&gt;" in sent.text
    document = Document(io.BytesIO(sent.document.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert title in text and "<script>alert(1)</script>情况" in text and "=1+1" in text
