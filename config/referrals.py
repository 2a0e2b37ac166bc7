"""Loads and checks the bodies concerns can be referred to (转办), from their TOML file."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from config.tanks import CONFIG_DIR, ConfigError
from core.models import ReferralBody

DEFAULT_REFERRALS = CONFIG_DIR / "referrals.toml"
# The code travels in button data (refer:to:<case>:<code>, at most 64 bytes): short and ASCII.
CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,19}", re.ASCII)
TEXTS = ("name_zh", "name_en", "contact_zh", "contact_en")


def parse_referrals(data: dict[str, Any], where: str = "referrals") -> list[ReferralBody]:
    """Turn the parsed TOML of a referrals file into bodies, in file order; a problem is one
    ConfigError that names the body and the field."""
    bodies = data.get("bodies")
    if not isinstance(bodies, dict) or not bodies:
        raise ConfigError(f"{where}: no [bodies.<code>] tables")
    found = []
    for code, raw in bodies.items():
        if not CODE.fullmatch(code):
            raise ConfigError(
                f"{where}: bodies.{code}: the code must be 1-20 lowercase ASCII letters, digits,"
                ' "-" or "_"'
            )
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: bodies.{code} must be a table")
        unknown = sorted(set(raw) - set(TEXTS))
        if unknown:
            raise ConfigError(f"{where}: bodies.{code}: unknown field {unknown[0]}")
        for name, value in raw.items():
            if not isinstance(value, str):
                raise ConfigError(f"{where}: bodies.{code}.{name} must be a string")
        for name in ("name_zh", "name_en"):
            if not raw.get(name, "").strip():
                raise ConfigError(f"{where}: bodies.{code}: {name} is missing")
        texts = {name: str(raw.get(name, "")).strip() for name in TEXTS}
        found.append(ReferralBody(code=code, **texts))
    return found


def load_referrals(path: Path = DEFAULT_REFERRALS) -> list[ReferralBody]:
    """Read the referral bodies file."""
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError as e:
        raise ConfigError(f"{path}: file not found") from e
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from e
    return parse_referrals(data, str(path))
