"""The reader page, driven through Streamlit's AppTest."""

import html
import json
import re
import shutil
from pathlib import Path

import pytest
from tests.apptest import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "stories" / "pakistan-copper.md"


@pytest.fixture
def library(tmp_path, monkeypatch):
    shutil.copy(SAMPLE, tmp_path / "pakistan-copper.md")
    monkeypatch.setenv("STORYMAP_STORIES", str(tmp_path))
    monkeypatch.setenv("STORYMAP_TILES", "none")
    monkeypatch.setenv("STORYMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite3'}")
    return tmp_path


def run(query=None):
    return app(query=query).run()


def viewer(at) -> tuple[str, dict]:
    """The story viewer the page drew: its frame's accessible name and the data its script is given."""
    frame = at.get("iframe")[0].proto
    found = re.search(r"storymapViewer\(map_\w+, (\{.*?\})\);\n", frame.srcdoc)
    return frame.alt, json.loads(found.group(1))


def test_reader_shows_story_places_and_figures(library):
    at = run()
    assert not at.exception
    name, data = viewer(at)
    assert name.startswith("Story map: Copper under the frontier") and data["mode"] == "read"
    assert data["title"].startswith("Copper under the frontier")
    assert data["byline"].startswith("South Waziristan, Pakistan · 3 February 2026")
    names = {p["name"] for p in data["places"]}
    assert {"Wana", "Muhammad Khel copper mine", "Islamabad", "China", "Hindu Kush", "Miranshah"} <= names
    figures = [html.unescape(f) for f in re.findall(r'class="sm-figure-value">([^<]*)<', data["figures"])]
    assert {"22,000 tons of copper", "as much as $8 trillion", "more than 90%"} <= set(figures)
    assert "Copper mined last year" in data["figures"]
    assert "sm-bars" not in data["figures"]  # one stated tonnage: nothing to compare, no chart
    # Readers are not shown the resolver's workings.
    assert not {"confidence", "reason", "runners_up"} & set().union(*data["places"])


def test_place_in_the_url_opens_its_detail(library):
    at = run({"story": "pakistan-copper", "place": "wana"})
    assert not at.exception
    _, data = viewer(at)
    assert data["place"] == "wana"
    wana = next(p for p in data["places"] if p["key"] == "wana")
    assert any("Cadet College Wana" in passage for passage in wana["passages"])


def test_unknown_place_and_story_get_clear_messages(library):
    at = run({"story": "nope", "place": "atlantis"})
    assert not at.exception
    messages = " ".join(w.value for w in at.warning)
    assert "no story called “nope”" in messages and "no place called “atlantis”" in messages


def test_broken_story_is_explained_and_the_rest_still_work(library):
    (library / "empty.md").write_text("---\ntitle: Empty\n---\n", encoding="utf-8")
    (library / "huge.txt").write_text("word " * 1_100_000, encoding="utf-8")
    at = run({"story": "empty"})
    assert not at.exception
    assert "no text to map" in at.error[0].value
    at = run({"story": "huge"})
    assert "too large" in at.error[0].value
    at = run({"story": "pakistan-copper"})
    assert not at.error and viewer(at)[1]["title"].startswith("Copper under the frontier")


def test_empty_library_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYMAP_STORIES", str(tmp_path))
    monkeypatch.setenv("STORYMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite3'}")
    at = run()
    assert "no stories yet" in at.info[0].value and "Import page" in at.info[0].value


def test_story_warnings_are_shown_on_the_page(library):
    (library / "loose.md").write_text("---\ntitle: Loose\ndate: yesterday\n---\nKarachi was calm.",
                                      encoding="utf-8")
    at = run({"story": "loose"})
    assert not at.exception
    assert any("not a date" in w.value for w in at.warning)


BIG_CITIES = ("Karachi Lahore Tokyo Delhi Shanghai Cairo Mumbai Beijing Dhaka Osaka Istanbul Kinshasa Lagos Manila "
              "Tianjin Moscow Lima Bangkok Seoul Nagoya Chennai Bogota Jakarta London Tehran Baghdad Riyadh Santiago "
              "Madrid Nairobi Toronto Berlin Kabul Rome Casablanca Algiers Ankara Sydney Melbourne Hanoi Dubai Yangon "
              "Accra Havana Tashkent Baku").split()


