"""The catalogues are split by who reads them: every line a resident receives, in either language,
comes from the residents' catalogue (core/texts/residents_*.py), never from the one only members
and coordinators read (core/texts/staff_*.py)."""

from __future__ import annotations

import re

import pytest

from core.messages import Kind
from core.service import Service
from core.texts import residents_en, residents_zh, staff_en, staff_zh
from tests.core.memory import MemoryState
from tests.core.test_casework import staff
from tests.support import Chat, Fetch

CATALOGUES = {
    "zh": (residents_zh.ZH_RESIDENTS, staff_zh.ZH_STAFF),
    "en": (residents_en.EN_RESIDENTS, staff_en.EN_STAFF),
}
# What the resident types, and the words the bot shows them as they were typed.
WAGES = "老板拖欠工资三个月了，一直不给"
LIGHT = "小区门口的路灯坏了一个月了，晚上很黑"
SAID: tuple[str, ...] = (
    "合同在这里，老板不给钱",
    "总算解决了，谢谢",
    "请提供劳动合同。",
    "已追回工资。",
    "补充说明",
)
SAID += ("请拨打城管热线。", "再催一下", "还没解决")
STAMP = r"(?:\d{4}-\d{2}-\d{2} \d{2}:\d{2}  )?"  # a timeline entry's time
LABELS = {
    "zh": {"station": "稻地镇", "no_phone": "不留电话", "confirm": "确认提交"},
    "en": {"station": "Daodi", "no_phone": "No phone", "confirm": "Confirm"},
}


def line_patterns(catalogue: dict[str, str]) -> list[re.Pattern[str]]:
    """Each line of each text as a pattern, its placeholders matching anything; lines that are
    nothing but placeholders are left out (they would match any line)."""
    patterns = []
    for template in catalogue.values():
        for line in template.split("\n"):
            parts = re.split(r"\{[a-z_]+\}", line)
            if not "".join(parts).strip():
                continue
            body = ".*".join(re.escape(p) for p in parts)
            patterns.append(re.compile(STAMP + r"\s*" + body + r"\s*"))
    # /help lists each command as "/name — its menu text"
    commands = [text for key, text in catalogue.items() if key.startswith("cmd_")]
    patterns += [re.compile(r"/[a-z]+ — " + re.escape(text)) for text in commands]
    return patterns


def unexplained(text: str, patterns: list[re.Pattern[str]], said: tuple[str, ...]) -> list[str]:
    """The lines of a message no pattern accounts for (the resident's own words aside)."""
    return [
        line
        for line in text.split("\n")
        if line.strip()
        and not any(word in line for word in said)
        and not any(p.fullmatch(line) for p in patterns)
    ]


async def a_case_from_start_to_end(service: Service, fetch: Fetch, locale: str) -> Chat:
    """A resident's two concerns: one worked on, reopened, extended, resolved and rated; one
    no tank can take, answered and referred by a coordinator."""
    language = "en-GB" if locale == "en" else "zh-hans"
    resident = Chat(service, fetch, "501", name="王小明", language=language)
    zhang, _, _, zhao = await staff(service, fetch)
    labels = LABELS[locale]
    await resident.command("start")
    await resident.command("help")
    for text in (WAGES, LIGHT):
        await resident.text(text)
        await resident.press(labels["station"])
        await resident.text(labels["no_phone"])
        await resident.press(labels["confirm"])
    await resident.command("my")
    await zhang.send(callback_id="cb", callback_data="case:claim:1")
    await zhang.send(callback_id="cb", callback_data="case:ask:1")
    await zhang.text("请提供劳动合同。")
    await resident.send(callback_id="cb", callback_data="case:reply:1")
    await resident.text("合同在这里，老板不给钱")
    await zhang.command("extend", "1 3 等待劳动监察回复")
    await zhang.command("resolve", "1 已追回工资。")
    await resident.send(callback_id="cb", callback_data="case:rate:1:poor")
    await resident.text("还没解决")
    await zhang.command("resolve", "1 已追回工资。")
    await resident.send(callback_id="cb", callback_data="case:rate:1:good")
    await resident.text("总算解决了，谢谢")
    await resident.command("case", "1")
    await resident.command("reply", "1 再催一下")
    await zhao.send(callback_id="cb", callback_data="refer:answer:2")
    await zhao.text("补充说明")
    await resident.command("reply", "2 补充说明")
    await zhao.command("refer", "2 urban 请拨打城管热线。")
    await resident.send(callback_id="cb", callback_data="refer:rate:2:fair")
    await resident.command("reply", "2 再催一下")
    await resident.command("case", "2")
    await resident.command("cancel")
    await resident.command("forgetme")
    return resident


@pytest.mark.parametrize("locale", ["zh", "en"])
async def test_every_line_a_resident_reads_is_in_the_residents_catalogue(
    service: Service, state: MemoryState, fetch: Fetch, locale: str
) -> None:
    await a_case_from_start_to_end(service, fetch, locale)
    residents, staff_only = CATALOGUES[locale]
    read = [
        m.text
        for m in state.outbox.values()
        if m.chat_id == "501" and m.kind in (Kind.SEND, Kind.ANSWER) and m.text
    ]
    assert len(read) > 30
    names = [s.name(locale) for s in service.district.stations]
    names += [b.name(locale) for b in service.district.referral_bodies]
    said = (WAGES[:8], LIGHT[:8], *SAID, *names)
    patterns = line_patterns(residents)
    missing = [line for text in read for line in unexplained(text, patterns, said)]
    assert missing == []
    # The check can fail: the same messages are not all explained by the staff's texts.
    assert [line for text in read for line in unexplained(text, line_patterns(staff_only), said)]


def test_each_reader_has_the_same_texts_in_both_languages_and_none_twice() -> None:
    (zh_residents, zh_staff), (en_residents, en_staff) = CATALOGUES["zh"], CATALOGUES["en"]
    assert list(zh_residents) == list(en_residents)
    assert list(zh_staff) == list(en_staff)
    assert set(zh_residents) & set(zh_staff) == set()
