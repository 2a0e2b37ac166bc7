"""Where a concern is: the station a resident picked and, when shared, a point on the map.

Two concerns can be about one problem only if they are in the same place: the same station (or
one of the stations configured as its neighbours) and, when both have a location, within a
radius of each other. Concerns are compared only inside their tank and place (blocking), so a
canal in Daodi is never offered to a resident in Qianying however alike the words.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

EARTH_RADIUS_KM = 6371.0088
DEFAULT_RADIUS_KM = 3.0

Location = tuple[float, float]  # latitude, longitude in degrees


def distance_km(a: Location, b: Location) -> float:
    """The great-circle distance between two points (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def valid_location(location: Location | None) -> Location | None:
    """The location when it is a real point on the map, else None."""
    if location is None:
        return None
    lat, lon = location
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        return None
    return (float(lat), float(lon))


@dataclass(frozen=True, slots=True)
class Places:
    """Which stations count as one place, and how near two located concerns must be."""

    nearby: Mapping[str, frozenset[str]] = field(default_factory=dict)
    radius_km: float = DEFAULT_RADIUS_KM

    @classmethod
    def of(
        cls, pairs: Iterable[tuple[str, str]] = (), radius_km: float = DEFAULT_RADIUS_KM
    ) -> Places:
        """Places where each pair of stations is nearby both ways."""
        nearby: dict[str, set[str]] = {}
        for a, b in pairs:
            nearby.setdefault(a, set()).add(b)
            nearby.setdefault(b, set()).add(a)
        return cls({k: frozenset(v) for k, v in nearby.items()}, radius_km)

    def stations(self, station: str | None) -> tuple[str | None, ...]:
        """The station and its neighbours, the station first."""
        return (station, *sorted(self.nearby.get(station, ()) if station else ()))

    def same_place(
        self,
        station_a: str | None,
        location_a: Location | None,
        station_b: str | None,
        location_b: Location | None,
    ) -> bool:
        """True when two concerns may be about one problem, by where they are."""
        if station_b not in self.stations(station_a):
            return False
        if location_a is None or location_b is None:
            return True
        return distance_km(location_a, location_b) <= self.radius_km
