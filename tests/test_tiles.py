"""A story's base map (issue 18, item 4): xyzservices' providers with their own credits, chosen by
an editor, saved with the story and carried by its story file; every view and the export draw it,
and the deployment's STORYMAP_TILES=none still keeps every map offline."""

import json
import re
from dataclasses import replace

import pytest
import xyzservices.providers as xyz

from storymap import assets
from storymap.accounts import Editor
from storymap.analysis import from_record, stored_places
from storymap.export import export, to_storymapjs
from storymap.maps import build_map
from storymap.newsroom import edit_story
from storymap.schema import SchemaError, check_story_file
from storymap.storage import Storage
from storymap.tiles import CHOICES, LABEL_ZOOM, OUTLINE, base_map, offline_only, options, provider
from storymap.tours import build_tour
from storymap.transfer import export_story, import_story

ALICE = Editor("alice")
IMAGERY = "Esri.WorldImagery"


@pytest.fixture
def store(tmp_path, sample_map):
    store = Storage(f"sqlite:///{tmp_path / 'basemaps.sqlite3'}")
    store.create_story(ALICE, sample_map.story, stored_places(sample_map))
    return store


def test_each_choice_is_an_xyzservices_provider_with_its_own_attribution():
    assert len(CHOICES) >= 4 and "OpenStreetMap.Mapnik" in CHOICES and IMAGERY in CHOICES
    for name in CHOICES:
        tiles, source = provider(name), xyz.query_name(name)
        assert tiles.attribution == source.html_attribution and tiles.credit == source.attribution
        assert tiles.url == source.build_url(fill_subdomain=False, scale_factor="{r}")
        assert "{z}" in tiles.url and tiles.url.startswith("https://")
        assert 1 <= tiles.max_native_zoom <= 18
        assert not source.requires_token(), name  # nothing an editor picks needs a key
    assert "Esri" in provider(IMAGERY).attribution  # satellite imagery credits its source
    assert provider("OpenTopoMap").max_native_zoom == 17  # past it, tiles are enlarged
    with pytest.raises(ValueError):
        provider("CartoDB.Positron")  # not offered: it needs an API key now


def test_the_editor_is_offered_the_default_each_provider_and_the_outlines(monkeypatch):
    monkeypatch.setenv("STORYMAP_TILES", "osm")
    labels = options()
    assert list(labels) == ["", *CHOICES, OUTLINE] and labels[""] == "Deployment default: OpenStreetMap (streets)"
    assert not offline_only()
    monkeypatch.setenv("STORYMAP_TILES", "none")
    assert options()[""] == "Deployment default: outline only" and offline_only()


def test_the_deployment_setting_is_the_default_and_none_forces_the_outlines(sample_map):
    assert base_map("", "osm") == provider("OpenStreetMap.Mapnik")
    assert base_map(IMAGERY, "osm") == provider(IMAGERY)  # the story's choice wins over the default
    assert base_map(OUTLINE, "osm") is None
    assert base_map(IMAGERY, "none") is None and base_map("", "none") is None  # the deployment is offline
    custom = base_map("", "https://tiles.example.org/{z}/{x}/{y}.png")
    assert custom.url == "https://tiles.example.org/{z}/{x}/{y}.png" and custom.credit == "tiles.example.org"
    assert custom.label == "its own tiles (tiles.example.org)"
    assert "Map tiles: tiles.example.org" in build_tour(sample_map, tiles=custom)[-1].html
    assert base_map(IMAGERY, "https://tiles.example.org/{z}/{x}/{y}.png") == provider(IMAGERY)


def test_a_story_keeps_its_base_map_and_an_edit_of_it_can_be_undone(store):
    record = store.load("pakistan-copper")
    assert record.basemap == "" and record.story().basemap == ""
    saved = edit_story(store, ALICE, record, {"title": record.title, "basemap": IMAGERY})
    assert saved.basemap == IMAGERY and from_record(saved).story.basemap == IMAGERY
    change = store.last_change(slug="pakistan-copper")
    assert change.before == {"basemap": ""} and change.after == {"basemap": IMAGERY}
    store.undo(ALICE, change.id)
    assert store.load("pakistan-copper").basemap == ""
    with pytest.raises(ValueError):
        store.update_story(ALICE, "pakistan-copper", store.load("pakistan-copper").version,
                           basemap="https://evil.example/{z}/{x}/{y}.png")  # a choice, never an address


