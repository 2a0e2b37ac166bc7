"""Logging set-up: readable lines by default, or JSON lines (MINQING_LOG_FORMAT=json) for a log
collector, one object per record: time (UTC, ISO 8601), level, logger, message, exception.
Exceptions nobody caught, in any thread, become CRITICAL records in the same format.

Never the bot's token: python-telegram-bot logs the Bot API's URLs, which hold it, at DEBUG, and
httpx at INFO; an exception's text may hold it too. Every record goes through `Redacting`, which
hides the token (and its secret part on its own) whatever logged it, in either format."""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
HIDDEN = "<token hidden>"


def secret_parts(token: str | None) -> list[str]:
    """What must never be shown of a token: all of it, and the part after the colon."""
    if not token:
        return []
    return [token, token.partition(":")[2]]


class Redacting(logging.Formatter):
    """Formats a record with another formatter (traceback included), then hides every secret."""

    def __init__(self, inner: logging.Formatter, secrets: Iterable[str]) -> None:
        super().__init__()
        self.inner = inner
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        """The record's line(s), without secrets."""
        text = self.inner.format(record)
        for secret in self.secrets:
            text = text.replace(secret, HIDDEN)
        return text


class JsonLines(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON object."""
        out: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            out["exception"] = record.exc_text
        if record.stack_info:
            out["stack"] = self.formatStack(record.stack_info)
        return json.dumps(out, ensure_ascii=False)


def configure(
    level: str,
    fmt: str = "text",
    stream: IO[str] | None = None,
    token: str | None = None,
    hidden: Iterable[str] = (),
) -> None:
    """Send the records at `level` and above to stderr in the chosen format (text or json),
    the token (and the other `hidden` secrets) hidden from every one of them."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    worker = os.environ.get("MINQING_WORKER")  # i/N under `run --workers` (handlers/workers.py)
    text = TEXT_FORMAT.replace("%(name)s", f"[worker {worker}] %(name)s") if worker else TEXT_FORMAT
    inner = JsonLines() if fmt == "json" else logging.Formatter(text)
    handler.setFormatter(Redacting(inner, [*secret_parts(token), *hidden]))
    logging.basicConfig(level=level, handlers=[handler])
    logging.getLogger("httpx").setLevel(logging.WARNING)
    threading.excepthook = _log_thread_exception


def _log_thread_exception(args: threading.ExceptHookArgs) -> None:
    """A thread's uncaught exception as a log record, not a bare traceback on stderr."""
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else "?"
    exc_info = (args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)
    logging.getLogger("minqing").critical("uncaught in thread %s", name, exc_info=exc_info)
