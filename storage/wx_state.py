"""What the WeChat and WeCom adapters keep beside the outbox: the choices a chat was last
offered, WeCom cards' response codes, and the files residents sent (downloaded at once)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from core.messages import OUTBOUND, Outbound
from storage.db import Database, to_ms

SAVE_MENU = (
    "INSERT INTO wx_menus (channel, chat_id, items, at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (channel, chat_id) DO UPDATE SET items = excluded.items, at = excluded.at"
)
SAVE_CODE = (
    "INSERT INTO wecom_cards (task_id, user_id, response_code, at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (task_id) DO UPDATE SET response_code = excluded.response_code,"
    " at = excluded.at"
)
ADD_FILE = (
    "INSERT INTO files (channel, chat_id, media_id, kind, content_type, content, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel, media_id) DO NOTHING"
)


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file a person sent: its kind (image, voice), content type and bytes."""

    id: int
    kind: str
    content_type: str
    content: bytes


class WxState:
    """The adapters' small tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def save_menu(
        self, channel: str, chat_id: str, items: list[tuple[str, str]], now: datetime
    ) -> None:
        """Remember the choices just offered to a chat."""
        payload = json.dumps(items, ensure_ascii=False)
        await self.db.records.write(SAVE_MENU, (channel, chat_id, payload, to_ms(now)))

    async def last_menu(self, channel: str, chat_id: str, since: datetime) -> list[tuple[str, str]]:
        """The choices last offered to a chat, if offered since a moment."""
        rows = await self.db.reader.execute_fetchall(
            "SELECT items FROM wx_menus WHERE channel = ? AND chat_id = ? AND at >= ?",
            (channel, chat_id, to_ms(since)),
        )
        for row in rows:
            return [(str(data), str(label)) for data, label in json.loads(row[0])]
        return []

    async def save_code(self, task_id: str, user_id: str, code: str, now: datetime) -> None:
        """Keep a card's latest response code (a send or a press issues one)."""
        await self.db.records.write(SAVE_CODE, (task_id, user_id, code, to_ms(now)))

    async def code_of(self, task_id: str) -> str | None:
        """A card's latest response code; None if there is none."""
        rows = await self.db.reader.execute_fetchall(
            "SELECT response_code FROM wecom_cards WHERE task_id = ?", (task_id,)
        )
        return next((str(r[0]) for r in rows), None)

    async def code_used(self, task_id: str, code: str) -> None:
        """update_template_card took the code: it cannot be used again."""
        await self.db.records.write(
            "DELETE FROM wecom_cards WHERE task_id = ? AND response_code = ?", (task_id, code)
        )

    async def hold(self, message: Outbound, now: datetime) -> None:
        """Keep a message the window could not carry, to send when the resident writes."""
        payload = OUTBOUND.dump_json(message, exclude_defaults=True).decode()
        await self.db.records.write(
            "INSERT INTO wx_held (channel, chat_id, payload, at) VALUES (?, ?, ?, ?)",
            (message.channel, message.chat_id, payload, to_ms(now)),
        )

    async def release(
        self, channel: str, chat_id: str, since: datetime, now: datetime
    ) -> list[int]:
        """Queue again, in order, the messages held for a chat since a moment (older ones are
        dropped: their buttons would be stale); returns the new outbox ids."""
        async with self.db.transaction(urgent=True) as conn:
            # Taken and deleted in one statement: a message held meanwhile (by another worker,
            # on PostgreSQL) is either released here or left for the next time.
            async with conn.execute(
                "DELETE FROM wx_held WHERE channel = ? AND chat_id = ? RETURNING id, payload, at",
                (channel, chat_id),
            ) as cursor:
                taken = sorted((int(r[0]), str(r[1]), int(r[2])) for r in await cursor.fetchall())
            held = [OUTBOUND.validate_json(p) for _, p, at in taken if at >= to_ms(since)]
            ids = []
            for message in held:
                async with conn.execute(
                    "INSERT INTO outbox (channel, chat_id, kind, payload, key, case_id,"
                    " created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        message.channel,
                        message.chat_id,
                        message.kind.value,
                        OUTBOUND.dump_json(message, exclude_defaults=True).decode(),
                        message.key,
                        message.case_id,
                        to_ms(now),
                        to_ms(now),
                    ),
                ) as cursor:
                    ids.append(int(cursor.lastrowid or 0))
        return ids

    async def add_file(
        self,
        channel: str,
        chat_id: str,
        media_id: str,
        kind: str,
        content_type: str,
        content: bytes,
        now: datetime,
    ) -> int:
        """Keep a downloaded file (once per media id); returns its id."""
        params = (channel, chat_id, media_id, kind, content_type, content, to_ms(now))
        async with self.db.transaction(urgent=True) as conn:
            await conn.execute(ADD_FILE, params)
            async with conn.execute(
                "SELECT id FROM files WHERE channel = ? AND media_id = ?", (channel, media_id)
            ) as cursor:
                row = await cursor.fetchone()
        assert row is not None
        return int(row[0])

    async def file(self, file_id: int) -> StoredFile | None:
        """A kept file by id."""
        rows = await self.db.reader.execute_fetchall(
            "SELECT id, kind, content_type, content FROM files WHERE id = ?", (file_id,)
        )
        for r in rows:
            return StoredFile(int(r[0]), str(r[1]), str(r[2]), bytes(r[3]))
        return None


@dataclass(frozen=True, slots=True)
class CaseBrief:
    """What a template message says of a case: its concern and where it stands."""

    id: int
    text: str
    status: str
    answered: bool
    asked: bool


async def case_brief(db: Database, case_id: int) -> CaseBrief | None:
    """A case's concern and progress, as last committed."""
    rows = await db.reader.execute_fetchall(
        "SELECT id, text, status, first_reply_at IS NOT NULL, waiting_since IS NOT NULL"
        " FROM cases WHERE id = ?",
        (case_id,),
    )
    for r in rows:
        return CaseBrief(int(r[0]), str(r[1]), str(r[2]), bool(r[3]), bool(r[4]))
    return None
