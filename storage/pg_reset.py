"""What a pooled PostgreSQL connection is reset with when it goes back to the pool: only what
was left on it, rather than asyncpg's full reset query on every release.

asyncpg resets a released connection with a round trip of its own (`pg_advisory_unlock_all();
CLOSE ALL; UNLISTEN *; RESET ALL`), several times a turn. Minqing leaves session state on a
connection in one place only, a job's session advisory lock (PgDatabase.alone); nothing else
sets a setting, opens a cursor or listens.

Invariants (what a newcomer can break):
- asyncpg still rolls back a transaction left open before calling `reset` (and so releases
  the transaction-scoped locks: a chat's turn, the migrations), whatever `reset` does.
- A connection that may hold session state is marked (`mark`) before the statement that could
  leave it there; its next release runs the full reset query, then forgets the mark. Code that
  adds session state of another kind (SET, LISTEN, a cursor, a session lock) marks too.
"""

from __future__ import annotations

from typing import Any

import asyncpg


class SessionResets:
    """The pool's `reset`: the full reset query for marked connections only."""

    def __init__(self) -> None:
        self._marked: set[int] = set()  # the server process ids of the marked connections
        self.full = 0  # full resets made (for tests)

    def mark(self, conn: Any) -> None:
        """conn (a pooled connection) may hold session state from now on: reset it fully when it
        is released."""
        self._marked.add(conn.get_server_pid())

    async def __call__(self, conn: asyncpg.Connection) -> None:
        """Reset a released connection (asyncpg has rolled back any open transaction)."""
        pid = conn.get_server_pid()
        if pid in self._marked:
            await conn.execute(conn.get_reset_query())
            self._marked.discard(pid)
            self.full += 1
