"""copyMessage and forwardMessage: a message of one chat sent again into another."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fakes.content import as_id, bad_request, check_markup, shown_text

if TYPE_CHECKING:
    from tests.fakes.methods import BotState

_FILE_KINDS = ("photo", "document", "voice", "sticker", "video", "audio", "animation")


def _content(source: dict[str, Any]) -> dict[str, Any]:
    """The SentMessage fields for a user's message dict."""
    if "text" in source:
        return {"kind": "text", "text": source["text"], "html": source["text"]}
    for kind in _FILE_KINDS:
        if kind in source:
            media = source[kind][-1] if kind == "photo" else source[kind]
            return {"kind": kind, "file_id": media["file_id"], "caption": source.get("caption")}
    kind = next((k for k in ("location", "contact") if k in source), "unsupported")
    return {"kind": kind}


def copy_message(state: BotState, params: dict[str, Any], *, forward: bool) -> dict[str, Any]:
    """Copy (returns a MessageId) or forward (returns the Message) a message to chat_id."""
    verb = "forward" if forward else "copy"
    source_chat = state.chats.get(as_id(params.get("from_chat_id")))
    if source_chat is None:
        raise bad_request("chat not found")
    target = state.chat(params)
    message_id = as_id(params.get("message_id"))
    user_message = source_chat.user_messages.get(message_id)
    bot_message = source_chat.by_id.get(message_id)
    if user_message is not None:
        fields = _content(user_message)
    elif bot_message is not None and not bot_message.deleted:
        fields = {"kind": bot_message.kind, "text": bot_message.text, "html": bot_message.html}
        fields |= {"file_id": bot_message.file_id, "caption": bot_message.caption}
    else:
        raise bad_request(f"message to {verb} not found")
    if not forward and "caption" in params:
        raw, mode = str(params["caption"]), params.get("parse_mode")
        fields["caption"] = shown_text(raw, mode, caption=True) or None
    markup = None if forward else check_markup(params.get("reply_markup"))
    sent = state.new_message(target, params, reply_markup=markup, **fields)
    message = state.deliver(target, sent)
    if not forward:
        return {"message_id": sent.message_id}
    origin = user_message or {"from": state.bot_user, "date": sent.date}
    message["forward_origin"] = {
        "type": "user",
        "sender_user": origin["from"],
        "date": origin["date"],
    }
    return message
