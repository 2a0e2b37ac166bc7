"""Simulated residents (WeChat) and members (WeCom) who sign, encrypt and POST callbacks to the
bot's callback URL as the platforms do, and tell the fake API what they did (for the window)."""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass

import httpx

from handlers.wx.crypto import CallbackCrypto, signature
from tests.fakes.wechat_api import FakeWeChatAPI
from tests.fakes.wecom_api import FakeWeComAPI
from tests.fakes.wx_platform import ManualClock

_msg_ids = itertools.count(24_801_004_976_846_051)


def cdata(text: str) -> str:
    """Text as a CDATA section (a "]]>" inside is split as XML requires)."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def xml_doc(fields: list[tuple[str, str | int | float]]) -> str:
    """A flat callback document; strings go in CDATA, numbers as they are."""
    parts = [f"<{k}>{cdata(v) if isinstance(v, str) else v}</{k}>" for k, v in fields]
    return "<xml>" + "".join(parts) + "</xml>"


@dataclass
class Posted:
    """One callback request and the bot's answer to it."""

    method: str
    params: dict[str, str]
    body: bytes
    status: int
    text: str


class CallbackPoster:
    """Signs (and in safe mode encrypts) callbacks of one app and sends them to one URL."""

    def __init__(
        self,
        url: str,
        token: str,
        aes_key: str | None,
        receive_id: str,
        clock: ManualClock,
        http: httpx.AsyncClient,
    ) -> None:
        self.url, self.token, self.clock, self.http = url, token, clock, http
        self.crypto = CallbackCrypto(token, aes_key, receive_id) if aes_key else None
        self.history: list[Posted] = []

    def stamp(self) -> tuple[str, str]:
        """A timestamp (the clock's now) and a fresh nonce."""
        return str(int(self.clock())), str(secrets.randbelow(10**9))

    async def send(self, method: str, params: dict[str, str], body: bytes = b"") -> Posted:
        """Make the request as given (no signing); records and returns it."""
        response = await self.http.request(method, self.url, params=params, content=body)
        posted = Posted(method, params, body, response.status_code, response.text)
        self.history.append(posted)
        return posted

    async def replay(self, posted: Posted) -> Posted:
        """Send an earlier request again, byte for byte (what the platform does on a retry)."""
        return await self.send(posted.method, posted.params, posted.body)


class WeChatResident:
    """A follower of the Official Account; safe mode when the poster has an AES key."""

    def __init__(
        self, api: FakeWeChatAPI, poster: CallbackPoster, open_id: str, account: str
    ) -> None:
        self.api, self.poster, self.open_id, self.account = api, poster, open_id, account
        api.resident(open_id)

    async def verify_url(self, echostr: str = "echo-1764") -> Posted:
        """The console's URL check: a signed GET whose echostr must come back verbatim."""
        ts, nonce = self.poster.stamp()
        params = {
            "signature": signature(self.poster.token, ts, nonce),
            "timestamp": ts,
            "nonce": nonce,
            "echostr": echostr,
        }
        return await self.poster.send("GET", params)

    async def post(
        self, msg_type: str, fields: list[tuple[str, str | int | float]], action: str
    ) -> Posted:
        """Post one message or event and record the action with the fake API."""
        if action:
            self.api.acted(self.open_id, action)
        document = xml_doc(
            [
                ("ToUserName", self.account),
                ("FromUserName", self.open_id),
                ("CreateTime", int(self.api.clock())),
                ("MsgType", msg_type),
                *fields,
            ]
        )
        return await self.post_document(document)

    async def post_document(self, document: str) -> Posted:
        """Sign (and encrypt, in safe mode) a document and POST it."""
        ts, nonce = self.poster.stamp()
        params = {
            "signature": signature(self.poster.token, ts, nonce),
            "timestamp": ts,
            "nonce": nonce,
            "openid": self.open_id,
        }
        body = document.encode()
        if self.poster.crypto is not None:
            encrypted, msg_signature = self.poster.crypto.seal(document, ts, nonce)
            params |= {"encrypt_type": "aes", "msg_signature": msg_signature}
            body = xml_doc([("ToUserName", self.account), ("Encrypt", encrypted)]).encode()
        return await self.poster.send("POST", params, body)

    async def send_text(self, text: str) -> Posted:
        """Type a text."""
        return await self.post("text", [("Content", text), ("MsgId", next(_msg_ids))], "message")

    async def tap(self, label: str) -> Posted:
        """Tap the item with this label on the latest msgmenu the resident got."""
        for received in reversed(self.api.received(self.open_id)):
            for item_id, content in received.menu:
                if content == label:
                    fields: list[tuple[str, str | int | float]] = [
                        ("Content", content),
                        ("MsgId", next(_msg_ids)),
                        ("bizmsgmenuid", item_id),
                    ]
                    return await self.post("text", fields, "menu_tap")
        raise AssertionError(f"no msgmenu item {label!r} for {self.open_id}")

    async def send_image(self, content: bytes = b"\xff\xd8\xff fake jpeg") -> Posted:
        """Send a photo (stored as media by the fake API)."""
        media_id = self.api.add_media(content)
        fields: list[tuple[str, str | int | float]] = [
            ("PicUrl", f"http://mmbiz.qpic.cn/{media_id}"),
            ("MediaId", media_id),
            ("MsgId", next(_msg_ids)),
        ]
        return await self.post("image", fields, "message")

    async def send_voice(self, recognition: str | None = None) -> Posted:
        """Send a voice message, with the platform's transcript if given."""
        media_id = self.api.add_media(b"#!AMR fake", "audio/amr")
        fields: list[tuple[str, str | int | float]] = [("MediaId", media_id), ("Format", "amr")]
        if recognition is not None:
            fields.append(("Recognition", recognition))
        return await self.post("voice", [*fields, ("MsgId", next(_msg_ids))], "message")

    async def send_location(self, latitude: float, longitude: float, label: str = "") -> Posted:
        """Send a place."""
        fields: list[tuple[str, str | int | float]] = [
            ("Location_X", latitude),
            ("Location_Y", longitude),
            ("Scale", 15),
            ("Label", label),
            ("MsgId", next(_msg_ids)),
        ]
        return await self.post("location", fields, "message")

    async def subscribe(self) -> Posted:
        """Follow the account."""
        return await self.post("event", [("Event", "subscribe"), ("EventKey", "")], "subscribe")

    async def unsubscribe(self) -> Posted:
        """Stop following the account."""
        self.api.unsubscribe(self.open_id)
        return await self.post("event", [("Event", "unsubscribe"), ("EventKey", "")], "")

    async def click(self, key: str) -> Posted:
        """Press a custom-menu item of type click."""
        return await self.post("event", [("Event", "CLICK"), ("EventKey", key)], "click")


