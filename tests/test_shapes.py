"""Lines and areas editors draw: checked, stored with their history, drawn, exported, round-tripped."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from storymap.accounts import Editor
from storymap.analysis import from_record, stored_places
from storymap.export import KML_NS, export, places_from_geojson, place_properties
from storymap.maps import build_map
from storymap.assets import inline
from storymap.schema import SchemaError, check_story_file
from storymap.shapes import AREA, LINE, MAX_VERTICES, check_shape, describe, make_shape, read_shape
from storymap.storage import Storage
from storymap.tours import build_tour
from storymap.viewer import viewer_data
from storymap.transfer import export_story, import_story

ALICE = Editor("alice")
# A border stretch west of Wana, and an area around the mine (lat, lon).
BORDER = [(32.3, 69.3), (32.6, 69.45), (32.9, 69.5)]
FIELD = [(33.0, 69.75), (33.0, 69.85), (33.08, 69.85), (33.08, 69.75)]
K = "{%s}" % KML_NS


def test_a_line_and_an_area_are_kept_as_geojson():
    line = make_shape(LINE, BORDER).geometry()
    assert line == {"type": "LineString", "coordinates": [[69.3, 32.3], [69.45, 32.6], [69.5, 32.9]]}
    area = make_shape(AREA, FIELD).geometry()
    ring = area["coordinates"][0]
    assert area["type"] == "Polygon" and ring[0] == ring[-1] == [69.75, 33.0] and len(ring) == 5
    assert check_shape(area) == area and check_shape(None) is None
    assert read_shape(area).points == tuple(FIELD)  # the ring's closing point is not a vertex
    assert make_shape(AREA, FIELD).bounds() == ((33.0, 69.75), (33.08, 69.85))
    assert describe(area) == "an area of 4 points" and describe(line) == "a line of 3 points"


@pytest.mark.parametrize("kind, points, message", [
    (LINE, [(32.3, 69.3)], "A line needs at least 2 different points; this one has 1"),
    (LINE, [(32.3, 69.3), (32.3, 69.3)], "A line needs at least 2 different points; this one has 1"),
    (AREA, [(33.0, 69.7), (33.1, 69.8), (33.0, 69.7)], "An area needs at least 3 different points; this one has 2"),
    (LINE, [(32.3, 69.3), (95.0, 69.4)], "Point 2 of the line (95, 69.4) is not on the Earth"),
    (AREA, [(1, 1), (1, 2), (2, 181)], "Point 3 of the area (2, 181) is not on the Earth"),
    (LINE, [(0, 0), ("north", 1)], "Point 2 of the line is not a latitude and a longitude"),
    (LINE, [(0.0, i / 1000) for i in range(MAX_VERTICES + 1)], f"at most {MAX_VERTICES}"),
    (LINE, [(-17.0, 178.0), (-17.5, -179.0)], "crosses the 180th meridian"),
    (AREA, [(0, 170), (1, 170), (1, -170)], "crosses the 180th meridian"),
    ("Circle", [(0, 0), (1, 1)], "A shape is a line or an area"),
])
def test_a_shape_that_cannot_be_drawn_is_refused_with_why(kind, points, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make_shape(kind, points)


@pytest.mark.parametrize("geometry, message", [
    ({"type": "Point", "coordinates": [69, 33]}, "LineString (a line) or a Polygon (an area), not 'Point'"),
    ({"type": "MultiPolygon", "coordinates": []}, "not 'MultiPolygon'"),
    ("LINESTRING (1 2, 3 4)", "not 'str'"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]], [[0, 0], [1, 0], [1, 1]]]},
     "one ring of points"),
])
def test_only_lines_and_areas_are_shapes(geometry, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        check_shape(geometry)


@pytest.fixture
def stored(tmp_path, sample_map):
    store = Storage(f"sqlite:///{tmp_path / 'shapes.sqlite3'}")
    store.create_story(ALICE, sample_map.story, stored_places(sample_map))
    return store


def place(store, key):
    return next(p for p in store.load("pakistan-copper").places if p.key == key)


def shaped(store):
    """The sample story with a border line on Wana and an area on the mine."""
    wana, mine = place(store, "wana"), place(store, "muhammad-khel-copper-mine")
    store.update_place(ALICE, wana.stored.id, wana.stored.version, shape=make_shape(LINE, BORDER).geometry())
    store.update_place(ALICE, mine.stored.id, mine.stored.version, shape=make_shape(AREA, FIELD).geometry())
    return from_record(store.load("pakistan-copper"))


def test_a_shape_is_saved_with_its_place_and_an_undo_takes_it_back(stored):
    wana = place(stored, "wana")
    stored.update_place(ALICE, wana.stored.id, wana.stored.version, shape=make_shape(LINE, BORDER).geometry())
    assert place(stored, "wana").shape == make_shape(LINE, BORDER).geometry()
    change = stored.history("pakistan-copper")[0]
    assert change.fields_changed == ["shape"] and change.before == {"shape": None}
    stored.undo(ALICE, change.id)
    assert place(stored, "wana").shape is None
    stored.undo(ALICE, stored.history("pakistan-copper")[0].id)  # the undo undone
    assert place(stored, "wana").shape["type"] == "LineString"
    with pytest.raises(ValueError, match="at least 3 different points"):
        wana = place(stored, "wana")
        stored.update_place(ALICE, wana.stored.id, wana.stored.version,
                            shape={"type": "Polygon", "coordinates": [[[69, 33], [70, 33], [69, 33]]]})


def test_the_story_file_round_trips_shapes_equal(stored):
    shaped(stored)
    data = export_story(stored, "pakistan-copper")
    again = import_story(stored, ALICE, json.loads(json.dumps(data)))
    assert {p.key: p.shape for p in again.places} == {p.key: p.shape for p in stored.load("pakistan-copper").places}
    assert {p.key: p.shape for p in again.places}["muhammad-khel-copper-mine"]["type"] == "Polygon"
    data["places"][0]["shape"] = {"type": "Point", "coordinates": [69, 33]}
    with pytest.raises(SchemaError, match="shape"):
        check_story_file(data)
    data["places"][0]["shape"] = {"type": "LineString", "coordinates": [[69, 33]]}
    with pytest.raises(ValueError, match="A line needs at least 2 different points"):
        import_story(stored, ALICE, data)


def test_geojson_carries_the_shape_with_the_point_as_properties(stored):
    story_map = shaped(stored)
    features = {f["properties"]["key"]: f for f in json.loads(export(story_map, "geojson"))["features"]}
    mine = features["muhammad-khel-copper-mine"]
    assert mine["geometry"] == make_shape(AREA, FIELD).geometry()
    assert (mine["properties"]["lat"], mine["properties"]["lon"]) == (story_map.place(
        "muhammad-khel-copper-mine").place.lat, story_map.place("muhammad-khel-copper-mine").place.lon)
    assert features["wana"]["geometry"]["type"] == "LineString"
    assert features["china"]["geometry"]["type"] == "Point" and "lat" not in features["china"]["properties"]
    assert places_from_geojson(json.loads(export(story_map, "geojson"))) == place_properties(story_map)
    assert "POLYGON" not in export(story_map, "csv") and "shape" not in export(story_map, "csv").splitlines()[0]


def test_kml_draws_lines_and_areas_each_with_its_style(stored):
    story_map = shaped(stored)
    root = ET.fromstring(export(story_map, "kml").encode())
    document = root.find(f"{K}Document")
    styles = {s.get("id"): s for s in document.findall(f"{K}Style")}
    marks = {p.get("id"): p for p in document.findall(f"{K}Placemark")}
    mine = marks["muhammad-khel-copper-mine"]
    assert mine.find(f"{K}styleUrl").text == "#shape-muhammad-khel-copper-mine"
    style = styles["shape-muhammad-khel-copper-mine"]
    # the site's colour #D55E00 as KML's aabbggrr, the fill translucent
    assert style.find(f"{K}LineStyle/{K}color").text == "e6005ed5"
    assert float(style.find(f"{K}LineStyle/{K}width").text) >= 2
    assert style.find(f"{K}PolyStyle/{K}color").text == "40005ed5" and style.find(f"{K}PolyStyle/{K}fill").text == "1"
    ring = mine.find(f"{K}MultiGeometry/{K}Polygon/{K}outerBoundaryIs/{K}LinearRing/{K}coordinates").text.split()
    assert ring[0] == ring[-1] == "69.75,33.0,0" and len(ring) == 5
    assert mine.find(f"{K}MultiGeometry/{K}Point/{K}coordinates") is not None
    line = marks["wana"].find(f"{K}MultiGeometry/{K}LineString/{K}coordinates").text.split()
    assert line == ["69.3,32.3,0", "69.45,32.6,0", "69.5,32.9,0"]
    assert styles["shape-wana"].find(f"{K}LineStyle/{K}color").text == "e6b27200"  # a city's #0072B2
    assert marks["china"].find(f"{K}styleUrl") is None and marks["china"].find(f"{K}Point") is not None


def test_every_view_draws_the_shape_and_a_step_fits_it(stored):
    story_map = shaped(stored)
    page = build_map(story_map, inline()).get_root().render()
    rows = json.loads(re.search(r"storymapMap\.shapes\(map_\w+, (\[.*?\])\);", page).group(1))
    assert {r["key"]: r["area"] for r in rows} == {"wana": False, "muhammad-khel-copper-mine": True}
    mine = next(r for r in rows if r["area"])
    assert mine["points"] == [list(p) for p in FIELD] and mine["color"] == "#D55E00" and "Muhammad Khel" in mine["popup"]
    steps = {s.key: s for s in build_tour(story_map)}
    assert steps["muhammad-khel-copper-mine"].to_json()["bounds"] == ((33.0, 69.75), (33.08, 69.85))
    assert steps["islamabad"].bounds is None  # a town: its point, at its kind's zoom
    (south, west), (north, east) = steps["china"].bounds  # a country: its main landmass, whole
    assert south < 22 and north > 53 and west < 74 and east > 134
    data = viewer_data(story_map, "read")
    assert next(p for p in data["places"] if p["key"] == "wana")["bounds"] == ((32.3, 69.3), (32.9, 69.5))
    html = export(story_map, "html")
    assert "storymapMap.shapes(" in html and "function shapes(map, rows)" in html