def test_a_story_of_many_places_is_found_by_name_in_one_list(library):
    text = "\n\n".join(f"Copper traders met in {city} this week." for city in BIG_CITIES)
    (library / "atlas.md").write_text(f"---\ntitle: Atlas\n---\n{text}\n", encoding="utf-8")
    at = run({"story": "atlas", "place": "tokyo"})
    assert not at.exception and not at.get("button_group")
    _, data = viewer(at)
    assert len(data["places"]) >= 41 and data["place"] == "tokyo"


def test_a_spacy_model_that_cannot_be_loaded_is_explained_and_reading_goes_on(library, monkeypatch):
    from storymap.ner import configured

    monkeypatch.setenv("STORYMAP_SPACY_MODEL", "en_no_such_model")
    configured.cache_clear()
    try:
        at = run()
        assert not at.exception
        shown = [re.sub(r"\\(.)", r"\1", w.value) for w in at.sidebar.warning]  # as Markdown renders it
        assert any("python -m spacy download en_no_such_model" in text for text in shown)
        assert viewer(at)[1]["title"].startswith("Copper under the frontier")
    finally:
        monkeypatch.delenv("STORYMAP_SPACY_MODEL")
        configured.cache_clear()


@pytest.mark.parametrize("param, value", [("place", "**Breaking:** [story withdrawn](https://evil.example)"),
                                          ("story", "![x](http://evil.example/x.png) :red[alarm]")])
def test_an_address_cannot_write_markdown_into_the_page(library, param, value):
    at = run({param: value})
    assert not at.exception
    shown = " ".join(w.value for w in at.warning)
    # Every Markdown construct arrives escaped: Streamlit shows the text, no link, image or colour.
    assert "](" not in re.sub(r"\\.", "", shown) and "**" not in re.sub(r"\\.", "", shown)
    assert re.sub(r"\\(.)", r"\1", shown).replace("\u2060", "").count(value) == 1


def store_broken_story(url: str, date: str = "2025-01-01", kind: str = "city", slug: str = "aaa-broken") -> None:
    """A story as an older Storymap could store it, written straight into the database (the
    schema now refuses such values at every door): a bad ``date`` breaks the whole story, a
    bad ``kind`` its one place."""
    import sqlalchemy as sa

    from storymap.storage import Storage

    engine = Storage(url).engine
    with engine.begin() as db:
        db.execute(sa.text("INSERT INTO stories (slug, title, date, dateline, source, url, text, deleted, version) "
                           f"VALUES ('{slug}', 'Broken', '{date}', '', '', '', 'Wana.', false, 1)"))
        story_id = db.execute(sa.text(f"SELECT id FROM stories WHERE slug = '{slug}'")).scalar()
        db.execute(sa.text(
            "INSERT INTO places (story_id, key, gazetteer_id, name, kind, lat, lon, country, precision_km, status, "
            "mentions, confidence, reason, runners_up, note, source, geocoder, located_at, media, "
            "tour_order, tour_hidden, tour_zoom, version) VALUES "
            f"({story_id}, 'wana', '', 'Wana', '{kind}', 32.3, 69.6, '', 0, 'found', '[]', 1, '', '[]', '', '', "
            "'', '', '[]', NULL, false, NULL, 1)"))


def test_a_broken_stored_story_is_explained_and_the_others_still_read(library):
    run()  # seeds the store from the story files
    url = f"sqlite:///{library / 'store.sqlite3'}"
    store_broken_story(url, date="yesterday")
    at = run()  # "aaa-broken" sorts first: it used to break the home page for everyone
    assert not at.exception
    assert "cannot be shown" in at.error[0].value
    assert at.sidebar.selectbox[0].options[0].startswith("Broken")
    at = run({"story": "pakistan-copper"})
    assert not at.exception and not at.error
    assert viewer(at)[1]["title"].startswith("Copper under the frontier")


def test_a_broken_place_is_named_and_the_rest_of_the_story_drawn(library):
    run()
    store_broken_story(f"sqlite:///{library / 'store.sqlite3'}", kind="planet")
    at = run({"story": "aaa-broken"})
    assert not at.exception and not at.error
    assert "could not be drawn" in at.warning[0].value and "Wana" in at.warning[0].value
    assert viewer(at)[1]["title"] == "Broken" and viewer(at)[1]["places"] == []
