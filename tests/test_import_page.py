"""The import page through AppTest, against local servers for URLs and Nominatim."""

import re

import pytest

from storymap.accounts import hash_password
from storymap.storage import Storage
from tests.apptest import app
from tests.servers import NominatimServer, WebServer
from tests.test_importing import ARTICLE



@pytest.fixture
def env(tmp_path, monkeypatch):
    (tmp_path / "stories").mkdir()
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    for key, value in {"STORYMAP_STORIES": str(tmp_path / "stories"), "STORYMAP_TILES": "none",
                       "STORYMAP_DATABASE_URL": url, "STORYMAP_GEOCODE_CACHE": str(tmp_path / "g.sqlite3"),
                       "STORYMAP_EDITORS": f"alice={hash_password('pw', 1000)}"}.items():
        monkeypatch.setenv(key, value)
    return url


def import_page(signed_in=True):
    at = app("importer").run()
    if signed_in:
        at.text_input[0].input("alice")
        at.text_input[1].input("pw")
        at = at.button[0].click().run()
    return at


def test_only_editors_can_import(env):
    at = import_page(signed_in=False)
    assert at.title[0].value == "Import a story"
    assert [t.label for t in at.text_input] == ["Name", "Password"] and not at.radio


def test_pasted_text_is_imported_and_geoparsed(env):
    at = import_page()
    fields = {t.label: t for t in at.text_input}
    fields["Title"].input("Floods in Peshawar")
    at.text_area[0].input("Rivers rose in Peshawar and Charsadda, officials in Islamabad said.")
    at = at.button[0].click().run()
    assert not at.exception and not at.error
    record = Storage(env).load("floods-in-peshawar")
    assert {"peshawar", "islamabad"} <= {p.key for p in record.places}


def test_an_empty_file_is_named_as_empty_as_soon_as_it_is_chosen(env):
    at = import_page()
    at.radio[0].set_value("A file").run()
    at = at.file_uploader[0].set_value(("notes.txt", b"", "text/plain")).run()
    assert [re.sub(r"\\(.)", r"\1", e.value) for e in at.error] == [  # as Markdown shows it
        "The file is empty: there is nothing in it to import."]
    assert "Import" not in [b.label for b in at.button]


def test_a_web_address_is_fetched_and_a_bad_one_explained(env, monkeypatch):
    server = WebServer({"/a": (200, {"Content-Type": "text/html"}, ARTICLE.encode())})
    monkeypatch.setenv("STORYMAP_FETCH_ALLOW", "localhost")
    try:
        at = import_page()
        at.radio[0].set_value("A web address").run()
        at.text_input[0].input(f"http://localhost:{server.httpd.server_port}/a").run()
        at = at.button[0].click().run()
        assert not at.error, [e.value for e in at.error]
        assert Storage(env).load("copper-road").title == "Copper road"
        assert at.get("iframe")[0].proto.alt == "Story map: Copper road"  # it opened in the reader
        at = import_page()
        at.radio[0].set_value("A web address").run()
        at.text_input[0].input(f"http://127.0.0.1:{server.httpd.server_port}/a").run()
        at = at.button[0].click().run()
        assert "private or local address" in at.error[0].value
    finally:
        server.close()


def test_a_refusing_geocoder_is_reported_and_the_story_still_opens(env, monkeypatch):
    nominatim = NominatimServer()
    nominatim.fail["boya"] = "429"
    for key, value in {"STORYMAP_GEOCODERS": "nominatim", "STORYMAP_NOMINATIM_DOMAIN": nominatim.domain,
                       "STORYMAP_NOMINATIM_SCHEME": "http", "STORYMAP_GEOCODER_USER_AGENT": "tests, t@example.org",
                       "STORYMAP_GEOCODER_TIMEOUT": "1"}.items():
        monkeypatch.setenv(key, value)
    try:
        at = import_page()
        fields = {t.label: t for t in at.text_input}
        fields["Title"].input("Road news")
        at.text_area[0].input("The new road in Pakistan runs near Boya and on toward Wana.")
        at = at.button[0].click().run()
        assert any("Boya" in w.value and "429" in w.value for w in at.warning)
        assert {p.key for p in Storage(env).load("road-news").places} == {"pakistan", "wana"}
    finally:
        nominatim.close()
