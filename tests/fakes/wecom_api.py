"""A fake WeCom app API on 127.0.0.1 that answers as the platform does.

Tokens expire (42001) or are revoked (40014); message/send takes text, markdown and template cards
(button_interaction checked: task_id unique per app of [0-9a-zA-Z_-@] up to 128 bytes, 1-6 buttons
with unique keys up to 1024 bytes) and answers a response_code for a card; a member press issues a
new one; update_template_card consumes a code once, within 72 hours. An unknown member gets 81013,
one moved out of the app's visible range errcode 0 with `invaliduser`; more than
`per_member_per_minute` messages to one member get 45009. A body with \\uXXXX escapes is accepted
and its escapes are shown to the member as text, as WeCom does.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.wx_platform import ESCAPED_NON_ASCII, ApiFault, FakePlatform, ManualClock, ok

MAX_TEXT_BYTES = 2048
CODE_LIFE = 72 * 3600
UPLOAD_LIMITS = {"file": 20 * 1024**2, "image": 2 * 1024**2, "voice": 2 * 1024**2}
_TASK_ID = re.compile(r"^[0-9A-Za-z_\-@]{1,128}$")


@dataclass
class Card:
    """A template card a member got: its task id, buttons (key, text) and what it shows now."""

    task_id: str
    card: dict[str, Any]
    history: list[dict[str, Any]] = field(default_factory=list)
    replaced_button: str | None = None

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """The card's buttons as (key, text)."""
        listed = self.card.get("button_list", [])
        return [(str(b.get("key", "")), str(b.get("text", ""))) for b in listed]


@dataclass(frozen=True)
class Upload:
    """A file the app uploaded with media/upload: its name, content type and bytes."""

    filename: str
    content_type: str
    content: bytes
    kind: str = "file"


@dataclass
class Delivered:
    """One app message that reached a member."""

    kind: str
    text: str
    msgid: str
    card: Card | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    at: float = 0.0
    upload: Upload | None = None


@dataclass
class MemberState:
    """A member of the corp as the app sees them."""

    user_id: str
    received: list[Delivered] = field(default_factory=list)


