"""Loads the think tanks and the stations from their TOML files."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core import callbacks
from core.models import Deadlines, Station, ThinkTank

CONFIG_DIR = Path(__file__).resolve().parent
DEFAULT_TANKS = CONFIG_DIR / "think_tanks.toml"
DEFAULT_STATIONS = CONFIG_DIR / "stations.toml"
# The longest button data a tank or station code goes into: `case:route:<case number>:<code>`
# (numbers up to 12 digits, as core.callbacks reads them).
_WIDEST_BUTTON = ("case", "route", 10**12 - 1)


class ConfigError(ValueError):
    """A configuration file that cannot be used, with the reason."""


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError as e:
        raise ConfigError(f"{path}: file not found") from e
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from e


# A deadline the district counts in working days rather than hours (China's holidays and 调休).
WORKING_DAY_KEYS = {
    "claim_working_days": "claim",
    "first_reply_working_days": "reply",
    "resolve_working_days": "resolve",
}


def _deadlines(raw: dict[str, Any], base: Deadlines, where: str) -> Deadlines:
    working = dict(base.working_days)
    for key, kind in WORKING_DAY_KEYS.items():
        if key in raw:
            days = raw[key]
            if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 250:
                raise ConfigError(f"{where}: {key} must be a whole number of days, 1-250")
            working[kind] = days
    try:
        return Deadlines(
            claim=float(raw.get("claim_hours", base.claim)),
            first_reply=float(raw.get("first_reply_hours", base.first_reply)),
            resolve=float(raw.get("resolve_hours", base.resolve)),
            working_days=tuple(sorted(working.items())),
        )
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{where}: deadlines must be numbers of hours") from e


def _keywords(raw: dict[str, Any], where: str) -> dict[str, float]:
    """A table's keyword lists as one: `keywords` (Chinese) and any `keywords_<language>`."""
    weights: dict[str, float] = {}
    # `keywords` is the Chinese list; `keywords_en` (or any `keywords_<language>`) another
    # language's. They are matched alike, so a tank takes them as one list.
    for table in ("keywords", *sorted(k for k in raw if k.startswith("keywords_"))):
        try:
            for word, weight in raw[table].items() if table in raw else ():
                weights[str(word)] = weights.get(str(word), 0.0) + float(weight)
        except (TypeError, ValueError, AttributeError) as e:
            raise ConfigError(f"{where}.{table} must map words to numbers") from e
    return weights


def parse_other_fields(data: dict[str, Any], where: str = "think tanks") -> dict[str, float]:
    """The [other_fields] keywords of a tanks file: words that count against every tank."""
    raw = data.get("other_fields", {})
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: other_fields must be a table")
    weights = _keywords(raw, f"{where}: other_fields")
    if any(w < 0 for w in weights.values()):
        raise ConfigError(f"{where}: other_fields weights must not be negative")
    return weights


def load_other_fields(path: Path = DEFAULT_TANKS) -> dict[str, float]:
    """Read the words of other fields from the think tanks file ({} when it has none)."""
    return parse_other_fields(_read(path), str(path))


def parse_tanks(data: dict[str, Any], where: str = "think tanks") -> list[ThinkTank]:
    """Turn the parsed TOML of a tanks file into think tanks, in file order."""
    defaults = data.get("defaults", {})
    base_deadlines = _deadlines(defaults.get("deadlines", {}), Deadlines(), where)
    base_threshold = float(defaults.get("threshold", 0.0))
    tanks_raw = data.get("tanks")
    if not isinstance(tanks_raw, dict) or not tanks_raw:
        raise ConfigError(f"{where}: no [tanks.<code>] tables")
    tanks = []
    for code, raw in tanks_raw.items():
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: tanks.{code} must be a table")
        weights = _keywords(raw, f"{where}: tanks.{code}")
        tanks.append(
            ThinkTank(
                code=str(code),
                name_zh=str(raw.get("name_zh", code)),
                name_en=str(raw.get("name_en", raw.get("name_zh", code))),
                keywords=weights,
                domain_words=tuple(str(w) for w in raw.get("domain_words", ())),
                threshold=float(raw.get("threshold", base_threshold)),
                bias=float(raw.get("bias", 0.0)),
                deadlines=_deadlines(raw.get("deadlines", {}), base_deadlines, f"{where}.{code}"),
                rules_outweigh=_outweigh(raw.get("rules_outweigh", 1.0), f"{where}: tanks.{code}"),
            )
        )
    return tanks


def _outweigh(value: object, where: str) -> float:
    """A tank's rules_outweigh: a number above 0 and at most 1."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise ConfigError(f"{where}.rules_outweigh must be a number above 0 and at most 1")
    return float(value)


def load_tanks(path: Path = DEFAULT_TANKS) -> list[ThinkTank]:
    """Read the think tanks file."""
    return parse_tanks(_read(path), str(path))


def load_defaults(path: Path = DEFAULT_TANKS) -> Deadlines:
    """The default deadlines of the tanks file (those of triage)."""
    defaults = _read(path).get("defaults", {})
    return _deadlines(defaults.get("deadlines", {}), Deadlines(), str(path))


def load_stations(path: Path = DEFAULT_STATIONS) -> list[Station]:
    """Read the stations file."""
    data = _read(path)
    stations = data.get("stations")
    if not isinstance(stations, dict) or not stations:
        raise ConfigError(f"{path}: no [stations.<code>] tables")
    out = []
    for code, raw in stations.items():
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}: stations.{code} must be a table")
        if not str(raw.get("name_zh", "")).strip():
            raise ConfigError(f"{path}: stations.{code}: name_zh is missing")
        out.append(
            Station(
                code=str(code), name_zh=str(raw["name_zh"]), name_en=str(raw.get("name_en", code))
            )
        )
    return out


def fits_a_button(code: str) -> bool:
    """True when a code survives the round trip through button data wherever it is used."""
    try:
        data = callbacks.pack(*_WIDEST_BUTTON, code)
    except ValueError:
        return False
    parsed = callbacks.parse(data)
    return parsed is not None and parsed.args[-1:] == (code,)


def check_codes(codes: Sequence[str], what: str) -> None:
    """Refuse, naming them, codes that cannot go into button data (or that mean triage)."""
    bad = [c for c in codes if not fits_a_button(c) or c == "triage"]
    if bad:
        raise ConfigError(
            f"{what} codes that cannot go into button data: {', '.join(map(repr, bad))}"
            " (letters, digits, '_', '.', '-'; at most 40 bytes; not 'triage')"
        )
