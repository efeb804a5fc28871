"""Where places are relative to each other: distances, which area holds which place, and a grid
that finds what lies near a place without asking every other one."""

from __future__ import annotations

import math

from storymap.places import COUNTRY, REGION, Origin, Place

KM_PER_DEGREE = 111.2  # of latitude (and of longitude at the equator)


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (geopy's great_circle, without building Points per call)."""
    p1, p2, dlon = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.009 * math.asin(min(1.0, math.sqrt(h)))


def place_km(a: Place, b: Place) -> float:
    """Great-circle distance between two places, in kilometres."""
    return km(a.lat, a.lon, b.lat, b.lon)


def first_level(place: Place) -> bool:
    """A state or province: everything of its country with its admin1 code lies in it.

    Only the US states (GeoNames) and the Country State City regions are built as
    first-level; a county or a curated district shares its state's code, so what it
    holds is judged by its radius instead.
    """
    return place.kind == REGION and bool(place.admin1) and place.origin in (Origin.GEONAMES, Origin.COUNTRY_STATE_CITY)


def contains(area: Place, place: Place) -> bool:
    """Whether ``place`` lies in ``area`` (a region), as far as the gazetteer can tell."""
    if area.kind != REGION or area.id == place.id or area.country != place.country or not area.country:
        return False
    if first_level(area):
        return area.admin1 == place.admin1 and not first_level(place)
    return km(area.lat, area.lon, place.lat, place.lon) <= area.precision_km


class Grid:
    """Things filed under every cell their place reaches (within ``reach_km``), so "what lies
    near here" asks one cell instead of every place of a story. Cells of ``cell_deg`` degrees:
    about the reach the grid is for, so a thing is filed in a few cells, not dozens."""

    WIDE_KM = 1000  # reaching further: kept aside and asked every time, rather than filed in hundreds of cells

    def __init__(self, cell_deg: float = 1.0) -> None:
        self.cells: dict[tuple[int, int], list] = {}
        self.wide: list = []
        self.size = cell_deg
        self.columns = round(360 / cell_deg)

    def add(self, item, place: Place, reach_km: float) -> None:
        if reach_km > self.WIDE_KM:
            self.wide.append(item)
            return
        size = self.size
        reach_lat = reach_km / KM_PER_DEGREE
        reach_lon = min(180.0, reach_lat / max(math.cos(math.radians(place.lat)), 0.01))
        first, last = math.floor((place.lon - reach_lon) / size), math.floor((place.lon + reach_lon) / size)
        columns = range(self.columns) if last - first >= self.columns else \
            [c % self.columns for c in range(first, last + 1)]
        cells = self.cells
        for row in range(math.floor((place.lat - reach_lat) / size), math.floor((place.lat + reach_lat) / size) + 1):
            for col in columns:
                cells.setdefault((row, col), []).append(item)

    def at(self, place: Place) -> list:
        cell = (math.floor(place.lat / self.size), math.floor(place.lon / self.size) % self.columns)
        filed = self.cells.get(cell, [])
        return filed + self.wide if self.wide else filed


def within(a: Place, b: Place, limit_km: float) -> bool:
    """Whether two places are closer than ``limit_km`` (a few hundred km at most): a flat-earth
    distance, within 1% of the great circle at that scale and a third of its cost."""
    dy = a.lat - b.lat
    dx = (a.lon - b.lon + 180.0) % 360.0 - 180.0
    dx *= math.cos(math.radians((a.lat + b.lat) / 2))
    return (dx * dx + dy * dy) * 12365.4 < limit_km * limit_km  # KM_PER_DEGREE, squared


def qualifies(qualifier: Place, place: Place) -> bool:
    """Whether a place lies in the country or region named after it ("Lahore, Punjab")."""
    if qualifier.kind == COUNTRY:
        return qualifier.country == place.country
    return contains(qualifier, place)
