"""The offline background: simplified country outlines, built once into the cache."""

import json

from storymap.basemap import countries_geojson_path, country_bounds


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


def test_a_country_is_seen_by_its_main_landmasses(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYMAP_CACHE", str(tmp_path))
    bounds = country_bounds()

    def holds(code, lat, lon):
        (south, west), (north, east) = bounds[code]
        return south <= lat <= north and west <= lon <= east

    assert holds("ne:USA", 47.6, -122.3) and holds("ne:USA", 25.8, -80.2)  # Seattle, Miami
    assert not holds("ne:USA", 61.2, -149.9) and not holds("ne:USA", 21.3, -157.9)  # not Anchorage, not Honolulu
    assert holds("ne:NZL", -36.85, 174.76) and holds("ne:NZL", -45.87, 170.50)  # both islands: Auckland, Dunedin
    assert holds("ne:IDN", -6.2, 106.8) and holds("ne:IDN", -2.5, 140.7)  # Jakarta, Jayapura
    assert holds("ne:MYS", 3.14, 101.69) and holds("ne:MYS", 5.98, 116.07)  # Kuala Lumpur, Kota Kinabalu
    assert not holds("ne:FRA", 4.9, -52.3)  # Cayenne: French Guiana is not in France's view
