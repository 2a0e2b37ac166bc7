"""Callback bodies parsed safely: defusedxml with every DTD refused, a size cap, flat fields.

Both platforms send `<xml>` with one level of fields (CDATA text or numbers). Anything else (a
DOCTYPE, an entity declaration, an external reference, a body over the cap, bytes that are not
XML, another root) is refused with XmlRefused before a single field is looked at.
"""

from __future__ import annotations

from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

MAX_BODY = 64 * 1024  # a callback is a few hundred bytes; an encrypted one under 4 KiB
MAX_FIELDS = 64


class XmlRefused(ValueError):
    """A body that is not a small, plain callback document."""


class MalformedMessage(ValueError):
    """A well-formed document that lacks a field its message type requires."""


class Fields:
    """The top-level fields of a callback document, read with the types they must have."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def get(self, name: str) -> str | None:
        """The field's text, or None if absent."""
        return self.values.get(name)

    def text(self, name: str) -> str:
        """The field's text; MalformedMessage if absent."""
        value = self.values.get(name)
        if value is None:
            raise MalformedMessage(f"missing {name}")
        return value

    def integer(self, name: str) -> int:
        """The field as a non-negative integer; MalformedMessage if absent or not one."""
        value = self.text(name).strip()
        if not value.isascii() or not value.isdigit() or len(value) > 20:
            raise MalformedMessage(f"{name} is not a number")
        return int(value)

    def number(self, name: str) -> float:
        """The field as a finite decimal number; MalformedMessage otherwise."""
        value = self.text(name).strip()
        try:
            number = float(value)
        except ValueError as e:
            raise MalformedMessage(f"{name} is not a number") from e
        if number != number or abs(number) == float("inf"):
            raise MalformedMessage(f"{name} is not a finite number")
        return number


def parse_fields(body: bytes, max_bytes: int = MAX_BODY) -> Fields:
    """The fields of a callback document; XmlRefused for anything unsafe or unexpected."""
    if len(body) > max_bytes:
        raise XmlRefused("body too large")
    if not body.strip():
        raise XmlRefused("empty body")
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError) as e:
        raise XmlRefused(f"not a plain XML document: {type(e).__name__}") from e
    if root.tag != "xml":
        raise XmlRefused("root element is not <xml>")
    if len(root) > MAX_FIELDS:
        raise XmlRefused("too many fields")
    values: dict[str, str] = {}
    for child in root:
        if isinstance(child.tag, str):
            values.setdefault(child.tag, child.text or "")
    return Fields(values)
