"""The editor picks a story's base map in the Story tab (issue 18, item 4): saved with the story,
then drawn by the reader's page with the provider's tiles and credit."""

import json

import pytest

from storymap.storage import Storage
from storymap.tiles import OUTLINE, options, provider
from tests.apptest import app, editor_env, signed_in_editor

IMAGERY = "Esri.WorldImagery"


@pytest.fixture
def env(tmp_path, monkeypatch):
    return editor_env(tmp_path, monkeypatch)


def test_the_editor_chooses_the_base_map_and_the_reader_draws_it(env, monkeypatch):
    at = signed_in_editor()
    store = Storage(env)
    record = store.load("pakistan-copper")
    choice = at.selectbox(key=f"story-pakistan-copper-v{record.version}-basemap")
    assert choice.value == "" and choice.options == [options()[k] for k in options()]
    assert "Outline only (offline)" in choice.options and "Satellite imagery (Esri)" in choice.options
    assert choice.options[0] == "Deployment default: outline only"  # the tests' deployment is offline
    assert any("draws every map offline" in caption.value for caption in at.caption)  # the editor is told
    choice.set_value(IMAGERY)
    at = at.button(key="FormSubmitter:story-pakistan-copper-Save the story").click().run()
    assert not at.exception and not at.error
    saved = store.load("pakistan-copper")
    assert saved.basemap == IMAGERY and saved.title == record.title  # only the base map changed
    assert store.last_change(slug="pakistan-copper").after == {"basemap": IMAGERY}
    assert at.selectbox(key=f"story-pakistan-copper-v{saved.version}-basemap").value == IMAGERY

    monkeypatch.setenv("STORYMAP_TILES", "osm")  # a deployment with a network
    reader = app("reader", query={"story": "pakistan-copper"}).run()
    page = reader.get("iframe")[0].proto.srcdoc
    imagery = provider(IMAGERY)
    assert json.dumps(imagery.url) in page and "tile.openstreetmap.org" not in page
    assert imagery.attribution.replace("&", "\\u0026") in page  # the provider's own credit (folium's JSON)

    at.selectbox(key=f"story-pakistan-copper-v{saved.version}-basemap").set_value(OUTLINE)
    at = at.button(key="FormSubmitter:story-pakistan-copper-Save the story").click().run()
    assert store.load("pakistan-copper").basemap == OUTLINE
    reader = app("reader", query={"story": "pakistan-copper"}).run()
    assert "L.tileLayer(" not in reader.get("iframe")[0].proto.srcdoc.split("</head>")[1]


def test_the_editor_leaves_the_tours_line_out_and_the_presenter_draws_none(env):
    at = signed_in_editor()
    store = Storage(env)
    record = store.load("pakistan-copper")
    line = at.checkbox(key=f"story-pakistan-copper-v{record.version}-tour-line")
    assert line.value is True
    line.uncheck()
    at = at.button(key="FormSubmitter:story-pakistan-copper-Save the story").click().run()
    assert not at.exception and not at.error
    assert store.load("pakistan-copper").tour_line is False
    assert store.last_change(slug="pakistan-copper").after == {"tour_line": False}
    present = app("present", query={"story": "pakistan-copper"}).run()
    assert '"route": []' in present.get("iframe")[0].proto.srcdoc
