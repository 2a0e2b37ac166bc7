"""Residents' photos and voice messages for the members who must see them: kept at once (a
MediaId expires in 3 days) and served at /files/<id>/<signature>, a link that cannot be guessed
from another file's (HMAC of the id with a key only the bot holds)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime

from aiohttp import web

from handlers.wx.api_base import Media
from storage.wx_state import WxState

PREFIX = "file:"


class FileLinks:
    """Signed links to kept files, and the aiohttp handler that serves them."""

    def __init__(self, state: WxState, key: bytes, public_url: str | None) -> None:
        self.state, self.key = state, key
        self.public_url = public_url.rstrip("/") if public_url else None

    def signature(self, file_id: int) -> str:
        """The link's signature of one file."""
        return hmac.new(self.key, str(file_id).encode(), hashlib.sha256).hexdigest()[:32]

    def url(self, ref: str) -> str | None:
        """The public link of a `file:<id>` reference; None for another reference or no URL."""
        if self.public_url is None or not ref.startswith(PREFIX) or not ref[5:].isdigit():
            return None
        file_id = int(ref[len(PREFIX) :])
        return f"{self.public_url}/files/{file_id}/{self.signature(file_id)}"

    async def serve(self, request: web.Request) -> web.StreamResponse:
        """GET /files/{id}/{sig}: the file, or 404 whatever is wrong."""
        raw, sig = request.match_info.get("id", ""), request.match_info.get("sig", "")
        if not raw.isdigit() or len(raw) > 18:
            raise web.HTTPNotFound()
        file_id = int(raw)
        if not hmac.compare_digest(sig, self.signature(file_id)):
            raise web.HTTPNotFound()
        stored = await self.state.file(file_id)
        if stored is None:
            raise web.HTTPNotFound()
        return web.Response(body=stored.content, content_type=stored.content_type or None)

    def add_routes(self, app: web.Application) -> None:
        """Serve the files on app."""
        app.router.add_get("/files/{id}/{sig}", self.serve)


async def keep(
    state: WxState,
    channel: str,
    chat_id: str,
    media_id: str,
    kind: str,
    media: Media,
    now: Callable[[], datetime],
) -> str:
    """Store a downloaded file; returns the reference a case keeps."""
    content_type = media.content_type.split(";", 1)[0].strip() or "application/octet-stream"
    file_id = await state.add_file(
        channel, chat_id, media_id, kind, content_type, media.content, now()
    )
    return f"{PREFIX}{file_id}"
