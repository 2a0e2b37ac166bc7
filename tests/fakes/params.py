"""Decoding Bot API request parameters the way Telegram does, from any of the three encodings.

python-telegram-bot 22 sends every call as a POST. String parameters go as they are; every other
value (ints, bools, lists, dicts such as reply_markup) is JSON-encoded into a string. Without files
the body is application/x-www-form-urlencoded, with files it is multipart/form-data where the files
are parts with a filename. A form value therefore cannot say which type it has: the parameter's name
decides, as in the Bot API's own documentation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

# Parameters whose type is String: kept raw even when they look like JSON ("123", "true", "[1]").
STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "language_code",
        "action",
        "business_connection_id",
        "message_effect_id",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "title",
        "address",
        "emoji",
        "description",
        "short_description",
        "name",
        "secret_token",
        "ip_address",
        "photo",
        "document",
        "sticker",
        "voice",
        "audio",
        "video",
        "animation",
        "thumbnail",
        "file_id",
        "query",
    }
)
# Chat ids may be "@channelusername"; a plain number is an int.
_ID_PARAMS = frozenset({"chat_id", "from_chat_id", "user_id"})


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    filename: str
    content_type: str
    size: int
    content: bytes = b""


def decode_value(name: str, raw: str) -> Any:
    """Turn one form value into the typed value the Bot API sees."""
    if name in STRING_PARAMS:
        return raw
    if name in _ID_PARAMS and raw.startswith("@"):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Read the query string and the body (form, multipart or JSON) into parameters and files."""
    params: dict[str, Any] = {k: decode_value(k, v) for k, v in request.query.items()}
    files: dict[str, UploadedFile] = {}
    if request.method != "POST" or not request.body_exists:
        return params, files
    if request.content_type == "application/json":
        body = await request.json()
        if not isinstance(body, dict):
            raise ValueError("JSON body must be an object")
        params.update(body)
        return params, files
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return params, files
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, str):
            params[key] = decode_value(key, value)
        elif isinstance(value, web.FileField):
            content = value.file.read()
            files[key] = UploadedFile(
                key, value.filename, value.content_type, len(content), content
            )
        else:  # bytes from a part without filename
            params[key] = decode_value(key, bytes(value).decode("utf-8", "replace"))
    return params, files
