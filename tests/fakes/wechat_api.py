"""A fake WeChat Official Account API on 127.0.0.1 that answers as the platform does.

Tokens expire (42001) and are replaced (40001 for a revoked one); customer-service messages need an
open window with quota: a resident's message grants 5 within 48 hours, a menu click or a msgmenu tap
3 within a minute; beyond that 45047, outside every window 45015; an unsubscribed resident 43004.
Bodies with \\uXXXX escapes of non-ASCII text get 40033. Template messages are checked against the
template's field types (thing <= 20, character_string <= 32 ASCII, phrase <= 5 Chinese, time).
What reached each resident is recorded for assertions.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.records import WaitTimeout
from tests.fakes.wx_platform import ApiFault, FakePlatform, ManualClock, ok

WINDOW = 48 * 3600
CLICK_WINDOW = 60
MAX_TEXT_BYTES = 2048
MEDIA_LIFE = 3 * 24 * 3600
TEMPLATE_ID = "tpl_progress_notice"
TEMPLATE_CONTENT = (
    "事项编号：{{character_string1.DATA}}\n事项：{{thing2.DATA}}\n"
    "办理进度：{{phrase3.DATA}}\n更新时间：{{time4.DATA}}"
)
_FIELD = re.compile(r"\{\{(\w+?)\.DATA\}\}")
_TIME = re.compile(r"^(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*)?\d{1,2}:\d{2}(:\d{2})?$")


@dataclass
class Allowance:
    """Customer-service messages a resident's action allows, until a clock reading."""

    remaining: int
    expires_at: float
    source: str


@dataclass
class Received:
    """One message that reached a resident: its kind, shown text and menu items (id, label)."""

    kind: str
    text: str
    menu: list[tuple[str, str]] = field(default_factory=list)
    payload: dict[str, Any] = field(default_factory=dict)
    at: float = 0.0


@dataclass
class ResidentState:
    """A follower of the account as the platform knows them."""

    open_id: str
    subscribed: bool = True
    allowances: list[Allowance] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)


def field_problem(key: str, value: str) -> str | None:
    """Why a template value breaks its field type's rule, or None."""
    kind = key.rstrip("0123456789")
    if any(ord(c) < 32 for c in value):
        return "control character"
    if kind == "thing" and not 0 < len(value) <= 20:
        return "thing must be 1-20 characters"
    if kind == "character_string" and not (0 < len(value) <= 32 and value.isascii()):
        return "character_string must be 1-32 letters, digits or signs"
    if kind == "phrase" and not (
        0 < len(value) <= 5 and all("\u4e00" <= c <= "\u9fff" for c in value)
    ):
        return "phrase must be 1-5 Chinese characters"
    if kind == "time" and not _TIME.match(value):
        return "time must be a 24-hour time, optionally with a date"
    return None


