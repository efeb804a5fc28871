"""The offline background: simplified country outlines, built once into the cache."""

import json

from storymap.basemap import countries_geojson_path


def test_country_outlines_are_built_once_small_and_rounded(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYMAP_CACHE", str(tmp_path))
    path = countries_geojson_path()
    data = json.loads(path.read_text(encoding="utf-8"))
    names = {f["properties"]["name"] for f in data["features"]}
    assert {"Pakistan", "China", "United States"} <= names and len(names) > 170
    assert path.stat().st_size < 1_500_000  # small enough to inline in an exported file
    first = data["features"][0]["geometry"]["coordinates"]
    while isinstance(first[0], list):
        first = first[0]
    assert all(round(c, 3) == c for c in first)
    built = path.stat().st_mtime_ns
    assert countries_geojson_path() == path and path.stat().st_mtime_ns == built  # not built again
