"""Bad input over the wire: each gets a clear answer (or, in a group, none), nothing breaks, and
the bot keeps serving another resident meanwhile."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from tests.e2e.conftest import GroupChat, RunningBot
from tests.e2e.test_intake_e2e import file_concern
from tests.fakes import FakeUser

NEED_WORDS = "请用文字描述您的问题（只发表情或空白，我看不出是什么问题）。"
HTML = "<b>x</b> & <script>alert(1)</script> 工资"

Send = Callable[[FakeUser], Awaitable[object]]


def text(value: str) -> Send:
    async def send(user: FakeUser) -> object:
        return await user.send_text(value)

    return send


CASES: list[tuple[str, Send, str]] = [
    ("empty", text(""), NEED_WORDS),
    ("blank", text("  \n\t "), NEED_WORDS),
    ("emoji only", text("😀😀😀🙏"), NEED_WORDS),
    ("punctuation", text("？？？！！"), NEED_WORDS),
    ("sticker", lambda u: u.send_sticker(), "暂不支持贴纸。"),
    ("voice", lambda u: u.send_voice(), "暂不支持语音。"),
    ("document", lambda u: u.send_document(), "暂不支持文件。"),
    ("unknown command", lambda u: u.send_command("/frobnicate"), "/frobnicate 不是您能用的命令。"),
    ("long unknown command", lambda u: u.send_command("/" + "x" * 60), "不是您能用的命令"),
    ("greeting", text("你好"), "请直接描述您遇到的问题"),
    ("location first", lambda u: u.send_location(39.6, 118.1), "请先用文字描述"),
    ("contact first", lambda u: u.send_contact("13800138000"), "请先用文字描述"),
]


async def test_each_bad_input_gets_a_clear_answer_while_another_resident_is_served(
    bot: RunningBot,
) -> None:
    await bot.add_member(901, "law", "张律师")
    odd = bot.server.user(1301, "捣乱的人")
    good = bot.server.user(1302, "王小明")

    async def bad_inputs() -> None:
        for name, send, expected in CASES:
            await send(odd)
            answer = await odd.next_message()
            assert expected in (answer.text or ""), (name, answer.text)

    ack, _ = await asyncio.gather(file_concern(good), bad_inputs())
    assert "#1" in (ack.text or "")
    assert await bot.rows("SELECT id, resident_id FROM cases") == [
        (1, (await bot.person(good.id)).id)  # type: ignore[union-attr]
    ]
    await bot.drain()
    assert await bot.rows("SELECT count(*) FROM outbox WHERE status != 'sent'") == [(0,)]


async def test_html_in_a_concern_and_a_name_is_shown_as_typed(bot: RunningBot) -> None:
    lawyer = await bot.add_member(902, "law", "张律师")
    odd = bot.server.user(1303, "<i>Ann</i> & <b>co", language_code="zh-hans")
    await odd.send_command("/start")
    greeting = await odd.next_message()
    assert "<i>Ann</i> & <b>co" in (greeting.text or "")
    await odd.send_text(HTML)
    await odd.wait_text("哪个镇")
    await odd.press("跳过")
    await odd.wait_text("联系电话")
    await odd.send_text("不留电话")
    card = await odd.wait_text("请确认您的反映")
    assert HTML in (card.text or "")
    assert "&lt;script&gt;" in (card.html or "")
    await odd.press("✅ 确认提交")
    await odd.wait_text("已受理")
    notice = await lawyer.wait_text("新案件 #1")
    assert HTML in (notice.text or "")
    await odd.send_command("/my")
    assert HTML[:20] in ((await odd.wait_text("您的反映")).text or "")
    await odd.send_command("/case", "<b>1</b>")
    assert "请写上编号" in ((await odd.next_message()).text or "")


async def test_a_4096_character_concern_is_cut_and_shown_within_telegrams_limits(
    bot: RunningBot,
) -> None:
    lawyer = await bot.add_member(903, "law", "张律师")
    writer = bot.server.user(1304, "话多的人")
    long_text = ("欠薪<&>" * 1000)[:4096]
    await writer.send_text(long_text)
    await writer.wait_text("哪个镇")
    await writer.send_text("再补充一句：老板跑了")  # appended to a text already at the limit
    assert "太长" in ((await writer.next_message()).text or "")
    await writer.press("跳过")
    await writer.wait_text("联系电话")
    await writer.send_text("不留电话")
    card = await writer.wait_text("请确认您的反映")
    assert "欠薪<&>欠薪" in (card.text or "") and "…" in (card.text or "")
    await writer.press("✅ 确认提交")
    await writer.wait_text("已受理")
    notice = await lawyer.wait_text("新案件 #1")
    assert len(notice.text or "") <= 4096
    (stored,) = await bot.rows("SELECT length(text) FROM cases")
    assert stored == (3000,)
    await lawyer.press("✋ 认领")
    detail = await lawyer.wait_text("案件 #1")
    assert len(detail.text or "") <= 4096


async def test_a_group_gets_no_answer_to_talk_and_a_pointer_to_the_private_chat(
    bot: RunningBot,
) -> None:
    group = GroupChat(bot.server, -100500, "村民群")
    villager = bot.server.user(1305, "村民")
    other = bot.server.user(1306, "王小明")
    await group.send(villager, "老板拖欠工资三个月了，怎么办")
    await group.send(villager, "😀")
    await group.send(villager, "/help@some_other_bot")  # for another bot in the group
    await group.send(villager, "/start@minqing_test_bot")
    pointer = await group.state.signal.wait_until(
        lambda: group.messages[0] if group.messages else None, 10, lambda: "the group's answer"
    )
    assert pointer.text == "请在与我的私聊中反映问题。"
    await file_concern(other)  # the bot is alive and well, and has answered the group by now
    assert len(group.messages) == 1, [m.text for m in group.messages]
    assert await bot.rows("SELECT count(*) FROM cases") == [(1,)]
    assert await bot.rows("SELECT count(*) FROM dialogs WHERE chat_id = '-100500'") == [(0,)]


async def test_writing_in_a_group_does_not_move_a_residents_notifications_there(
    bot: RunningBot,
) -> None:
    lawyer = await bot.add_member(904, "law", "张律师")
    group = GroupChat(bot.server, -100501, "村民群")
    resident = bot.server.user(1307, "王小明")
    await file_concern(resident)
    await lawyer.wait_text("新案件 #1")
    await group.send(resident, "/start")
    await group.state.signal.wait_until(
        lambda: group.messages[0] if group.messages else None, 10, lambda: "the group's answer"
    )
    await lawyer.press("✋ 认领")
    await lawyer.wait_text("案件 #1")
    await lawyer.send_command("/reply", "1 请把劳动合同发给我看看")
    letter = await bot.server.wait_for_call(
        "sendMessage", lambda c: "劳动合同" in str(c.params.get("text"))
    )
    assert letter.params["chat_id"] == resident.id, "the case's reply went to the group"
    assert len(group.messages) == 1


async def test_a_command_with_its_argument_on_the_next_line_still_works(bot: RunningBot) -> None:
    resident = bot.server.user(1308, "王小明")
    await file_concern(resident)
    entity = {"type": "bot_command", "offset": 0, "length": 5}
    await resident.send_message(text="/case\n1", entities=[entity])
    shown = await resident.next_message()
    assert "事项 #1" in (shown.text or ""), shown.text


def _file(kind: str, **extra: object) -> dict[str, object]:
    return {"file_id": f"{kind}-file", "file_unique_id": f"{kind}-unique", **extra}


async def test_other_kinds_of_message_are_named_in_the_answer(bot: RunningBot) -> None:
    user = bot.server.user(1309, "王小明")
    video = _file("video", width=640, height=480, duration=3)
    kinds: list[tuple[dict[str, object], str]] = [
        ({"video": video}, "暂不支持视频。"),
        # Telegram sends an animation with a document beside it, for old clients.
        (
            {
                "animation": _file("animation", width=1, height=1, duration=1),
                "document": _file("d"),
            },
            "暂不支持动图。",
        ),
        ({"video_note": _file("note", length=240, duration=2)}, "暂不支持视频消息。"),
        ({"audio": _file("audio", duration=100)}, "暂不支持音频。"),
        ({"dice": {"emoji": "🎲", "value": 3}}, "暂不支持这类消息。"),
    ]
    for content, expected in kinds:
        await user.send_message(**content)
        assert (await user.next_message()).text == expected + (
            "请用文字描述问题，可附照片、位置或分享手机号。"
        ), content
