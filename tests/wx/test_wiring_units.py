"""The channels' small parts: the ingress table on a real SQLite file (dedupe, the window it
records), the window's arithmetic as the platform counts it, and callbacks as inbound events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.messages import Outbound
from handlers.wx.events import opens, wechat_event, wecom_event
from handlers.wx.wechat_inbound import WeChatEvent, WeChatImage, WeChatText
from handlers.wx.wecom_inbound import WeComCardEvent, WeComText
from handlers.wx.window import TAP_MS, WINDOW_MS, allowances
from storage.db import Database, to_ms
from storage.ingress import IngressStore, Opened

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def text(msg_id: str, content: str, menu_id: str | None = None) -> WeChatText:
    """A resident's text (or tap, with menu_id)."""
    return WeChatText(
        account="gh_x",
        open_id="o_1",
        create_time=1,
        msg_id=msg_id,
        content=content,
        menu_id=menu_id,
    )


def click(key: str) -> WeChatEvent:
    """A custom-menu click."""
    return WeChatEvent(account="gh_x", open_id="o_1", create_time=1, event="click", event_key=key)


async def test_a_retried_message_is_recorded_once_and_opens_the_window(db: Database) -> None:
    store = IngressStore(db, "wechat")
    for _ in range(3):
        await store.record("wechat:msg:1", "o_1", "{}", "message", NOW)
    await store.record("wechat:event:o_1:5:click", "o_1", "{}", "tap", NOW)
    pending = await store.pending()
    assert [r.chat_id for r in pending] == ["o_1", "o_1"]
    opened = await store.opened("o_1")
    assert (opened.message_at, opened.tap_at) == (to_ms(NOW), to_ms(NOW))
    await store.spend("o_1", "message", opened.message_row)
    await store.spend("o_1", "message", opened.message_row)
    assert (await store.opened("o_1")).message_sent == 2
    # A new message (same second) is a new window of five.
    await store.record("wechat:msg:2", "o_1", "{}", "message", NOW)
    assert (await store.opened("o_1")).message_sent == 0
    await store.handled(pending[0].id, NOW)
    assert [r.id for r in await store.pending()] == [pending[1].id, pending[1].id + 1]
    assert (await IngressStore(db, "wecom").opened("o_1")) == Opened()


def test_the_window_counts_as_the_platform_does() -> None:
    now = to_ms(NOW)
    fresh = Opened(message_at=now - 1000, message_row=7)
    assert allowances(fresh, now) == [("message", 7)] * 5
    assert allowances(Opened(message_at=now - WINDOW_MS, message_row=7), now) == []
    used = Opened(message_at=now - 1000, message_sent=5, message_row=7)
    assert allowances(used, now) == []
    # A tap's three come first (they end first), then what the message left.
    both = Opened(message_at=now - 1000, message_sent=3, message_row=7, tap_at=now - 10, tap_row=9)
    assert allowances(both, now) == [("tap", 9)] * 3 + [("message", 7)] * 2
    late_tap = Opened(tap_at=now - TAP_MS, tap_row=9)
    assert allowances(late_tap, now) == []
    assert allowances(Opened(), now) == []
    old = Opened(message_at=now - WINDOW_MS + 30_000, message_row=7, tap_at=now, tap_row=9)
    assert allowances(old, now)[0] == ("message", 7)  # the message's 48 hours end sooner
    assert timedelta(milliseconds=WINDOW_MS) == timedelta(hours=48)


