"""The bot's logging: one line per record on standard error, and never the bot's token.

python-telegram-bot logs the Bot API's URLs, which hold the token, at DEBUG, and httpx at INFO;
an exception's text may hold it too. Every line goes through RedactingFormatter, which hides
the token (and its secret part on its own) whatever logged it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
HIDDEN = "<token hidden>"


def secret_parts(token: str | None) -> list[str]:
    """What must never be shown of a token: all of it, and the part after the colon."""
    if not token:
        return []
    return [token, token.partition(":")[2]]


class RedactingFormatter(logging.Formatter):
    """Formats a record as usual (traceback included), then hides every secret in it."""

    def __init__(self, fmt: str, secrets: Iterable[str]) -> None:
        super().__init__(fmt)
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        """The record's line(s), without secrets."""
        text = super().format(record)
        for secret in self.secrets:
            text = text.replace(secret, HIDDEN)
        return text


def configure(level: str, token: str | None) -> None:
    """Log at level to standard error; the token never appears; httpx only from WARNING."""
    logging.basicConfig(level=level, format=FORMAT)
    formatter = RedactingFormatter(FORMAT, secret_parts(token))
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter)
    logging.getLogger("httpx").setLevel(logging.WARNING)