class FakeWeChatAPI(FakePlatform):
    """The fake Official Account API: /cgi-bin/token, message/custom/send, message/template/send,
    menu/create, template/get_all_private_template, media/get."""

    def __init__(
        self,
        app_id: str = "wx_fake_app",
        app_secret: str = "secret",
        clock: ManualClock | None = None,
    ) -> None:
        super().__init__(clock)
        self.app_id, self.app_secret = app_id, app_secret
        self.residents: dict[str, ResidentState] = {}
        self.templates: dict[str, str] = {TEMPLATE_ID: TEMPLATE_CONTENT}
        self.menu: list[dict[str, Any]] = []
        self.media: dict[str, tuple[bytes, str, float]] = {}
        self.template_msgids = 200_000_000
        for method, path, handler in (
            ("GET", "/cgi-bin/token", self._token),
            ("POST", "/cgi-bin/message/custom/send", self._custom_send),
            ("POST", "/cgi-bin/message/template/send", self._template_send),
            ("POST", "/cgi-bin/menu/create", self._menu_create),
            ("GET", "/cgi-bin/template/get_all_private_template", self._templates),
            ("GET", "/cgi-bin/media/get", self._media_get),
        ):
            self.route(method, path, handler)

    def resident(self, open_id: str) -> ResidentState:
        """The resident's state, creating a follower on first mention."""
        return self.residents.setdefault(open_id, ResidentState(open_id))

    def acted(self, open_id: str, action: str) -> None:
        """Record what a resident did: "message" grants 5 in 48 h; "click", "menu_tap",
        "subscribe" grant 3 within a minute (a later message replaces the earlier 48-hour grant)."""
        state = self.resident(open_id)
        now = self.clock()
        if action == "message":
            state.allowances = [a for a in state.allowances if a.source != "message"]
            state.allowances.append(Allowance(5, now + WINDOW, "message"))
        else:
            state.allowances.append(Allowance(3, now + CLICK_WINDOW, action))
        if action == "subscribe":
            state.subscribed = True

    def unsubscribe(self, open_id: str) -> None:
        """The resident stops following the account."""
        self.resident(open_id).subscribed = False

    def add_media(self, content: bytes, content_type: str = "image/jpeg") -> str:
        """Store a media file as the platform does for a resident's upload; returns its MediaId."""
        media_id = "media_" + secrets.token_hex(8)
        self.media[media_id] = (content, content_type, self.clock() + MEDIA_LIFE)
        return media_id

    def received(self, open_id: str) -> list[Received]:
        """Everything that reached the resident, in order."""
        return self.resident(open_id).received

    async def wait_for(self, open_id: str, count: int, within: float = 5.0) -> list[Received]:
        """Wait until the resident has received at least count messages."""

        def probe() -> list[Received] | None:
            got = self.resident(open_id).received
            return got if len(got) >= count else None

        return await self.changed.wait_until(
            probe, within, lambda: f"{open_id} got {len(self.received(open_id))} < {count}"
        )

    async def _token(self, query: dict[str, str], body: Any, raw: bytes) -> web.Response:
        if query.get("grant_type") != "client_credential":
            raise ApiFault(40002, "invalid grant_type")
        if query.get("appid") != self.app_id:
            raise ApiFault(40013, "invalid appid")
        if query.get("secret") != self.app_secret:
            raise ApiFault(40125, "invalid appsecret")
        return ok(access_token=self.issue_token(), expires_in=7200)

    def _reachable(self, open_id: object) -> ResidentState:
        if not isinstance(open_id, str) or open_id not in self.residents:
            raise ApiFault(40003, "invalid openid")
        state = self.residents[open_id]
        if not state.subscribed:
            raise ApiFault(43004, "require subscribe")
        return state

    def _take_allowance(self, state: ResidentState) -> None:
        now = self.clock()
        live = sorted(
            (a for a in state.allowances if a.expires_at > now), key=lambda a: a.expires_at
        )
        if not live:
            raise ApiFault(45015, "response out of time limit or subscription is canceled")
        for allowance in live:
            if allowance.remaining > 0:
                allowance.remaining -= 1
                return
        raise ApiFault(45047, "out of response count limit")

    async def _custom_send(
        self, query: dict[str, str], body: dict[str, Any] | None, raw: bytes
    ) -> web.Response:
        self.check_token(query)
        assert body is not None
        state = self._reachable(body.get("touser"))
        received = self._content(body)
        self._take_allowance(state)
        received.at = self.clock()
        state.received.append(received)
        return ok()

    def _content(self, body: dict[str, Any]) -> Received:
        kind = body.get("msgtype")
        part = body.get(kind) if isinstance(kind, str) else None
        if not isinstance(part, dict):
            raise ApiFault(40008, "invalid message type")
        if kind == "text":
            text = part.get("content")
            if not isinstance(text, str) or not text:
                raise ApiFault(44004, "empty content")
            if len(text.encode()) > MAX_TEXT_BYTES:
                raise ApiFault(45002, "content size out of limit")
            return Received("text", text, payload=body)
        if kind == "msgmenu":
            items = part.get("list")
            head, tail = part.get("head_content", ""), part.get("tail_content", "")
            if not isinstance(items, list) or not 0 < len(items) <= 10:
                raise ApiFault(45002, "msgmenu list must have 1-10 items")
            menu = [(str(i.get("id", "")), str(i.get("content", ""))) for i in items]
            if any(not i or len(i.encode()) > 64 or not c for i, c in menu):
                raise ApiFault(40008, "invalid msgmenu item")
            if len({i for i, _ in menu}) != len(menu):
                raise ApiFault(40008, "duplicate msgmenu id")
            if len(str(head).encode()) > MAX_TEXT_BYTES or len(str(tail).encode()) > MAX_TEXT_BYTES:
                raise ApiFault(45002, "content size out of limit")
            text = "\n".join(p for p in (str(head), *(c for _, c in menu), str(tail)) if p)
            return Received("msgmenu", text, menu, body)
        if kind == "image":
            if part.get("media_id") not in self.media:
                raise ApiFault(40007, "invalid media_id")
            return Received("image", "", payload=body)
        raise ApiFault(40008, "invalid message type")

    async def _template_send(
        self, query: dict[str, str], body: dict[str, Any] | None, raw: bytes
    ) -> web.Response:
        self.check_token(query)
        assert body is not None
        state = self._reachable(body.get("touser"))
        content = self.templates.get(str(body.get("template_id")))
        if content is None:
            raise ApiFault(40037, "invalid template_id")
        data = body.get("data")
        if not isinstance(data, dict):
            raise ApiFault(47001, "data format error")
        values: dict[str, str] = {}
        for key in _FIELD.findall(content):
            entry = data.get(key)
            value = entry.get("value") if isinstance(entry, dict) else None
            problem = "missing" if not isinstance(value, str) else field_problem(key, value)
            if problem:
                raise ApiFault(47003, f"argument invalid! data.{key}.value {problem}")
            values[key] = str(value)
        shown = _FIELD.sub(lambda m: values[m.group(1)], content)
        self.template_msgids += 1
        state.received.append(Received("template", shown, payload=body, at=self.clock()))
        return ok(msgid=self.template_msgids)

    async def _menu_create(
        self, query: dict[str, str], body: dict[str, Any] | None, raw: bytes
    ) -> web.Response:
        self.check_token(query)
        assert body is not None
        buttons = body.get("button")
        if not isinstance(buttons, list) or not 0 < len(buttons) <= 3:
            raise ApiFault(40016, "invalid button size")
        for button in buttons:
            name = button.get("name", "") if isinstance(button, dict) else ""
            if not name or len(str(name).encode()) > 16:
                raise ApiFault(40018, "invalid button name size")
            if button.get("type") == "click" and not 0 < len(str(button.get("key", ""))) <= 128:
                raise ApiFault(40019, "invalid button key size")
        self.menu = buttons
        return ok()

    async def _templates(self, query: dict[str, str], body: Any, raw: bytes) -> web.Response:
        self.check_token(query)
        listed = [
            {"template_id": tid, "title": "事项办理进度通知", "content": content, "example": ""}
            for tid, content in self.templates.items()
        ]
        return ok(template_list=listed)

    async def _media_get(self, query: dict[str, str], body: Any, raw: bytes) -> web.Response:
        self.check_token(query)
        stored = self.media.get(query.get("media_id", ""))
        if stored is None or stored[2] <= self.clock():
            raise ApiFault(40007, "invalid media_id")
        content, content_type, _ = stored
        return web.Response(
            body=content,
            content_type=content_type,
            headers={"Content-Disposition": 'attachment; filename="media.jpg"'},
        )


__all__ = ["FakeWeChatAPI", "Received", "ResidentState", "WaitTimeout"]
