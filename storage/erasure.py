"""Erasing people's identity from the database, keeping their concerns for the statistics."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.buffer import BufferedConnection
from storage.db import to_ms

TOMBSTONE = ("erased", "erased")
FINISHED = "('closed', 'referred')"  # the cases nothing more happens to
SCRUB_CASES = (
    "UPDATE cases SET resident_id = ?, contact_name = NULL, contact_phone = NULL, anonymous = 1,"
    " latitude = NULL, longitude = NULL"
)


class SqlErasure:
    """Bulk erasure inside a unit of work."""

    def __init__(self, conn: BufferedConnection) -> None:
        self.conn = conn

    async def _tombstone(self, now: datetime) -> int:
        """The one person every erased case is filed under."""
        await self.conn.execute(
            "INSERT OR IGNORE INTO people (channel, external_id, chat_id, name, active, reachable,"
            " created_at) VALUES (?, ?, '', '', 0, 0, ?)",
            (*TOMBSTONE, to_ms(now)),
        )
        rows = list(
            await self.conn.execute_fetchall(
                "SELECT id FROM people WHERE channel = ? AND external_id = ?", TOMBSTONE
            )
        )
        return int(rows[0][0])

    async def forget(self, person_id: int, now: datetime) -> int:
        """Erase a person's name, contact and chat identity; returns how many cases they had."""
        tomb = await self._tombstone(now)
        rows = list(
            await self.conn.execute_fetchall(
                "SELECT channel, chat_id, external_id FROM people WHERE id = ?", (person_id,)
            )
        )
        if not rows:
            return 0
        channel, chat_id, external_id = rows[0]
        # Their flood bucket is named by their id on the channel (core/throttle.py).
        await self.conn.execute(
            "DELETE FROM flood_buckets WHERE who = ?", (f"{channel}:{external_id}",)
        )
        case_ids = "SELECT id FROM cases WHERE resident_id = ?"
        # Every message about their cases may quote them, except the new-case notices (and their
        # edits), which never carry a name or contact and which members still need.
        await self.conn.execute(
            f"DELETE FROM outbox WHERE case_id IN ({case_ids}) AND NOT (status = 'pending' AND"
            " coalesce(key, json_extract(payload, '$.edit_key'), '') LIKE 'notice:%')",
            (person_id,),
        )
        await self.conn.execute(
            "DELETE FROM outbox WHERE channel = ? AND chat_id = ?", (channel, chat_id)
        )
        await self.conn.execute(
            "DELETE FROM dialogs WHERE channel = ? AND chat_id = ?", (channel, chat_id)
        )
        await self._forget_chat(channel, chat_id)
        cursor = await self.conn.execute(f"{SCRUB_CASES} WHERE resident_id = ?", (tomb, person_id))
        await self.conn.execute(
            "UPDATE case_events SET actor_id = ? WHERE actor_id = ?", (tomb, person_id)
        )
        # Behind the cases they supported they stay counted, each once, but nobody: no words, and
        # their own row keeps no identity (one shared row would count them as one, or clash).
        await self.conn.execute(
            "UPDATE supporters SET text = NULL WHERE person_id = ?", (person_id,)
        )
        await self.conn.execute(
            "UPDATE people SET external_id = 'erased:' || id, chat_id = '', name = '',"
            " username = NULL, phone = NULL, active = 0, reachable = 0 WHERE id = ?",
            (person_id,),
        )
        return cursor.rowcount

    async def _forget_chat(self, channel: str, chat_id: str) -> None:
        """What the WeChat and WeCom adapters keep of a chat: the callbacks it sent (those not
        handled yet stay, to be handled), its window, last choices and held messages; its files
        stay with the concerns, no longer saying whose chat they came from."""
        where = "channel = ? AND chat_id = ?"
        await self.conn.execute(
            f"DELETE FROM ingress WHERE {where} AND handled_at IS NOT NULL", (channel, chat_id)
        )
        await self.conn.execute(f"DELETE FROM wx_quota WHERE {where}", (channel, chat_id))
        await self.conn.execute(f"DELETE FROM wx_menus WHERE {where}", (channel, chat_id))
        await self.conn.execute(f"DELETE FROM wx_held WHERE {where}", (channel, chat_id))
        await self.conn.execute(f"UPDATE files SET chat_id = '' WHERE {where}", (channel, chat_id))

    async def purge(self, before: datetime, now: datetime) -> int:
        """Erase the identity in cases closed before a moment; drop old delivery records."""
        tomb = await self._tombstone(now)
        cutoff = to_ms(before)
        old = f"SELECT id FROM cases WHERE status IN {FINISHED} AND closed_at < ?"
        await self.conn.execute(f"DELETE FROM outbox WHERE case_id IN ({old})", (cutoff,))
        await self.conn.execute(
            f"UPDATE case_events SET actor_id = ? WHERE case_id IN ({old}) AND actor_id IN"
            " (SELECT id FROM people WHERE role = 'resident')",
            (tomb, cutoff),
        )
        # Behind those cases: no words kept, and a merged duplicate's resident is nobody, as the
        # duplicate's own record is; a voice keeps its supporter, so that it stays counted.
        await self.conn.execute(
            f"UPDATE supporters SET text = NULL WHERE case_id IN ({old})", (cutoff,)
        )
        await self.conn.execute(
            f"UPDATE supporters SET person_id = ? WHERE via = 'merge' AND case_id IN ({old})",
            (tomb, cutoff),
        )
        cursor = await self.conn.execute(
            f"{SCRUB_CASES} WHERE status IN {FINISHED} AND closed_at < ? AND resident_id != ?",
            (tomb, cutoff, tomb),
        )
        # The outbox is a queue, not an archive: anything older than the period goes.
        await self.conn.execute("DELETE FROM outbox WHERE created_at < ?", (cutoff,))
        await self.conn.execute("DELETE FROM dialogs WHERE updated_at < ?", (cutoff,))
        await self.conn.execute(
            "DELETE FROM ingress WHERE handled_at IS NOT NULL AND received_at < ?", (cutoff,)
        )
        await self.conn.execute("UPDATE files SET chat_id = '' WHERE created_at < ?", (cutoff,))
        await self.conn.execute("DELETE FROM wx_held WHERE at < ?", (cutoff,))
        week_ago = to_ms(now - timedelta(days=7))
        await self.conn.execute("DELETE FROM processed_updates WHERE at < ?", (week_ago,))
        await self.conn.execute(
            "UPDATE people SET external_id = 'erased:' || id, chat_id = '', name = '',"
            " username = NULL, phone = NULL, active = 0, reachable = 0"
            " WHERE role = 'resident' AND created_at < ? AND channel != 'erased'"
            " AND NOT EXISTS (SELECT 1 FROM cases WHERE resident_id = people.id)"
            " AND NOT EXISTS (SELECT 1 FROM dialogs d WHERE d.channel = people.channel"
            "                 AND d.chat_id = people.chat_id)",
            (cutoff,),
        )
        # The flood buckets of people erased (named by their id on the channel), and those
        # untouched for a minute, full again: the same as none (core/throttle.py).
        await self.conn.execute(
            "DELETE FROM flood_buckets WHERE stamp < ? OR who NOT IN"
            " (SELECT channel || ':' || external_id FROM people)",
            ((now - timedelta(minutes=1)).timestamp(),),
        )
        return cursor.rowcount
