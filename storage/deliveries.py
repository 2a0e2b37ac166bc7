"""The operator's view of the outbox: how many messages are waiting, sent and given up, and which
were given up and why (`python bot.py outbox [--failed]`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from storage.db import Database, from_ms, to_ms

FAILED = (
    "SELECT id, channel, chat_id, kind, case_id, coalesce(sent_at, created_at), attempts, error"
    " FROM outbox WHERE status = 'failed' AND created_at >= ? ORDER BY id DESC LIMIT ?"
)
COUNTS = "SELECT status, count(*) FROM outbox WHERE created_at >= ? GROUP BY status"


@dataclass(frozen=True, slots=True)
class FailedDelivery:
    """A message given up: where it was going, when, and the reason."""

    id: int
    channel: str
    chat_id: str
    kind: str
    case_id: int | None
    at: datetime
    attempts: int
    error: str

    def line(self, zone: ZoneInfo) -> str:
        """One line for the operator; the message's text is not shown (it may quote a resident)."""
        case = f" case #{self.case_id}" if self.case_id is not None else ""
        when = self.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        return (
            f"{self.id}  {when}  {self.channel} chat {self.chat_id}  {self.kind}{case}"
            f"  after {self.attempts} attempt(s): {self.error}"
        )


async def failed_since(db: Database, since: datetime, limit: int) -> list[FailedDelivery]:
    """The messages given up since a moment, newest first."""
    rows = await db.reader.execute_fetchall(FAILED, (to_ms(since), limit))
    return [
        FailedDelivery(
            id=int(r[0]),
            channel=str(r[1]),
            chat_id=str(r[2]),
            kind=str(r[3]),
            case_id=r[4],
            at=from_ms(int(r[5])) or since,
            attempts=int(r[6]),
            error=str(r[7] or ""),
        )
        for r in rows
    ]


async def counts_since(db: Database, since: datetime) -> dict[str, int]:
    """How many messages decided since a moment are pending, sent and failed."""
    rows = await db.reader.execute_fetchall(COUNTS, (to_ms(since),))
    found = {str(r[0]): int(r[1]) for r in rows}
    return {status: found.get(status, 0) for status in ("pending", "sent", "failed")}


async def report(
    db: Database, now: datetime, days: int, zone: ZoneInfo, failed: bool = False, limit: int = 50
) -> list[str]:
    """What `bot.py outbox` prints: the counts, and with failed the messages given up."""
    since = now - timedelta(days=days)
    counts = await counts_since(db, since)
    lines = [
        f"last {days} days: {counts['pending']} waiting, {counts['sent']} sent,"
        f" {counts['failed']} given up"
    ]
    if failed:
        given_up = await failed_since(db, since, limit)
        lines += [d.line(zone) for d in given_up] or ["no message was given up"]
    return lines
