"""The flood limit's buckets on PostgreSQL, shared by the workers (core/throttle.py).

Invariant: one message of a person at a time. The bucket's row is locked (FOR UPDATE) while the
rule is applied and written back in the same short transaction, so two workers judging the same
person at once (a private chat and a group, or a chat taken over) take turns and neither token
is lost; a person without a row yet is inserted, and of two first messages at once the second
waits on the first's insert (ON CONFLICT), then reads it.
"""

from __future__ import annotations

from core.throttle import Bucket, Decide, Verdict
from storage.pg import PgDatabase

READ = "SELECT tokens, stamp, warned FROM flood_buckets WHERE who = $1 FOR UPDATE"
CLAIM = "INSERT INTO flood_buckets VALUES ($1, 0, 0, 0) ON CONFLICT (who) DO NOTHING"
WRITE = "UPDATE flood_buckets SET tokens = $2, stamp = $3, warned = $4 WHERE who = $1"


class PgFloodBuckets:
    """The buckets in the flood_buckets table."""

    def __init__(self, db: PgDatabase) -> None:
        self.db = db

    async def step(self, who: str, decide: Decide) -> Verdict:
        """Apply decide to who's bucket under its row lock and keep the result."""
        async with self.db.pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(READ, who)
            if row is None:
                await conn.execute(CLAIM, who)  # or wait for another's first insert
                row = await conn.fetchrow(READ, who)
            bucket = None  # none kept yet, or the row just claimed (stamp 0)
            if row is not None and float(row[1]) != 0:
                bucket = Bucket(float(row[0]), float(row[1]), bool(row[2]))
            verdict, after = decide(bucket)
            await conn.execute(WRITE, who, after.tokens, after.stamp, int(after.warned))
            return verdict