def test_callbacks_become_inbound_events() -> None:
    choices = [("in:st:ab:qianying", "钱营镇"), ("in:stskip:ab", "跳过"), ("kb:x", "✅ 确认提交")]
    tap = text("9", "钱营镇", "in:st:ab:qianying")
    assert opens(tap) == "tap"
    event = wechat_event(tap, 1, [], None)
    assert event is not None and event.callback_data == "in:st:ab:qianying"
    typed = wechat_event(text("10", " 2 "), 2, choices, None)
    assert typed is not None and typed.callback_data == "in:stskip:ab"
    label = wechat_event(text("11", "确认提交"), 3, choices, None)
    # A reply keyboard's item typed is its label typed, as a tap on it is (never button data).
    assert label is not None and (label.text, label.callback_data) == ("x", None)
    words = wechat_event(text("12", "9"), 4, choices, None)
    assert words is not None and (words.text, words.callback_data) == ("9", None)
    command = wechat_event(text("13", "/case 12"), 5, [], None)
    assert command is not None and (command.command, command.args) == ("case", "12")
    keyboard = text("14", "不留电话", "kb:不留电话")
    as_typed = wechat_event(keyboard, 6, [], None)
    assert as_typed is not None and (as_typed.text, as_typed.callback_data) == ("不留电话", None)
    menu = wechat_event(click("my"), 7, [], None)
    assert opens(click("my")) == "tap" and menu is not None and menu.command == "my"
    assert wechat_event(click("rm -rf"), 8, [], None) is None
    photo = WeChatImage(account="gh_x", open_id="o_1", create_time=1, msg_id="15", media_id="m1")
    assert opens(photo) == "message"
    kept = wechat_event(photo, 9, [], "file:3")
    assert kept is not None and kept.photos == ("file:3",)
    lost = wechat_event(photo, 10, [], None)
    assert lost is not None and lost.unsupported == "other"
    press = WeComCardEvent(
        corp_id="ww",
        user_id="zhang",
        create_time=1,
        event_key="case:claim:1",
        task_id="t-1",
        response_code="c",
    )
    pressed = wecom_event(press, 11, [], None)
    assert pressed is not None and pressed.callback_data == "case:claim:1"
    typed_code = WeComText(
        corp_id="ww", user_id="zhang", create_time=1, msg_id="1", content="AbCdEfGhIjKlMnOp"
    )
    code = wecom_event(typed_code, 12, [], None)
    assert code is not None and (code.command, code.args) == ("start", "AbCdEfGhIjKlMnOp")


async def test_forgetting_a_resident_forgets_their_wechat_chat(db: Database) -> None:
    from storage.unit_of_work import unit_factory
    from storage.wx_state import WxState

    store, state = IngressStore(db, "wechat"), WxState(db)
    await store.record("wechat:msg:1", "o_gone", '{"content": "老板欠薪"}', "message", NOW)
    await store.record("wechat:msg:2", "o_gone", '{"content": "还没处理"}', "message", NOW)
    first = (await store.pending())[0]
    await store.handled(first.id, NOW)
    await store.spend("o_gone", "message", first.id)
    await state.save_menu("wechat", "o_gone", [("in:ok:1", "确认")], NOW)
    photo = await state.add_file("wechat", "o_gone", "m1", "image", "image/jpeg", b"jpg", NOW)
    held = Outbound(channel="wechat", chat_id="o_gone", text="您的反映已答复", case_id=1)
    await state.hold(held, NOW)
    async with unit_factory(db)() as uow:
        person = await uow.people.by_external("wechat", "o_gone")
        assert person is None
        from core.models import Person

        added = await uow.people.add(
            Person(id=0, channel="wechat", external_id="o_gone", chat_id="o_gone"), NOW
        )
        await uow.erasure.forget(added.id, NOW)
        await uow.commit()
    rows = await db.reader.execute_fetchall("SELECT dedupe_key FROM ingress", ())
    assert [r[0] for r in rows] == ["wechat:msg:2"]  # not handled yet: it still will be
    assert list(await db.reader.execute_fetchall("SELECT * FROM wx_quota", ())) == []
    assert list(await db.reader.execute_fetchall("SELECT * FROM wx_menus", ())) == []
    assert list(await db.reader.execute_fetchall("SELECT * FROM wx_held", ())) == []
    kept = await state.file(photo)
    assert kept is not None and kept.content == b"jpg"
    owner = await db.reader.execute_fetchall("SELECT chat_id FROM files", ())
    assert [r[0] for r in owner] == [""]


def test_kept_photos_go_only_where_they_can_be_shown() -> None:
    from core.channels.limits import fit

    photos = ("file:1", "AgACAgIAAxkBAAI")  # a WeChat resident's kept photo, a Telegram file id
    to_telegram = fit(Outbound(chat_id="601", photos=photos), "zh")
    assert [m.photos for m in to_telegram] == [("AgACAgIAAxkBAAI",)]
    assert fit(Outbound(chat_id="601", photos=("file:1",)), "zh") == []
    to_wecom = fit(Outbound(channel="wecom", chat_id="zhang", photos=photos), "zh")
    assert [m.photos for m in to_wecom] == [photos]
