"""What one message may carry on each channel, and `fit`, which every outgoing message passes
through on its way to the outbox (`context.queue`), so that none is refused for its length.

A text over its channel's limit goes out as several messages, cut at line breaks, the buttons,
keyboard and edit key on the last; an edit, which replaces one message, is shortened instead,
with a line saying where to read the rest; a caption too long for its photos or file follows
them as messages of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.channels import splitting
from core.messages import Kind, Outbound
from core.texts import t


@dataclass(frozen=True)
class ChannelLimits:
    """The longest text and caption one message of a channel may carry, counted as the channel
    counts them: the text as shown (tags out, entities as one character), in `unit`."""

    text: int
    caption: int
    unit: splitting.Unit

    def fits(self, text: str, limit: int) -> bool:
        """True when the text is within limit as this channel counts it."""
        most = {"utf16": 2, "utf8": 4, "chars": 1}[self.unit]  # per character of the HTML
        if len(text) * most <= limit:
            return True
        return splitting.measure(text, splitting.counter(self.unit)) <= limit


# The Bot API: text 1-4096 characters after entity parsing, captions 0-1024, counted in UTF-16
# code units. The console shows what a Telegram user would get.
CHANNEL_LIMITS: dict[str, ChannelLimits] = {
    "telegram": ChannelLimits(text=4096, caption=1024, unit="utf16"),
    "console": ChannelLimits(text=4096, caption=1024, unit="utf16"),
}
FALLBACK = "telegram"
# What only the last of a message's parts carries: its buttons, keyboard and the key edits use.
NO_MARKUP = {"buttons": (), "keyboard": (), "remove_keyboard": False, "key": None}


def limits_of(channel: str) -> ChannelLimits:
    """The limits of a channel (a channel not listed gets the fallback's)."""
    return CHANNEL_LIMITS.get(channel) or CHANNEL_LIMITS[FALLBACK]


def fit(message: Outbound, locale: str) -> list[Outbound]:
    """The message as messages its channel accepts, in the order they are to be sent."""
    limits = limits_of(message.channel)
    count = splitting.counter(limits.unit)
    if message.kind == Kind.EDIT and not limits.fits(message.text, limits.text):
        tail = _pointer(locale, message.case_id)
        return [
            message.model_copy(
                update={"text": splitting.clip(message.text, limits.text, count, tail)}
            )
        ]
    if message.kind != Kind.SEND or not message.text:
        return [message]
    if message.photos or message.document is not None:
        if limits.fits(message.text, limits.caption):
            return [message]
        bare = message.model_copy(update={**NO_MARKUP, "text": ""})
        rest = message.model_copy(update={"photos": (), "document": None})
        return [bare, *fit(rest, locale)]
    if limits.fits(message.text, limits.text):
        return [message]
    texts = splitting.split(message.text, limits.text, count)
    parts = [message.model_copy(update={**NO_MARKUP, "text": text}) for text in texts[:-1]]
    return [*parts, message.model_copy(update={"text": texts[-1]})]


def _pointer(locale: str, case_id: int | None) -> str:
    if case_id is None:
        return t(locale, "text_clipped")
    return t(locale, "text_clipped_case", number=case_id)
