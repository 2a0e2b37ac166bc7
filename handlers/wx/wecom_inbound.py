"""The WeCom app's inbound messages and events as small typed records.

A press on a template card's button arrives as the event `template_card_event` with the button's
key (EventKey), the card's TaskId and a ResponseCode that may update the card once, within 72
hours. Every record has a `dedupe_key` that a retry of the same callback repeats.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from handlers.wx.xmlsafe import Fields, MalformedMessage


class WeComInbound(BaseModel):
    """What every callback from the WeCom app carries."""

    model_config = ConfigDict(frozen=True)

    corp_id: str  # ToUserName
    user_id: str  # FromUserName: the member's userid
    create_time: int
    agent_id: str | None = None
    msg_id: str | None = None

    @property
    def dedupe_key(self) -> str:
        """The same for every delivery of this callback, different for any other."""
        return f"wecom:msg:{self.msg_id}" if self.msg_id else f"wecom:{self._event_key()}"

    def _event_key(self) -> str:
        return f"event:{self.user_id}:{self.create_time}"


class WeComText(WeComInbound):
    """A text the member typed."""

    kind: Literal["text"] = "text"
    content: str


class WeComImage(WeComInbound):
    """A photo: MediaId (for media/get) and a temporary PicUrl."""

    kind: Literal["image"] = "image"
    media_id: str
    pic_url: str = ""


class WeComLocation(WeComInbound):
    """A place the member sent: latitude (Location_X), longitude (Location_Y) and its label."""

    kind: Literal["location"] = "location"
    latitude: float
    longitude: float
    scale: int | None = None
    label: str = ""


class WeComCardEvent(WeComInbound):
    """A press on a template card's button: its key, the card's task id, the response code."""

    kind: Literal["card"] = "card"
    event_key: str
    task_id: str
    card_type: str = ""
    response_code: str = ""

    def _event_key(self) -> str:
        return f"card:{self.user_id}:{self.task_id}:{self.event_key}:{self.create_time}"


class WeComEvent(WeComInbound):
    """Another event: enter_agent, click (an app menu key), subscribe, unsubscribe ..."""

    kind: Literal["event"] = "event"
    event: str  # lower case
    event_key: str = ""

    def _event_key(self) -> str:
        return f"event:{self.user_id}:{self.create_time}:{self.event}"


class WeComUnsupported(WeComInbound):
    """A message type the bot does not handle (voice, video, file, link ...)."""

    kind: Literal["unsupported"] = "unsupported"
    msg_type: str


WeComMessage = (
    WeComText | WeComImage | WeComLocation | WeComCardEvent | WeComEvent | WeComUnsupported
)


def parse_wecom(fields: Fields) -> WeComMessage:
    """The typed record of a decrypted callback; MalformedMessage if a required field is missing."""
    base: dict[str, Any] = {
        "corp_id": fields.text("ToUserName"),
        "user_id": fields.text("FromUserName"),
        "create_time": fields.integer("CreateTime"),
        "agent_id": fields.get("AgentID") or None,
        "msg_id": fields.get("MsgId") or None,
    }
    if not base["user_id"]:
        raise MalformedMessage("empty FromUserName")
    msg_type = fields.text("MsgType").strip().lower()
    if msg_type == "text":
        return WeComText(**base, content=fields.text("Content"))
    if msg_type == "image":
        return WeComImage(
            **base, media_id=fields.text("MediaId"), pic_url=fields.get("PicUrl") or ""
        )
    if msg_type == "location":
        return WeComLocation(
            **base,
            latitude=fields.number("Location_X"),
            longitude=fields.number("Location_Y"),
            scale=fields.integer("Scale") if fields.get("Scale") else None,
            label=fields.get("Label") or "",
        )
    if msg_type == "event":
        event = fields.text("Event").strip().lower()
        if event == "template_card_event":
            return WeComCardEvent(
                **base,
                event_key=fields.text("EventKey"),
                task_id=fields.text("TaskId"),
                card_type=fields.get("CardType") or "",
                response_code=fields.get("ResponseCode") or "",
            )
        return WeComEvent(**base, event=event, event_key=fields.get("EventKey") or "")
    return WeComUnsupported(**base, msg_type=msg_type or "empty")
