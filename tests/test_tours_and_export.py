"""Tours, exports and the export command."""

import csv
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from storymap.accounts import Editor
from storymap.analysis import from_record, stored_places
from storymap.export import KML_NS, export, places_from_geojson, place_properties, to_storymapjs
from storymap.storage import Storage
from storymap.tours import build_tour

ALICE = Editor("alice")


def test_tour_follows_the_article_between_a_cover_and_the_credits(sample_map):
    steps = build_tour(sample_map)
    assert steps[0].key is None and steps[0].bounds and steps[0].kind == "cover"
    assert steps[-1].key is None and steps[-1].bounds == steps[0].bounds and steps[-1].kind == "credits"  # all places
    assert [s.key for s in steps[1:-1]] == [p.key for p in sample_map.places]
    wana = next(s for s in steps if s.key == "wana")
    assert "Cadet College Wana" in wana.html and wana.zoom >= 10
    mine = next(s for s in steps if s.key == "muhammad-khel-copper-mine")
    assert "22,000 tons" in mine.html and "within 30 km" in mine.html
    assert next(s for s in steps if s.key == "china").zoom < wana.zoom


@pytest.fixture
def stored(tmp_path, sample_map):
    store = Storage(f"sqlite:///{tmp_path / 't.sqlite3'}")
    store.create_story(ALICE, sample_map.story, stored_places(sample_map))
    return store


def test_an_editors_order_hidden_steps_and_zoom_are_kept(stored):
    places = {p.key: p for p in stored.load("pakistan-copper").places}
    stored.update_place(ALICE, places["wana"].stored.id, places["wana"].stored.version, tour_order=1, tour_zoom=14)
    stored.update_place(ALICE, places["china"].stored.id, places["china"].stored.version, tour_hidden=True)
    steps = build_tour(from_record(stored.load("pakistan-copper")))
    assert steps[1].key == "wana" and steps[1].zoom == 14
    assert "china" not in [s.key for s in steps]


def test_html_export_is_self_contained(sample_map):
    page = export(sample_map, "html")
    assert not re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="https?:', page)
    assert "function storymapViewer(" in page and "L.map(" in page and "Copper under the frontier" in page
    data = json.loads(re.search(r"storymapViewer\(map_\w+, (\{.*?\})\);\n", page).group(1))
    assert data["text"] and data["steps"] and data["mode"] == "read"  # the text and the tour, a button apart
    assert re.search(r'storymapMap\.background\(map_\w+, \{"type": "FeatureCollection"', page)  # outlines inline


def test_geojson_round_trips(sample_map):
    data = json.loads(export(sample_map, "geojson"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == len(sample_map.places)
    assert places_from_geojson(data) == place_properties(sample_map)
    wana = next(f for f in data["features"] if f["properties"]["key"] == "wana")
    assert wana["geometry"]["coordinates"] == [sample_map.place("wana").place.lon, sample_map.place("wana").place.lat]


def test_csv_has_a_row_per_place(sample_map):
    rows = list(csv.DictReader(io.StringIO(export(sample_map, "csv"))))
    assert len(rows) == len(sample_map.places) and rows[0]["tour_step"] == "1"
    assert {"wana", "muhammad-khel-copper-mine"} <= {r["key"] for r in rows}


def test_kml_is_valid_xml_in_the_kml_namespace(sample_map):
    root = ET.fromstring(export(sample_map, "kml").encode())
    assert root.tag == f"{{{KML_NS}}}kml"
    marks = root.findall(f".//{{{KML_NS}}}Placemark")
    assert len(marks) == len(sample_map.places)
    coords = {m.get("id"): m.find(f".//{{{KML_NS}}}coordinates").text for m in marks}
    wana = sample_map.place("wana").place
    assert coords["wana"] == f"{wana.lon},{wana.lat},0"


def test_storymapjs_has_the_fields_that_tool_requires(sample_map):
    data = to_storymapjs(sample_map)
    slides = data["storymap"]["slides"]
    assert slides[0]["type"] == "overview" and slides[0]["text"]["headline"]
    for slide in slides[1:]:
        assert {"lat", "lon"} <= set(slide["location"]) and slide["text"]["headline"]
    assert len(slides) == len(sample_map.places) + 1


def test_script_in_a_note_stays_text_in_every_export(stored):
    place = stored.load("pakistan-copper").places[0]
    stored.update_place(ALICE, place.stored.id, place.stored.version, note="<script>alert(1)</script>")
    smap = from_record(stored.load("pakistan-copper"))
    for fmt in ("html", "storymapjs"):
        assert "<script>alert(1)</script>" not in export(smap, fmt)
    assert "<script>alert(1)</script>" not in export(smap, "kml")  # XML-escaped
    assert json.loads(export(smap, "geojson"))["features"][0]["properties"]["note"] == "<script>alert(1)</script>"


def cli(*args):
    return subprocess.run([sys.executable, "-m", "storymap", *args], capture_output=True, text=True)


def test_export_command(stored, tmp_path):
    out = tmp_path / "story.geojson"
    done = cli("export", "pakistan-copper", "--format", "geojson", "--out", str(out), "--database", stored.url)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(out.read_text())["features"]) == len(stored.load("pakistan-copper").places)
    from_file = cli("export", "data/stories/pakistan-copper.md", "--format", "kml", "--out", "-")
    assert from_file.returncode == 0 and "<Placemark" in from_file.stdout


def test_export_command_errors(stored, tmp_path):
    missing = cli("export", "nope", "--format", "csv", "--out", str(tmp_path / "x"), "--database", stored.url)
    assert missing.returncode == 2 and "no story called" in missing.stderr
    bad_format = cli("export", "pakistan-copper", "--format", "pdf", "--out", "x")
    assert bad_format.returncode == 2 and "invalid choice" in bad_format.stderr
    unwritable = cli("export", "pakistan-copper", "--format", "csv", "--out", str(tmp_path / "no" / "dir" / "x.csv"),
                     "--database", stored.url)
    assert unwritable.returncode == 1 and "cannot write" in unwritable.stderr
    assert cli("export", "--help").returncode == 0
