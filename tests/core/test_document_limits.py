"""A file's caption is held to the channel's caption limit: a longer one follows the file as
messages of its own, the file going first with no caption and no buttons."""

from __future__ import annotations

from core.channels.limits import fit
from core.messages import OUTBOUND, Attachment, Button, Outbound


def test_a_long_caption_follows_its_file_and_a_short_one_rides_with_it() -> None:
    file = Attachment(filename="报告.docx", content=b"PK\x03\x04" + bytes(range(256)))
    button = Button(text="好", data="desk:rfile:1")
    short = Outbound(chat_id="1", text="标题", document=file, buttons=((button,),))
    assert fit(short, "zh") == [short]
    long = short.model_copy(update={"text": "长" * 3000})
    first, *rest = fit(long, "zh")
    assert first.document == file and first.text == "" and first.buttons == ()
    assert rest and all(m.document is None for m in rest)
    assert "".join(m.text for m in rest) == "长" * 3000 and rest[-1].buttons == ((button,),)
    # the bytes survive the outbox's JSON exactly
    assert OUTBOUND.validate_json(OUTBOUND.dump_json(first)) == first