class FakeWeComAPI(FakePlatform):
    """The fake WeCom API: gettoken, message/send, message/update_template_card, media/get
    and media/upload."""

    token_invalid = (40014, "invalid access_token")

    def __init__(
        self,
        corp_id: str = "ww_fake_corp",
        agent_id: int = 1000002,
        secret: str = "secret",
        clock: ManualClock | None = None,
        per_member_per_minute: int = 30,
    ) -> None:
        super().__init__(clock)
        self.corp_id, self.agent_id, self.secret = corp_id, agent_id, secret
        self.per_member_per_minute = per_member_per_minute
        self.members: dict[str, MemberState] = {}
        self.outside: set[str] = set()  # members moved out of the app's visible range
        self.task_ids: dict[str, tuple[str, Card]] = {}  # task id -> (member, card)
        self.codes: dict[str, tuple[str, float]] = {}  # response code -> (task id, expires at)
        self.media: dict[str, tuple[bytes, str]] = {}
        self._escaped = False
        self._msgids = 0
        for method, path, handler in (
            ("GET", "/cgi-bin/gettoken", self._token),
            ("POST", "/cgi-bin/message/send", self._send),
            ("POST", "/cgi-bin/message/update_template_card", self._update_card),
            ("GET", "/cgi-bin/media/get", self._media_get),
            ("POST", "/cgi-bin/media/upload", self._media_upload),
        ):
            self.route(method, path, handler)
        self.raw_paths.add("/cgi-bin/media/upload")
        self.uploads: dict[str, Upload] = {}  # media id -> what the app uploaded

    def member(self, user_id: str) -> MemberState:
        """The member's state, adding them to the app's visible range on first mention."""
        return self.members.setdefault(user_id, MemberState(user_id))

    def received(self, user_id: str) -> list[Delivered]:
        """Everything that reached the member, in order."""
        return self.member(user_id).received

    def cards(self, user_id: str) -> list[Card]:
        """The template cards the member got, in order."""
        return [d.card for d in self.received(user_id) if d.card is not None]

    async def wait_for(self, user_id: str, count: int, within: float = 5.0) -> list[Delivered]:
        """Wait until the member has received at least count messages."""

        def probe() -> list[Delivered] | None:
            got = self.member(user_id).received
            return got if len(got) >= count else None

        return await self.changed.wait_until(
            probe, within, lambda: f"{user_id} got {len(self.received(user_id))} < {count}"
        )

    def press_code(self, task_id: str) -> str:
        """A member pressed a button of the card: the platform issues a new response code."""
        return self._issue_code(task_id)

    def add_media(self, content: bytes, content_type: str = "image/jpeg") -> str:
        """Store a media file as the platform does for a member's upload; returns its MediaId."""
        media_id = "wcmedia_" + secrets.token_hex(8)
        self.media[media_id] = (content, content_type)
        return media_id

    def on_escaped_body(self, raw: bytes) -> None:
        """WeCom takes the escapes and shows them to the member as they are."""
        self._escaped = True

    def _issue_code(self, task_id: str) -> str:
        code = "rc_" + secrets.token_hex(10)
        self.codes[code] = (task_id, self.clock() + CODE_LIFE)
        return code

    async def _token(self, query: dict[str, str], body: Any, raw: bytes) -> web.Response:
        if query.get("corpid") != self.corp_id:
            raise ApiFault(40013, "invalid corpid")
        if query.get("corpsecret") != self.secret:
            raise ApiFault(40001, "invalid secret")
        return ok(access_token=self.issue_token(), expires_in=7200)

    def _shown(self, body: dict[str, Any], raw: bytes) -> dict[str, Any]:
        if not self._escaped:
            return body
        self._escaped = False
        literal = ESCAPED_NON_ASCII.sub(lambda m: b"\\" + m.group(0), raw)
        shown = json.loads(literal.decode())
        return shown if isinstance(shown, dict) else body

    async def _send(
        self, query: dict[str, str], body: dict[str, Any] | None, raw: bytes
    ) -> web.Response:
        self.check_token(query)
        assert body is not None
        body = self._shown(body, raw)
        if body.get("agentid") != self.agent_id:
            raise ApiFault(40056, "invalid agentid")
        user_id = str(body.get("touser", ""))
        if user_id not in self.members:
            raise ApiFault(81013, "user & party & tag all invalid")
        if user_id in self.outside:  # WeCom says ok, names the member invalid, delivers nothing
            return ok(invaliduser=user_id, msgid="")
        state = self.members[user_id]
        recent = [d for d in state.received if d.at > self.clock() - 60]
        if len(recent) >= self.per_member_per_minute:
            raise ApiFault(45009, "reach max api minute-quota limit for this member")
        delivered = self._content(body, user_id)
        delivered.at = self.clock()
        state.received.append(delivered)
        extra = (
            {"response_code": self._issue_code(delivered.card.task_id)} if delivered.card else {}
        )
        return ok(invaliduser="", msgid=delivered.msgid, **extra)

    def _content(self, body: dict[str, Any], user_id: str) -> Delivered:
        kind = body.get("msgtype")
        part = body.get(kind) if isinstance(kind, str) else None
        if not isinstance(part, dict):
            raise ApiFault(40008, "invalid message type")
        self._msgids += 1
        msgid = f"wcmsg_{self._msgids}"
        if kind in ("text", "markdown"):
            text = part.get("content")
            if not isinstance(text, str) or not text:
                raise ApiFault(44004, "empty content")
            if len(text.encode()) > MAX_TEXT_BYTES:
                raise ApiFault(45002, "content size out of limit")
            return Delivered(kind, text, msgid, payload=body)
        if kind in ("file", "image", "voice"):
            upload = self.uploads.get(str(part.get("media_id", "")))
            if upload is None or upload.kind != kind:
                raise ApiFault(40007, "invalid media_id")
            return Delivered(kind, upload.filename, msgid, payload=body, upload=upload)
        if kind == "template_card":
            card = self._checked_card(part)
            self.task_ids[card.task_id] = (user_id, card)
            return Delivered(kind, card_text(part), msgid, card, body)
        raise ApiFault(40008, "invalid message type")

    def _checked_card(self, card: dict[str, Any], replacing: str | None = None) -> Card:
        if card.get("card_type") != "button_interaction":
            raise ApiFault(40058, "card_type must be button_interaction here")
        task_id = str(card.get("task_id", ""))
        if not _TASK_ID.match(task_id):
            raise ApiFault(40058, "invalid task_id")
        if task_id in self.task_ids and task_id != replacing:
            raise ApiFault(40058, "task_id already used")
        title = card.get("main_title", {})
        if not isinstance(title, dict) or not (title.get("title") or card.get("sub_title_text")):
            raise ApiFault(40058, "main_title.title or sub_title_text required")
        buttons = card.get("button_list")
        if not isinstance(buttons, list) or not 0 < len(buttons) <= 6:
            raise ApiFault(40058, "button_list must have 1-6 buttons")
        keys = [str(b.get("key", "")) for b in buttons if isinstance(b, dict)]
        if len(keys) != len(buttons) or any(not k or len(k.encode()) > 1024 for k in keys):
            raise ApiFault(40058, "invalid button key")
        if len(set(keys)) != len(keys):
            raise ApiFault(40058, "duplicate button key")
        if len(card.get("horizontal_content_list", [])) > 6:
            raise ApiFault(40058, "horizontal_content_list has more than 6 items")
        return Card(task_id, card)

    async def _update_card(
        self, query: dict[str, str], body: dict[str, Any] | None, raw: bytes
    ) -> web.Response:
        self.check_token(query)
        assert body is not None
        code = str(body.get("response_code", ""))
        found = self.codes.pop(code, None)
        if found is None or found[1] <= self.clock():
            raise ApiFault(40058, "invalid response_code (unknown, used or older than 72 h)")
        _, card = self.task_ids[found[0]]
        if "template_card" in body:
            replacement = self._checked_card(body["template_card"], replacing=card.task_id)
            card.history.append(card.card)
            card.card = replacement.card
        else:
            card.replaced_button = str(body.get("button", {}).get("replace_name", ""))
        return ok(invaliduser=[])

    async def _media_upload(
        self, query: dict[str, str], body: dict[str, Any] | None, raw: bytes
    ) -> web.Response:
        """A temporary media upload (multipart form, field "media" with a file name), as the
        platform takes it: type file up to 20 MB, image up to 2 MB, more than 5 bytes."""
        self.check_token(query)
        kind = query.get("type", "")
        if kind not in UPLOAD_LIMITS:
            raise ApiFault(40004, "invalid media type")
        content_type = str((body or {}).get("content_type", ""))
        if not content_type.startswith("multipart/form-data"):
            raise ApiFault(41005, "media data missing")
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        form = email.message_from_bytes(head + raw, policy=email.policy.HTTP)
        for part in form.iter_parts():
            if part.get_param("name", header="content-disposition") != "media":
                continue
            filename = part.get_filename()
            content = part.get_payload(decode=True)
            if not filename or not isinstance(content, bytes):
                raise ApiFault(41005, "media data missing")
            if len(content) <= 5 or len(content) > UPLOAD_LIMITS[kind]:
                raise ApiFault(40006, "invalid file size")
            media_id = "wcup_" + secrets.token_hex(12)
            if kind == "voice" and not filename.lower().endswith(".amr"):
                raise ApiFault(40011, "invalid voice file: AMR only")
            if kind == "image" and not filename.lower().endswith((".jpg", ".jpeg", ".png")):
                raise ApiFault(40005, "invalid image file type")
            upload = Upload(filename, part.get_content_type(), content, kind)
            self.uploads[media_id] = upload
            return ok(type=kind, media_id=media_id, created_at=str(int(self.clock())))
        raise ApiFault(41005, "media data missing")

    async def _media_get(self, query: dict[str, str], body: Any, raw: bytes) -> web.Response:
        self.check_token(query)
        stored = self.media.get(query.get("media_id", ""))
        if stored is None:
            raise ApiFault(40007, "invalid media_id")
        return web.Response(body=stored[0], content_type=stored[1])


def card_text(card: dict[str, Any]) -> str:
    """What a card shows as text: title, subtitle, key-value lines and button labels."""
    title = card.get("main_title", {})
    lines = [
        str(title.get("title", "")),
        str(title.get("desc", "")),
        str(card.get("sub_title_text", "")),
    ]
    lines += [
        f"{h.get('keyname', '')}: {h.get('value', '')}"
        for h in card.get("horizontal_content_list", [])
    ]
    lines += [f"[{b.get('text', '')}]" for b in card.get("button_list", [])]
    return "\n".join(line for line in lines if line)
