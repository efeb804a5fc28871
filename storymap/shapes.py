"""A place's drawn shape: a line (a border, a front line, a stretch of river) or an area.

An editor draws it on the map, point by point; it is kept with the place as a GeoJSON
geometry (``LineString`` or ``Polygon``, longitude first, an area's ring closed), so the
store, the story file and the GeoJSON export all hold the same value. Every door checks it
here (:func:`check_shape`), with a message an editor can act on. The place's own point stays
where its marker and label are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

LINE, AREA = "LineString", "Polygon"
KIND_WORDS = {LINE: "line", AREA: "area"}
MAX_VERTICES = 500
"""Enough for a border drawn by hand; a shape is stored in the place's row and sent to every reader."""


@dataclass(frozen=True)
class Shape:
    """A shape as (lat, lon) vertices in drawing order; an area's ring is not repeated at its end."""

    kind: str
    points: tuple[tuple[float, float], ...]

    def geometry(self) -> dict:
        """GeoJSON: [lon, lat] pairs; an area's one ring closed on its first point."""
        ring = [[lon, lat] for lat, lon in self.points]
        return {"type": LINE, "coordinates": ring} if self.kind == LINE else \
            {"type": AREA, "coordinates": [ring + [ring[0]]]}

    def bounds(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """South-west and north-east corners, for a view that fits the whole shape."""
        lats = [lat for lat, _ in self.points]
        lons = [lon for _, lon in self.points]
        return (min(lats), min(lons)), (max(lats), max(lons))

    def centroid(self) -> tuple[float, float]:
        """Where a drawn shape's marker goes when its place has no position yet: the mean of its
        vertices (inside any convex area, and on a line's side of the map)."""
        return (sum(lat for lat, _ in self.points) / len(self.points),
                sum(lon for _, lon in self.points) / len(self.points))


def make_shape(kind: str, points: list) -> Shape:
    """A shape from (lat, lon) points, checked; ValueError says what is wrong, for an editor."""
    if kind not in KIND_WORDS:
        raise ValueError(f"A shape is a line or an area, not {kind!r}.")
    word = KIND_WORDS[kind]
    clean = []
    for number, point in enumerate(points, 1):
        try:
            lat, lon = (float(x) for x in point)
        except (TypeError, ValueError):
            raise ValueError(f"Point {number} of the {word} is not a latitude and a longitude.") from None
        if not (math.isfinite(lat) and math.isfinite(lon)) or not -90 <= lat <= 90 or not -180 <= lon <= 180:
            raise ValueError(f"Point {number} of the {word} ({lat:g}, {lon:g}) is not on the Earth: latitude "
                             "is between -90 and 90, longitude between -180 and 180.")
        clean.append((lat, lon))
    if kind == AREA and len(clean) > 1 and clean[0] == clean[-1]:
        clean.pop()  # a closed ring: its last point repeats the first
    if len(clean) > MAX_VERTICES:
        raise ValueError(f"The {word} has {len(clean)} points; at most {MAX_VERTICES} are kept.")
    least = 2 if kind == LINE else 3
    if len(set(clean)) < least:
        raise ValueError(f"{'A line' if kind == LINE else 'An area'} needs at least {least} different points; "
                         f"this one has {len(set(clean))}.")
    for (_, a), (_, b) in zip(clean, clean[1:] + (clean[:1] if kind == AREA else [])):
        if abs(a - b) > 180:
            raise ValueError(f"The {word} crosses the 180th meridian (the date line), which the map cannot "
                             "draw as one shape: draw it as two places, one on each side.")
    return Shape(kind, tuple(clean))


def read_shape(geometry: dict) -> Shape:
    """A stored or imported GeoJSON geometry as a shape, checked."""
    if not isinstance(geometry, dict) or geometry.get("type") not in KIND_WORDS:
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        raise ValueError(f"A place's shape is a LineString (a line) or a Polygon (an area), not {kind!r}.")
    coordinates = geometry.get("coordinates")
    if geometry["type"] == AREA:
        if not isinstance(coordinates, list) or len(coordinates) != 1:
            raise ValueError("An area is one ring of points (no holes, no second ring).")
        coordinates = coordinates[0]
    if not isinstance(coordinates, list):
        raise ValueError("A shape's coordinates are a list of [longitude, latitude] points.")
    flipped = [p[1::-1] if isinstance(p, list) and len(p) in (2, 3) else p for p in coordinates]
    return make_shape(geometry["type"], flipped)


def describe(geometry: dict) -> str:
    """A stored shape in words, for an editor reading a change: "an area of 4 points"."""
    shape = read_shape(geometry)
    return f"{'a line' if shape.kind == LINE else 'an area'} of {len(shape.points)} points"


def check_shape(geometry: dict | None) -> dict | None:
    """A shape as it is stored (its geometry, normalised), or None for a place without one."""
    return None if geometry is None else read_shape(geometry).geometry()
