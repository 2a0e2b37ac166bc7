"""Single Bot API calls from a real PTB Bot to the fake: decoding, Telegram's rules, faults."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.request import HTTPXRequest

from tests.fakes import FakeBotAPI, fake_bot_api

TOKEN = "123:ABC"


@pytest.fixture
async def server() -> AsyncIterator[FakeBotAPI]:
    async with fake_bot_api(TOKEN) as started:
        yield started


@pytest.fixture
async def bot(server: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=server.base_url, request=HTTPXRequest(read_timeout=2)) as bot:
        yield bot


async def test_get_me_and_send_message_decode_like_telegram(server: FakeBotAPI, bot: Bot) -> None:
    ann = server.user(42, "Ann")
    me = await bot.get_me()
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("认领", callback_data="case:claim:7")]])
    first = await bot.send_message(42, "123", reply_markup=markup, disable_notification=True)
    second = await bot.send_message(42, "true")

    assert (me.id, me.username, me.is_bot) == (123, "minqing_test_bot", True)
    assert (first.message_id, second.message_id) == (1, 2)
    assert first.chat.first_name == "Ann" and first.from_user is not None
    assert first.reply_markup == markup
    params = server.calls("sendMessage")[0].params
    assert params["chat_id"] == 42 and params["text"] == "123"
    assert params["disable_notification"] is True
    assert params["reply_markup"] == markup.to_dict()
    assert [m.text for m in ann.messages] == ["123", "true"]
    assert ann.last_message is not None and ann.last_message.button_texts() == []


async def test_unknown_chat_and_unknown_method(server: FakeBotAPI, bot: Bot) -> None:
    server.user(42, "Ann")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(999, "hello")
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("fooBar")
    assert (await bot.get_chat(42)).first_name == "Ann"
    assert server.calls("fooBar")[0].status == 404


async def test_html_is_checked_and_stored_as_shown(server: FakeBotAPI, bot: Bot) -> None:
    ann = server.user(42, "Ann")
    for bad in ("<script>alert(1)</script>", "1 < 2", "<b>bold</i>", "<b>open"):
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(42, bad, parse_mode="HTML")
    raw = '<b>案件</b> &lt;script&gt; &amp; <a href="https://x.org">link</a>'
    await bot.send_message(42, raw, parse_mode="HTML")

    assert len(ann.messages) == 1
    assert ann.messages[0].text == "案件 <script> & link"
    assert ann.messages[0].html == raw
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(42, "长" * 4097)


async def test_length_limits_count_utf16_units_of_the_shown_text(
    server: FakeBotAPI, bot: Bot
) -> None:
    ann = server.user(42, "Ann")
    await bot.send_message(42, "<b>" + "&lt;" * 4096 + "</b>", parse_mode="HTML")  # 4,096 shown
    await bot.send_message(42, "😀" * 2048)  # 4,096 UTF-16 code units
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(42, "😀" * 2049)  # 2,049 characters, 4,098 units
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(42, "😀" * 2048 + "<b>x</b>", parse_mode="HTML")
    await bot.send_photo(
        42, photo=b"\x89PNG", caption="<i>" + "😀" * 512 + "</i>", parse_mode="HTML"
    )
    with pytest.raises(BadRequest, match=r"^Message caption is too long$"):
        await bot.send_photo(42, photo=b"\x89PNG", caption="😀" * 513)
    with pytest.raises(BadRequest, match=r"^Message caption is too long$"):
        await bot.send_media_group(
            42, [InputMediaPhoto(b"\x89PNG", caption="😀" * 513), InputMediaPhoto(b"\x89PNG")]
        )
    sent = await bot.send_message(42, "x")
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.edit_message_text("😀" * 2049, chat_id=42, message_id=sent.message_id)
    assert len(ann.messages) == 4


async def test_photo_upload_and_media_group(server: FakeBotAPI, bot: Bot) -> None:
    ann = server.user(42, "Ann")
    photo = await bot.send_photo(
        42, photo=b"\x89PNG fake", caption="<i>现场</i>", parse_mode="HTML"
    )
    group = await bot.send_media_group(
        42, [InputMediaPhoto("AgAC-one"), InputMediaPhoto(b"\x89PNG two", caption="two")]
    )

    assert photo.caption == "现场" and photo.photo[-1].file_id.startswith("AgAC")
    assert server.calls("sendPhoto")[0].files == ("photo",)
    assert len(group) == 2 and group[0].media_group_id == group[1].media_group_id
    assert group[0].photo[-1].file_id == "AgAC-one"
    assert [m.kind for m in ann.messages] == ["photo", "photo", "photo"]


async def test_send_location_is_a_map_pin(server: FakeBotAPI, bot: Bot) -> None:
    ann = server.user(42, "Ann")
    pin = await bot.send_location(42, latitude=39.51234, longitude=118.10987)
    assert pin.location is not None and pin.location.latitude == 39.51234
    assert ann.messages[0].kind == "location"
    assert ann.messages[0].location == {"latitude": 39.51234, "longitude": 118.10987}
    with pytest.raises(BadRequest, match=r"(?i)wrong latitude"):
        await bot.send_location(42, latitude=91.0, longitude=0.0)


async def test_edits_follow_telegram_rules(server: FakeBotAPI, bot: Bot) -> None:
    ann = server.user(42, "Ann")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    sent = await bot.send_message(42, "v1", reply_markup=markup)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=42, message_id=99)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "v1", chat_id=42, message_id=sent.message_id, reply_markup=markup
        )
    await bot.edit_message_text("v2", chat_id=42, message_id=sent.message_id)

    edited = ann.messages[0]
    assert (edited.text, edited.edited, edited.reply_markup) == ("v2", True, None)
    assert edited.history == [("v1", markup.to_dict())]


async def test_commands_per_scope(server: FakeBotAPI, bot: Bot) -> None:
    from telegram import BotCommand, BotCommandScopeChat

    server.user(42, "Ann")
    await bot.set_my_commands([BotCommand("start", "开始")])
    await bot.set_my_commands([BotCommand("cases", "案件")], scope=BotCommandScopeChat(42))
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start", "bad")])

    assert server.commands() == [{"command": "start", "description": "开始"}]
    assert server.visible_commands(42)[0]["command"] == "cases"
    assert server.visible_commands(7)[0]["command"] == "start"
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(42))] == [
        "cases"
    ]


async def test_long_poll_wakes_on_push_and_offset_confirms(server: FakeBotAPI, bot: Bot) -> None:
    ann = server.user(42, "Ann")
    poll = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=40))
    await server.wait_until_polling(timeout=5)
    await ann.send_text("你好")
    async with asyncio.timeout(5):
        updates = await poll
    assert [u.message.text for u in updates if u.message] == ["你好"]
    assert len(await bot.get_updates(timeout=0)) == 1  # not confirmed yet
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()
    assert server.pending_updates == []


async def test_faults_reach_the_caller_and_record_nothing(
    server: FakeBotAPI, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # PTB 22 warns on int retry_after otherwise
    ann = server.user(42, "Ann")
    server.faults.fail_next("sendMessage", "429", retry_after=7)
    with pytest.raises(RetryAfter) as retry:
        await bot.send_message(42, "a")
    assert retry.value.retry_after.total_seconds() == 7  # type: ignore[union-attr]
    for kind, error in (("502", NetworkError), ("drop", NetworkError), ("timeout", TimedOut)):
        server.faults.fail_next("sendMessage", kind, hold_seconds=5)
        with pytest.raises(error):
            await bot.send_message(42, kind, read_timeout=0.2)
    server.faults.block_chat(42)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(42, "blocked")
    server.faults.unblock_chat(42)
    server.faults.fail_next("sendMessage", "lost_response")
    with pytest.raises(NetworkError):
        await bot.send_message(42, "arrived")

    assert [m.text for m in ann.messages] == ["arrived"]
    assert server.faults.total == 6
    assert [c.status for c in server.calls("sendMessage")] == [429, 502, 0, 0, 403, 0]


async def test_random_faults_are_seeded_and_counted(server: FakeBotAPI, bot: Bot) -> None:
    server.user(42, "Ann")
    server.faults.set_random(0.5, kinds=["502"], methods={"sendMessage"}, seed=3)
    outcomes = []
    for n in range(20):
        try:
            await bot.send_message(42, str(n))
            outcomes.append(True)
        except NetworkError:
            outcomes.append(False)
    assert 0 < outcomes.count(False) == server.faults.injected["502"] < 20
    assert len(server.messages(42)) == outcomes.count(True)


async def test_user_inputs_arrive_as_ptb_objects(server: FakeBotAPI, bot: Bot) -> None:
    ann = server.user(42, "Ann", last_name="Li", username="ann_li")
    card = await bot.send_message(42, "卡片")
    await ann.send_command("/start", args="ref-7")
    await ann.send_text("回复", reply_to_message_id=card.message_id)
    await ann.send_photo(file_id="AgAC-photo", caption="坑")
    await ann.send_contact("+8613800000000")
    await ann.send_contact("+8613900000000", own=False)
    await ann.send_location(31.23, 121.47)
    await ann.send_sticker()
    await ann.send_voice()
    await ann.send_document("诉求.pdf")
    await ann.forge_callback("case:close:999")
    edit_date = int(card.date.timestamp())
    await ann.send_raw({"edited_message": {**card.to_dict(), "edit_date": edit_date}})

    messages = [u.effective_message for u in await bot.get_updates(timeout=0)]
    command, reply, photo, own, other, where, sticker, voice, doc, forged, edited = messages
    assert command is not None and command.text == "/start ref-7"
    assert command.parse_entities() == {command.entities[0]: "/start"}
    assert reply is not None and reply.reply_to_message is not None
    assert reply.reply_to_message.text == "卡片"
    assert photo is not None and photo.photo[-1].file_id == "AgAC-photo"
    assert own is not None and own.contact is not None and own.contact.user_id == 42
    assert other is not None and other.contact is not None and other.contact.user_id is None
    assert where is not None and where.location is not None
    assert where.location.latitude == 31.23
    assert sticker is not None and sticker.sticker is not None
    assert voice is not None and voice.voice is not None
    assert doc is not None and doc.document is not None and doc.document.file_name == "诉求.pdf"
    assert forged is not None and forged.message_id == card.message_id
    assert edited is not None and edited.edit_date is not None
    assert command.from_user is not None and command.from_user.username == "ann_li"


async def test_actions_answers_and_deletes_are_recorded(server: FakeBotAPI, bot: Bot) -> None:
    ann = server.user(42, "Ann")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("好", callback_data="ok")]])
    sent = await bot.send_message(42, "确认？", reply_markup=markup)
    press = await ann.press("ok")
    await bot.send_chat_action(42, "typing")
    await bot.answer_callback_query(press["callback_query"]["id"], text="收到")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(press["callback_query"]["id"])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        big = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x" * 65)]])
        await bot.send_message(42, "too much data", reply_markup=big)
    await bot.delete_message(42, sent.message_id)

    assert [a.action for a in ann.actions] == ["typing"]
    assert (await ann.next_answer()).text == "收到"
    assert ann.messages[0].deleted and len(ann.messages) == 1
    assert await bot.close() and await bot.log_out()


async def test_copy_and_forward_a_residents_photo(server: FakeBotAPI, bot: Bot) -> None:
    ann, member = server.user(42, "Ann"), server.user(7, "Member")
    update = await ann.send_photo(file_id="AgAC-pothole", caption="路面坑洞")
    message_id = update["message"]["message_id"]
    copied = await bot.copy_message(7, from_chat_id=42, message_id=message_id, caption="转交")
    forwarded = await bot.forward_message(7, from_chat_id=42, message_id=message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to copy not found"):
        await bot.copy_message(7, from_chat_id=42, message_id=999)
    await bot.set_my_description("民情 · 向议员反映")

    assert [m.file_id for m in member.messages] == ["AgAC-pothole", "AgAC-pothole"]
    assert member.messages[0].message_id == copied.message_id
    assert member.messages[0].caption == "转交"
    assert forwarded.forward_origin is not None and forwarded.caption == "路面坑洞"
    assert server.state.settings["description"] == "民情 · 向议员反映"
