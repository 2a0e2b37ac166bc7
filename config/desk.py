"""Loads the desk's settings (config/desk.toml) and the holiday schedule of years the
chinese-calendar package does not cover yet (config/holidays.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from config.tanks import ConfigError
from documents.workdays import Schedule

DEFAULT_HOLIDAYS = Path(__file__).resolve().parent / "holidays.toml"
DEFAULT_DESK = Path(__file__).resolve().parent / "desk.toml"


@dataclass(frozen=True)
class DeskSettings:
    """Who issues the office files, and how long the bodies have to reply to a proposal."""

    issuer: str = "政协"
    proposal_reply_working_days: int = 0


def _load(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError as e:
        raise ConfigError(f"{path}: file not found") from e
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from e


def load_desk(path: Path = DEFAULT_DESK) -> DeskSettings:
    """The desk's settings."""
    data = _load(path)
    issuer = data.get("issuer", DeskSettings.issuer)
    days = data.get("proposal_reply_working_days", 0)
    if not isinstance(issuer, str) or not 0 < len(issuer.strip()) <= 50:
        raise ConfigError(f"{path}: issuer must be a name of 1-50 characters")
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 250:
        raise ConfigError(f"{path}: proposal_reply_working_days must be a whole number 0-250")
    return DeskSettings(issuer.strip(), days)


def _days(raw: Any, year: int, where: str) -> frozenset[date]:
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: a list of dates such as '{year}-01-01' is expected")
    days = set()
    for item in raw:
        try:
            day = date.fromisoformat(str(item))
        except ValueError as e:
            raise ConfigError(f"{where}: {item!r} is not a date (YYYY-MM-DD)") from e
        if day.year != year:
            raise ConfigError(f"{where}: {item} is not in {year}")
        days.add(day)
    return frozenset(days)


def parse_holidays(data: dict[str, Any], where: str = "holidays") -> Schedule:
    """The schedule of a parsed holidays file: one table a year, days_off and working."""
    days_off: set[date] = set()
    working: set[date] = set()
    for key, table in data.items():
        if not (key.isdigit() and len(key) == 4) or not isinstance(table, dict):
            raise ConfigError(f"{where}: [{key}] should be a year's table such as [2027]")
        unknown = set(table) - {"days_off", "working"}
        if unknown:
            raise ConfigError(f"{where}: [{key}] has unknown keys {sorted(unknown)}")
        year = int(key)
        off = _days(table.get("days_off", []), year, f"{where} [{key}] days_off")
        work = _days(table.get("working", []), year, f"{where} [{key}] working")
        if off & work:
            raise ConfigError(f"{where}: [{key}] lists {min(off & work)} as both off and worked")
        days_off |= off
        working |= work
    return Schedule(frozenset(days_off), frozenset(working))


def load_holidays(path: Path = DEFAULT_HOLIDAYS) -> Schedule:
    """The schedule in a holidays file."""
    return parse_holidays(_load(path), str(path))
