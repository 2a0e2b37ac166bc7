"""Which stations count as one place for similar concerns: `nearby = ["code", ...]` in a
station's table of stations.toml, read both ways (a neighbour's neighbour is not one)."""

from __future__ import annotations

from pathlib import Path

from config.tanks import DEFAULT_STATIONS, ConfigError, _read


def load_nearby(path: Path = DEFAULT_STATIONS) -> tuple[tuple[str, str], ...]:
    """The pairs of nearby stations; ConfigError naming a code that is not a station."""
    stations = _read(path).get("stations")
    if not isinstance(stations, dict):
        return ()
    pairs: list[tuple[str, str]] = []
    for code, raw in stations.items():
        near = raw.get("nearby", []) if isinstance(raw, dict) else []
        if not isinstance(near, list) or not all(isinstance(n, str) for n in near):
            raise ConfigError(f"{path}: stations.{code}.nearby must be a list of station codes")
        for other in near:
            if other not in stations or other == code:
                raise ConfigError(
                    f"{path}: stations.{code}.nearby: {other!r} is not another station"
                )
            pairs.append((str(code), other))
    return tuple(pairs)
