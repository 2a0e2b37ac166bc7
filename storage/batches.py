"""What the two committers of short writes share (storage/group_commit.py on SQLite,
storage/pg_records.py on PostgreSQL): a write waiting with its caller's future, and the rule that
a batch which fails is made again one write at a time.

Invariants:
- A caller's future is settled once: with None when its write is committed, with the error when
  its own write failed, cancelled when the committing was cancelled.
- A failed batch is rolled back whole by `transaction`; its writes are then made one by one, each
  in its own transaction, so that one bad write fails its own caller only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

Params = tuple[Any, ...]
Write = tuple[str, Params, "asyncio.Future[None]"]


async def commit_batch(
    batch: list[Write], transaction: Callable[[list[Write]], Awaitable[None]]
) -> None:
    """Commit the batch in one transaction, else each write alone; settle every caller."""
    try:
        await transaction(batch)
    except asyncio.CancelledError:
        for _, _, done in batch:
            done.cancel()
        raise
    except Exception as e:
        if len(batch) == 1:
            settle(batch[0][2], e)
            return
        log.warning("a batch of %d writes failed (%s); making them one by one", len(batch), e)
        for write in batch:
            await commit_batch([write], transaction)
        return
    for _, _, done in batch:
        settle(done, None)


def settle(done: asyncio.Future[None], error: BaseException | None, cancel: bool = False) -> None:
    """Tell the caller waiting on done how its write went (nothing if it was told already)."""
    if done.done():
        return
    if error is not None:
        done.set_exception(error)
    elif cancel:
        done.cancel()
    else:
        done.set_result(None)
