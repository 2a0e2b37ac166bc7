"""Plain inbound events and outbound messages: what adapters turn updates into and send out."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

MAX_TEXT = 4096


class Inbound(BaseModel):
    """One thing a person did in a chat, whatever the channel."""

    model_config = ConfigDict(frozen=True)

    channel: str = "telegram"
    update_id: int | None = None
    user_id: str
    chat_id: str
    user_name: str = ""
    username: str | None = None
    language: str | None = None
    private: bool = True
    text: str | None = None
    command: str | None = None
    args: str = ""
    callback_id: str | None = None
    callback_data: str | None = None
    message_id: int | None = None
    reply_to_message_id: int | None = None
    photos: tuple[str, ...] = ()
    album: str | None = None
    contact_phone: str | None = None
    contact_user_id: str | None = None
    location: tuple[float, float] | None = None
    unsupported: str | None = None
    voice: bool = False  # the attachment in photos is a voice message (kept as a file)


class Button(BaseModel):
    """An inline button: a label and the callback data it sends back."""

    model_config = ConfigDict(frozen=True)

    text: str
    data: str


class KeyButton(BaseModel):
    """A reply-keyboard button; may ask the client to share the person's phone number."""

    model_config = ConfigDict(frozen=True)

    text: str
    request_contact: bool = False


class Attachment(BaseModel):
    """A file sent as a document: its name, media type and bytes (base64 in the outbox)."""

    model_config = ConfigDict(frozen=True, ser_json_bytes="base64", val_json_bytes="base64")

    filename: str = Field(min_length=1, max_length=128)
    mime: str = "application/octet-stream"
    content: bytes = Field(repr=False)


class Kind(StrEnum):
    """What an outbound message does."""

    SEND = "send"
    EDIT = "edit"
    ANSWER = "answer"
    COMMANDS = "commands"


class Outbound(BaseModel):
    """A message core decided to send; text is HTML with every user string escaped. An edit
    without text changes only the buttons (none: they are taken off)."""

    model_config = ConfigDict(frozen=True)

    kind: Kind = Kind.SEND
    channel: str = "telegram"
    chat_id: str
    text: str = ""
    buttons: tuple[tuple[Button, ...], ...] = ()
    keyboard: tuple[tuple[KeyButton, ...], ...] = ()
    remove_keyboard: bool = False
    photos: tuple[str, ...] = ()
    document: Attachment | None = Field(default=None, description="a file; text is its caption")
    location: tuple[float, float] | None = Field(default=None, description="a map pin to send")
    key: str | None = Field(default=None, description="name later edits refer to")
    edit_key: str | None = Field(default=None, description="the key of the message to edit")
    callback_id: str | None = None
    alert: bool = False
    commands: tuple[tuple[str, str], ...] = ()
    case_id: int | None = None
    forget_after: bool = Field(default=False, description="delete the row once delivered")


OUTBOUND = TypeAdapter(Outbound)
