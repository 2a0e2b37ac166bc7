"""Telegram's HTML parse mode, as the Bot API checks it: the supported tags and entities only.

Modelled on tdlib's parse_html: tag names are case-insensitive, a `<` that does not open a
supported tag is an error, a `&` that does not start a known entity stays literal, and errors name
UTF-8 byte offsets like Telegram's own descriptions do.
"""

from __future__ import annotations

import re

SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "blockquote",
        "tg-emoji",
    }
)
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([a-zA-Z]+));")
_TAG_NAME = re.compile(r"[^\s>]*")
_ATTRIBUTE = re.compile(r"""\s*([a-zA-Z0-9-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


class HtmlParseError(ValueError):
    """The text is not valid in Telegram's HTML parse mode."""


def _offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, index: int) -> tuple[str, int]:
    """Decode an entity at text[index] == '&'; unknown ones stay a literal '&'."""
    match = _ENTITY.match(text, index)
    if match is None:
        return "&", index + 1
    hex_code, dec_code, name = match.groups()
    if name is not None:
        decoded = NAMED_ENTITIES.get(name)
        if decoded is None:
            return "&", index + 1
        return decoded, match.end()
    code = int(hex_code, 16) if hex_code is not None else int(dec_code)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return "&", index + 1
    return chr(code), match.end()


def _check_name(name: str, text: str, begin: int) -> None:
    if name not in SUPPORTED_TAGS:
        offset = _offset(text, begin)
        raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {offset}')


def _check_attributes(name: str, attributes: str) -> None:
    values = {
        m.group(1).lower(): next((g for g in m.groups()[1:] if g is not None), "")
        for m in _ATTRIBUTE.finditer(attributes)
    }
    if name == "span" and values.get("class") != "tg-spoiler":
        raise HtmlParseError('Tag "span" must have class "tg-spoiler"')
    if name == "tg-emoji" and "emoji-id" not in values:
        raise HtmlParseError('Tag "tg-emoji" must have attribute "emoji-id"')


def parse_html(text: str) -> str:
    """Validate Telegram HTML and return the text as a user would see it (tags out, unescaped)."""
    shown: list[str] = []
    open_tags: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "&":
            decoded, i = _decode_entity(text, i)
            shown.append(decoded)
            continue
        if char != "<":
            shown.append(char)
            i += 1
            continue
        begin = i
        closing = i + 1 < n and text[i + 1] == "/"
        name_match = _TAG_NAME.match(text, i + 2 if closing else i + 1)
        assert name_match is not None
        kind = "end" if closing else "start"
        if name_match.end() == n:
            raise HtmlParseError(f"Unclosed {kind} tag at byte offset {_offset(text, begin)}")
        name = name_match.group().lower()
        if not closing:
            _check_name(name, text, begin)
        end = text.find(">", name_match.end())
        if end == -1 or (closing and text[name_match.end() : end].strip()):
            raise HtmlParseError(f"Unclosed {kind} tag at byte offset {_offset(text, begin)}")
        if not closing:
            _check_attributes(name, text[name_match.end() : end])
            open_tags.append(name)
        elif not open_tags:
            raise HtmlParseError(f"Unexpected end tag at byte offset {_offset(text, begin)}")
        elif name != open_tags[-1]:
            raise HtmlParseError(
                f"Unmatched end tag at byte offset {_offset(text, begin)}, "
                f'expected "</{open_tags[-1]}>", found "</{name}>"'
            )
        else:
            open_tags.pop()
        i = end + 1
    if open_tags:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{open_tags[-1]}"')
    return "".join(shown)
