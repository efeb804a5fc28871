"""The reader page, driven through Streamlit's AppTest."""

import html
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

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
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def test_reader_shows_story_places_and_figures(library):
    at = run()
    assert not at.exception
    assert "Copper under the frontier" in at.title[0].value
    assert "South Waziristan, Pakistan" in at.caption[0].value
    pills = at.get("button_group")[0]
    labels = set(pills.proto.options[i].content for i in range(len(pills.proto.options)))
    assert {"Wana", "Muhammad Khel copper mine", "Islamabad", "China", "Hindu Kush"} <= labels
    figures = [re.search(r'class="sm-figure"[^>]*>([^<]*)<', h.proto.body) for h in at.get("html")]
    figures = [html.unescape(f.group(1)) for f in figures if f]
    assert {"22,000 tons of copper", "as much as $8 trillion", "more than 90%"} <= set(figures)
    assert "Tons of copper" in [c.value for c in at.caption]
    bars = [h for h in at.get("html") if "sm-bars" in h.proto.body]
    assert len(bars) == 1 and "220,000 tons" in bars[0].proto.body


def test_place_in_the_url_opens_its_detail(library):
    at = run({"story": "pakistan-copper", "place": "wana"})
    assert not at.exception
    assert at.subheader[0].value == "Wana"
    assert any("Cadet College Wana" in t.value for t in at.text)


def test_choosing_a_figure_place_puts_it_in_the_url(library):
    at = run()
    button = next(b for b in at.button if "Muhammad Khel" in b.label)
    at = button.click().run()
    assert at.query_params["place"] in ("muhammad-khel-copper-mine", ["muhammad-khel-copper-mine"])
    assert at.subheader[0].value == "Muhammad Khel copper mine"


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
    assert not at.error and "Copper under the frontier" in at.title[0].value


def test_empty_library_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYMAP_STORIES", str(tmp_path))
    monkeypatch.setenv("STORYMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite3'}")
    at = run()
    assert "library is empty" in at.info[0].value


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


def test_a_story_of_many_places_offers_a_search_instead_of_a_wall_of_buttons(library):
    text = "\n\n".join(f"Copper traders met in {city} this week." for city in BIG_CITIES)
    (library / "atlas.md").write_text(f"---\ntitle: Atlas\n---\n{text}\n", encoding="utf-8")
    at = run({"story": "atlas"})
    assert not at.exception and not at.get("button_group")
    finder = next(s for s in at.selectbox if "places in this story" in s.label)
    assert len(finder.options) >= 41 and finder.value is None
    at = finder.select("tokyo").run()
    assert at.query_params["place"] in ("tokyo", ["tokyo"])
    assert at.subheader[0].value == "Tokyo"


def test_a_spacy_model_that_cannot_be_loaded_is_explained_and_reading_goes_on(library, monkeypatch):
    from storymap.ner import configured

    monkeypatch.setenv("STORYMAP_SPACY_MODEL", "en_no_such_model")
    configured.cache_clear()
    try:
        at = run()
        assert not at.exception
        assert any("python -m spacy download en_no_such_model" in w.value for w in at.sidebar.warning)
        assert "Copper under the frontier" in at.title[0].value
    finally:
        monkeypatch.delenv("STORYMAP_SPACY_MODEL")
        configured.cache_clear()