def test_the_story_file_carries_the_base_map_and_round_trips(store, tmp_path):
    record = store.load("pakistan-copper")
    store.update_story(ALICE, "pakistan-copper", record.version, basemap="OpenTopoMap")
    data = json.loads(json.dumps(export_story(store, "pakistan-copper")))
    assert data["story"]["basemap"] == "OpenTopoMap"
    other = Storage(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    copy = import_story(other, ALICE, data)
    assert copy.basemap == "OpenTopoMap"
    assert export_story(other, copy.slug) == data
    older = json.loads(json.dumps(data))
    del older["story"]["basemap"]  # a file written before base maps: the default
    assert import_story(other, ALICE, older).basemap == ""
    older["story"]["basemap"] = "Somebody.Tiles"
    with pytest.raises(SchemaError, match="basemap"):
        check_story_file(older)


def test_the_map_and_the_export_draw_the_chosen_tiles_with_their_credit(store, tmp_path, monkeypatch):
    monkeypatch.setenv("STORYMAP_TILES", "osm")
    record = store.load("pakistan-copper")
    story_map = from_record(store.update_story(ALICE, "pakistan-copper", record.version, basemap=IMAGERY))
    imagery = provider(IMAGERY)
    credit = f'"attribution": "{imagery.attribution}"'.replace("&", "\\u0026")  # folium's JSON
    html = build_map(story_map, assets.publish(tmp_path), tiles=imagery).get_root().render()
    assert f'L.tileLayer(\n                {json.dumps(imagery.url)}' in html and credit in html
    assert "tile.openstreetmap.org" not in html
    page = export(story_map, "html")
    assert json.dumps(imagery.url) in page and credit in page and '"maxNativeZoom": 18' in page
    assert re.search(r'storymapMap\.background\(map_\w+, \{"type": "FeatureCollection"', page)  # outlines beneath
    # The tour's credits name the same provider.
    assert f"Map tiles: {imagery.credit}" in build_tour(story_map, tiles=imagery)[-1].html
    assert imagery.credit in page
    # The place names travel to map.js as text, for a map without tiles to label from LABEL_ZOOM.
    labels = json.loads(re.search(r"storymapMap\.labels\(map_\w+, (\[.*?\]), (\d+)\);", page).group(1))
    wana = story_map.place("wana").place
    assert ["Wana", wana.lat, wana.lon] in labels and len(labels) == len(story_map.places)
    assert f", {LABEL_ZOOM});" in page
    # StoryMapJS takes the same tiles as a custom map, with their credit.
    tool = to_storymapjs(story_map)["storymap"]
    assert tool["map_type"] == imagery.url.replace("{r}", "") and tool["attribution"] == imagery.credit
    assert to_storymapjs(replace(story_map, story=replace(story_map.story, basemap="")))["storymap"]["map_type"] \
        == "osm:standard"
    # Offline by the deployment's setting: the outlines alone, whatever the story chose.
    monkeypatch.setenv("STORYMAP_TILES", "none")
    offline = export(story_map, "html")
    assert imagery.url not in offline and "L.tileLayer(" not in offline.split("</head>")[1]


def test_a_store_from_before_base_maps_is_migrated_with_every_story_on_the_default(tmp_path):
    from sqlalchemy import create_engine, text

    from storymap import migrations

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(url)
    migrations.upgrade(engine, "0002")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO stories (slug, title, date, dateline, source, url, text, deleted, "
                                "version) VALUES ('old', 'Old', NULL, '', '', '', 'In Karachi.', 0, 1)"))
    engine.dispose()
    store = Storage(url)  # a SQLite store is brought to this code's schema as it opens
    assert store.load("old").basemap == "" and export_story(store, "old")["story"]["basemap"] == ""
    store.update_story(ALICE, "old", 1, basemap=OUTLINE)
    assert store.load("old").basemap == OUTLINE
