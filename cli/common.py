"""What the command modules share: the subparsers' type, a command's type, the database check."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from config.settings import Settings, SettingsError

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Subparsers = argparse._SubParsersAction

Handler = Callable[[Settings, argparse.Namespace], int]
"""A command: the settings and the parsed arguments in, the exit code out."""


def existing_database(settings: Settings) -> Path:
    """The configured database file, which must exist (commands that only read or copy it)."""
    if settings.postgres_url is not None:
        raise SettingsError(
            "MINQING_DATABASE: this command works on the SQLite file; a PostgreSQL database is"
            " backed up with pg_dump -Fc and restored with pg_restore (README, Deployment)"
        )
    path = Path(settings.database)
    if not path.exists():
        raise SettingsError(f"MINQING_DATABASE: {path} does not exist")
    return path