class WeComMember:
    """A member using the WeCom app (callbacks are always encrypted)."""

    def __init__(self, api: FakeWeComAPI, poster: CallbackPoster, user_id: str) -> None:
        assert poster.crypto is not None, "WeCom callbacks are always encrypted"
        self.api, self.poster, self.user_id = api, poster, user_id
        api.member(user_id)

    async def verify_url(self, plain: str = "1616140317555161061") -> Posted:
        """The console's URL check: echostr is encrypted and must come back decrypted."""
        assert self.poster.crypto is not None
        ts, nonce = self.poster.stamp()
        echostr, msg_signature = self.poster.crypto.seal(plain, ts, nonce)
        params = {
            "msg_signature": msg_signature,
            "timestamp": ts,
            "nonce": nonce,
            "echostr": echostr,
        }
        return await self.poster.send("GET", params)

    async def post(self, msg_type: str, fields: list[tuple[str, str | int | float]]) -> Posted:
        """Post one message or event, encrypted and signed."""
        document = xml_doc(
            [
                ("ToUserName", self.api.corp_id),
                ("FromUserName", self.user_id),
                ("CreateTime", int(self.api.clock())),
                ("MsgType", msg_type),
                *fields,
                ("AgentID", self.api.agent_id),
            ]
        )
        return await self.post_document(document)

    async def post_document(self, document: str) -> Posted:
        """Encrypt, sign and POST a document."""
        assert self.poster.crypto is not None
        ts, nonce = self.poster.stamp()
        encrypted, msg_signature = self.poster.crypto.seal(document, ts, nonce)
        params = {"msg_signature": msg_signature, "timestamp": ts, "nonce": nonce}
        body = xml_doc(
            [
                ("ToUserName", self.api.corp_id),
                ("Encrypt", encrypted),
                ("AgentID", self.api.agent_id),
            ]
        )
        return await self.poster.send("POST", params, body.encode())

    async def send_text(self, text: str) -> Posted:
        """Type a text in the app."""
        return await self.post("text", [("Content", text), ("MsgId", next(_msg_ids))])

    async def send_image(self, content: bytes = b"\xff\xd8\xff fake jpeg") -> Posted:
        """Send a photo in the app."""
        media_id = self.api.add_media(content)
        return await self.post("image", [("MediaId", media_id), ("MsgId", next(_msg_ids))])

    async def send_location(self, latitude: float, longitude: float, label: str = "") -> Posted:
        """Send a place in the app."""
        fields: list[tuple[str, str | int | float]] = [
            ("Location_X", latitude),
            ("Location_Y", longitude),
            ("Scale", 15),
            ("Label", label),
            ("MsgId", next(_msg_ids)),
        ]
        return await self.post("location", fields)

    async def enter_app(self) -> Posted:
        """Open the app (enter_agent)."""
        return await self.post("event", [("Event", "enter_agent"), ("EventKey", "")])

    async def press(self, label: str) -> Posted:
        """Press the button with this label on the latest card that has it."""
        for card in reversed(self.api.cards(self.user_id)):
            for key, text in card.buttons:
                if text == label:
                    fields: list[tuple[str, str | int | float]] = [
                        ("Event", "template_card_event"),
                        ("EventKey", key),
                        ("TaskId", card.task_id),
                        ("CardType", "button_interaction"),
                        ("ResponseCode", self.api.press_code(card.task_id)),
                    ]
                    return await self.post("event", fields)
        raise AssertionError(f"no card button {label!r} for {self.user_id}")
