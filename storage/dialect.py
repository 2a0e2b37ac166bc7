"""SQL written once, for SQLite, and turned into PostgreSQL's where the two differ.

Application SQL uses `?` placeholders and a few SQLite spellings; `postgres(sql)` rewrites them:
`?` to `$1, $2, ...` (outside quoted strings), `INSERT OR IGNORE` to `ON CONFLICT DO NOTHING`,
`json_extract(x, '$.k')` to `(x)::jsonb ->> 'k'`, SQLite's unary `+column` (which keeps an index
out of a plan) to the bare column, and an INSERT into a table with an identity
column gets `RETURNING id`, so that its Outcome carries the new row's id as SQLite's lastrowid
does. What cannot be rewritten this way lives in the migrations (storage/migrations/postgres/)
or in the few repository methods that ask `conn.dialect`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

# Tables whose rows get their id from the database (SQLite's rowid, PostgreSQL's identity).
WITH_ID = frozenset(
    {
        "people",
        "cases",
        "case_events",
        "outbox",
        "corrections",
        "ingress",
        "files",
        "wx_held",
        "desk_reports",
        "desk_proposals",
        "desk_consultations",
        "desk_guests",
        "supporters",
    }
)

_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_INSERT = re.compile(r"^\s*INSERT\s+(?:OR\s+IGNORE\s+)?INTO\s+(\w+)", re.IGNORECASE)
_UNARY_PLUS = re.compile(r"(?<=[\s,(])\+(?=[a-z_])")  # SQLite's way to keep an index out
_JSON = re.compile(r"json_extract\(([^,()]+(?:\([^()]*\))?),\s*'\$\.(\w+)'\)")


def _placeholders(sql: str) -> str:
    """`?` outside quoted strings as `$1, $2, ...`."""
    out: list[str] = []
    n = 0
    quote: str | None = None
    for ch in sql:
        if quote:
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
        elif ch == "?":
            n += 1
            out.append(f"${n}")
            continue
        out.append(ch)
    return "".join(out)


@lru_cache(maxsize=2048)
def postgres(sql: str) -> str:
    """A statement written for SQLite, as PostgreSQL takes it."""
    text = _UNARY_PLUS.sub("", _JSON.sub(r"((\1)::jsonb ->> '\2')", sql))
    ignore = bool(_OR_IGNORE.match(text))
    if ignore:
        text = _OR_IGNORE.sub("INSERT INTO", text, count=1)
    returning = " returning " in text.lower()
    table = _INSERT.match(sql)
    tail = ""
    if ignore:
        tail += " ON CONFLICT DO NOTHING"
    if table and table.group(1) in WITH_ID and not returning:
        tail += " RETURNING id"
    return _placeholders(text.rstrip().rstrip(";") + tail)


def returns_id(sql: str) -> bool:
    """Whether the rewritten statement hands back the inserted row's id."""
    table = _INSERT.match(sql)
    return bool(table and table.group(1) in WITH_ID and " returning " not in sql.lower())


def among(dialect: str, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """`column` is one of values, as a condition and its parameters: one array parameter on
    PostgreSQL (one statement text however many values: prepared once), marks on SQLite."""
    if dialect == "postgres":
        return f"{column} = ANY(?)", [list(values)]
    return f"{column} IN ({', '.join('?' * len(values))})", list(values)
