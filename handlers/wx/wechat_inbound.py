"""The Official Account's inbound messages and events as small typed records.

A tap on a `msgmenu` item arrives as a text message whose `bizmsgmenuid` is the tapped item's id;
it is kept as `menu_id`. Every record has a `dedupe_key` that a retry of the same callback repeats:
the MsgId for messages, the sender, time and event name for events (which carry no MsgId).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from handlers.wx.xmlsafe import Fields, MalformedMessage


class WeChatInbound(BaseModel):
    """What every callback from the Official Account carries."""

    model_config = ConfigDict(frozen=True)

    account: str  # ToUserName: the account's original id (gh_...)
    open_id: str  # FromUserName: the resident's OpenID for this account
    create_time: int
    msg_id: str | None = None

    @property
    def dedupe_key(self) -> str:
        """The same for every delivery of this callback, different for any other."""
        return f"wechat:msg:{self.msg_id}" if self.msg_id else f"wechat:{self._event_key()}"

    def _event_key(self) -> str:
        return f"event:{self.open_id}:{self.create_time}"


class WeChatText(WeChatInbound):
    """A text the resident typed, or a msgmenu item they tapped (menu_id set)."""

    kind: Literal["text"] = "text"
    content: str
    menu_id: str | None = None


class WeChatImage(WeChatInbound):
    """A photo: MediaId (valid 3 days, download it at once) and a temporary PicUrl."""

    kind: Literal["image"] = "image"
    media_id: str
    pic_url: str = ""


class WeChatVoice(WeChatInbound):
    """A voice message: MediaId, its format (amr, speex) and the platform's transcript, if any."""

    kind: Literal["voice"] = "voice"
    media_id: str
    format: str = ""
    recognition: str | None = None


class WeChatLocation(WeChatInbound):
    """A place the resident sent: latitude (Location_X), longitude (Location_Y) and its label."""

    kind: Literal["location"] = "location"
    latitude: float
    longitude: float
    scale: int | None = None
    label: str = ""


class WeChatEvent(WeChatInbound):
    """An event: subscribe, unsubscribe, click (a custom menu key), templatesendjobfinish."""

    kind: Literal["event"] = "event"
    event: str  # lower case
    event_key: str = ""
    status: str | None = None  # TEMPLATESENDJOBFINISH: success / failed:user block / ...
    template_msg_id: str | None = None  # TEMPLATESENDJOBFINISH: the MsgID send returned

    def _event_key(self) -> str:
        return f"event:{self.open_id}:{self.create_time}:{self.event}"


class WeChatUnsupported(WeChatInbound):
    """A message type the bot does not handle (video, link, file ...): answer what is supported."""

    kind: Literal["unsupported"] = "unsupported"
    msg_type: str


WeChatMessage = (
    WeChatText | WeChatImage | WeChatVoice | WeChatLocation | WeChatEvent | WeChatUnsupported
)


def parse_wechat(fields: Fields) -> WeChatMessage:
    """The typed record of a decrypted callback; MalformedMessage if a required field is missing."""
    base: dict[str, Any] = {
        "account": fields.text("ToUserName"),
        "open_id": fields.text("FromUserName"),
        "create_time": fields.integer("CreateTime"),
        "msg_id": fields.get("MsgId") or None,
    }
    if not base["open_id"]:
        raise MalformedMessage("empty FromUserName")
    msg_type = fields.text("MsgType").strip().lower()
    if msg_type == "text":
        return WeChatText(
            **base, content=fields.text("Content"), menu_id=fields.get("bizmsgmenuid") or None
        )
    if msg_type == "image":
        return WeChatImage(
            **base, media_id=fields.text("MediaId"), pic_url=fields.get("PicUrl") or ""
        )
    if msg_type == "voice":
        return WeChatVoice(
            **base,
            media_id=fields.text("MediaId"),
            format=fields.get("Format") or "",
            recognition=fields.get("Recognition") or None,
        )
    if msg_type == "location":
        return WeChatLocation(
            **base,
            latitude=fields.number("Location_X"),
            longitude=fields.number("Location_Y"),
            scale=fields.integer("Scale") if fields.get("Scale") else None,
            label=fields.get("Label") or "",
        )
    if msg_type == "event":
        return WeChatEvent(
            **base,
            event=fields.text("Event").strip().lower(),
            event_key=fields.get("EventKey") or "",
            status=fields.get("Status"),
            template_msg_id=fields.get("MsgID"),
        )
    return WeChatUnsupported(**base, msg_type=msg_type or "empty")
