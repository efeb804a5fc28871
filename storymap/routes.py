"""The tour's line: its stops joined in order, straight for short hops, along the great circle
for long jumps.

A jump of a few hundred kilometres drawn straight on the map is what readers expect; a jump
from Islamabad to Washington drawn straight would cross the map on a course no one travels,
so past ``GREAT_CIRCLE_KM`` the line follows the great circle, with a point every
``STEP_KM`` or so (Leaflet then draws short straight pieces between them). A line that
crosses the antimeridian is cut there into parts, each ending on the edge, so no piece is
drawn the long way round the world.
"""

from __future__ import annotations

import math

from storymap.geo import km

GREAT_CIRCLE_KM = 2000.0
"""A hop longer than this follows the great circle."""
STEP_KM = 500.0
"""About how far apart the points of a great-circle hop are."""

Point = tuple[float, float]  # (lat, lon), as Leaflet takes them


def great_circle(a: Point, b: Point, pieces: int) -> list[Point]:
    """``pieces`` + 1 points from ``a`` to ``b`` along the great circle (both ends included)."""
    (lat1, lon1), (lat2, lon2) = a, b
    p1, l1, p2, l2 = map(math.radians, (lat1, lon1, lat2, lon2))
    v1 = (math.cos(p1) * math.cos(l1), math.cos(p1) * math.sin(l1), math.sin(p1))
    v2 = (math.cos(p2) * math.cos(l2), math.cos(p2) * math.sin(l2), math.sin(p2))
    angle = math.acos(max(-1.0, min(1.0, sum(x * y for x, y in zip(v1, v2)))))
    if angle < 1e-9 or abs(angle - math.pi) < 1e-9:  # the same point, or antipodes (no one circle)
        return [a, b] if pieces else [a]
    points = []
    for i in range(pieces + 1):
        f = i / pieces
        s1, s2 = math.sin((1 - f) * angle) / math.sin(angle), math.sin(f * angle) / math.sin(angle)
        x, y, z = (s1 * u + s2 * w for u, w in zip(v1, v2))
        points.append((math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))))
    points[0], points[-1] = a, b  # the stops exactly where their markers are
    return points


def hop(a: Point, b: Point) -> list[Point]:
    """The points from ``a`` to ``b``: the two ends for a short hop, the great circle for a long one."""
    distance = km(a[0], a[1], b[0], b[1])
    if distance <= GREAT_CIRCLE_KM:
        return [a, b]
    return great_circle(a, b, max(2, math.ceil(distance / STEP_KM)))


def route(stops: list[Point]) -> list[list[Point]]:
    """The line through ``stops`` in order, as parts (cut at the antimeridian); [] under two stops."""
    if len(stops) < 2:
        return []
    points = [stops[0]]
    for a, b in zip(stops, stops[1:]):
        points += hop(a, b)[1:]
    parts = [[points[0]]]
    for (lat1, lon1), (lat2, lon2) in zip(points, points[1:]):
        if abs(lon2 - lon1) > 180:  # the short way crosses the antimeridian: end this part on the edge
            edge = 180.0 if lon1 > 0 else -180.0
            east = lon2 + 360 if lon1 > 0 else lon2 - 360
            lat = lat1 + (lat2 - lat1) * (edge - lon1) / (east - lon1)
            parts[-1].append((round(lat, 5), edge))
            parts.append([(round(lat, 5), -edge)])
        parts[-1].append((lat2, lon2))
    return [[(round(lat, 5), round(lon, 5)) for lat, lon in part] for part in parts]


def point_count(parts: list[list[Point]]) -> int:
    return sum(len(part) for part in parts)
