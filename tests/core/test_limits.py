"""Every outgoing message within its channel's limits: long texts split at line breaks with the
buttons on the last part, edits and captions shortened or moved, each part valid Telegram HTML."""

from __future__ import annotations

import random
import re
from pathlib import Path

from core.channels import splitting
from core.channels.limits import CHANNEL_LIMITS, fit, limits_of
from core.messages import Button, KeyButton, Kind, Outbound
from tests.fakes.content import MAX_CAPTION, MAX_TEXT, shown_text, utf16_length
from tests.fakes.tg_html import parse_html

CORE = Path(__file__).resolve().parents[2] / "core"
BUTTONS = ((Button(text="✋ 认领", data="case:claim:7"),),)


def accepted(message: Outbound) -> str:
    """What the fake Bot API shows for the message; raises its 400 if Telegram would refuse it."""
    return shown_text(message.text, "HTML", caption=bool(message.photos))


def long_text(lines: int) -> str:
    """A card-like text: a bold header, escaped user words with emoji, a quote spanning lines."""
    body = "\n".join(
        f"<b>#{i}</b> 居民&lt;王&gt;：路灯坏了 😀&amp;&#128512; {'很久' * (i % 40)}"
        for i in range(lines)
    )
    return f"<b>案件 #7</b>\n<blockquote>{body}</blockquote>\n结束"


def test_a_text_over_the_limit_is_split_at_line_breaks_with_the_buttons_on_the_last() -> None:
    text = long_text(400)
    message = Outbound(chat_id="1", text=text, buttons=BUTTONS, key="notice:7:1", case_id=7)
    parts = fit(message, "zh")
    assert len(parts) >= 3
    shown = [accepted(part) for part in parts]  # each valid HTML, each within 4,096 units
    assert all(utf16_length(s) <= MAX_TEXT for s in shown)
    assert "".join(shown).replace("\n", "") == splitting.shown(text).replace("\n", "")
    assert [p.buttons for p in parts] == [()] * (len(parts) - 1) + [BUTTONS]
    assert [p.key for p in parts] == [None] * (len(parts) - 1) + ["notice:7:1"]
    assert {p.case_id for p in parts} == {7} and {p.chat_id for p in parts} == {"1"}
    # Cut at line ends only: every part but the first starts a line of the original.
    assert all(re.match(r"#\d+ 居民", s) for s in shown[1:])


def test_the_keyboard_goes_with_the_last_part_and_short_texts_are_left_alone() -> None:
    keys = ((KeyButton(text="📱 分享手机号", request_contact=True),),)
    short = Outbound(chat_id="1", text="<b>好</b>", keyboard=keys)
    assert fit(short, "zh") == [short]
    parts = fit(short.model_copy(update={"text": long_text(300)}), "zh")
    assert [p.keyboard for p in parts][-1] == keys and not any(p.keyboard for p in parts[:-1])


def test_one_long_line_is_cut_inside_it_at_spaces_and_never_inside_an_entity() -> None:
    spaced = " ".join(["word&amp;word"] * 1200)  # 12,000 characters shown, one line
    parts = fit(Outbound(chat_id="1", text=spaced), "en")
    shown = [accepted(p) for p in parts]
    assert len(parts) == 3 and all(s.endswith("word&word") for s in shown)
    cjk = "<i>" + "长" * 5000 + "😀" * 3000 + "</i>"  # no space, no line break, 11,000 units
    parts = fit(Outbound(chat_id="1", text=cjk), "zh")
    shown = [accepted(p) for p in parts]
    assert "".join(shown) == "长" * 5000 + "😀" * 3000
    assert all(p.text.startswith("<i>") and p.text.endswith("</i>") for p in parts)


def test_an_edit_is_shortened_with_a_pointer_to_the_whole_case() -> None:
    edit = Outbound(kind=Kind.EDIT, chat_id="1", text=long_text(400), edit_key="k", case_id=12)
    (clipped,) = fit(edit, "zh")
    shown = accepted(clipped)
    assert shown.startswith("案件 #7") and shown.endswith("完整内容请发送 /case 12 查看）")
    (english,) = fit(edit.model_copy(update={"case_id": None}), "en")
    assert accepted(english).endswith("(too long to show in full)")


def test_a_caption_too_long_for_its_photo_follows_it_as_messages() -> None:
    photo = Outbound(chat_id="1", text="现场" * 600, photos=("AgAC",), buttons=BUTTONS)
    assert fit(photo.model_copy(update={"text": "现场" * 512}), "zh")[0].text == "现场" * 512
    bare, words = fit(photo, "zh")
    assert bare.photos == ("AgAC",) and bare.text == "" and bare.buttons == ()
    assert words.photos == () and words.text == "现场" * 600 and words.buttons == BUTTONS
    assert utf16_length(accepted(words)) > MAX_CAPTION


def test_limits_are_each_channels_data_counted_in_its_unit() -> None:
    assert limits_of("telegram") == CHANNEL_LIMITS["telegram"]
    assert limits_of("a channel to come") == CHANNEL_LIMITS["telegram"]
    text = "<b>ab</b>&lt;😀"
    assert splitting.measure(text, splitting.counter("utf16")) == 5
    assert splitting.measure(text, splitting.counter("utf8")) == 7
    assert splitting.measure(text, splitting.counter("chars")) == 4
    parts = splitting.split("第一行\n第二行\n第三行", 12, splitting.counter("utf8"))
    assert parts == ["第一行", "第二行", "第三行"]


def test_every_message_reaches_the_outbox_through_the_one_place_that_fits_it() -> None:
    """Only core.context.queue adds to the outbox; it fits every message to its channel."""
    adders = [path.name for path in sorted(CORE.glob("*.py")) if "outbox.add(" in path.read_text()]
    assert adders == ["context.py"]


def random_html(rng: random.Random) -> str:
    """Valid Telegram HTML of random shape: nested tags across lines, entities, CJK, emoji."""
    out: list[str] = []
    open_tags: list[str] = []
    for _ in range(rng.randint(1, 400)):
        roll = rng.random()
        if roll < 0.1 and len(open_tags) < 3:
            tag = rng.choice(["b", "i", "code", "blockquote", 'a href="https://x.org/?a=1&amp;b"'])
            out.append(f"<{tag}>")
            open_tags.append(tag.split()[0])
        elif roll < 0.2 and open_tags:
            out.append(f"</{open_tags.pop()}>")
        elif roll < 0.35:
            out.append("\n" * rng.randint(1, 2))
        else:
            piece = rng.choice(
                ["&lt;", "&amp;", "&#128512;", "😀", "案件", "word ", " ", "长" * 60]
            )
            out.append(piece * rng.randint(1, 40))
    out.extend(f"</{tag}>" for tag in reversed(open_tags))
    return "".join(out)


def test_random_html_splits_into_valid_parts_within_the_limit_losing_nothing() -> None:
    rng = random.Random(9)
    count = splitting.counter("utf16")
    for _ in range(300):
        text = random_html(rng)
        if not splitting.shown(text).strip():
            continue  # nothing to show: Telegram refuses it whole, as it would any part
        limit = rng.choice([40, 300, 4096])
        parts = splitting.split(text, limit, count)
        shown = [parse_html(part) for part in parts]  # raises if a part is not valid
        assert all(s.strip() and count(s) <= limit for s in shown)
        assert "".join("".join(shown).split()) == "".join(splitting.shown(text).split())
