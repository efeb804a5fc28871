"""The present page through AppTest."""

import shutil
from pathlib import Path

import pytest

from tests.apptest import app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(tmp_path, monkeypatch):
    shutil.copy(ROOT / "data" / "stories" / "pakistan-copper.md", tmp_path)
    monkeypatch.setenv("STORYMAP_STORIES", str(tmp_path))
    monkeypatch.setenv("STORYMAP_TILES", "none")
    monkeypatch.setenv("STORYMAP_DATABASE_URL", f"sqlite:///{tmp_path / 's.sqlite3'}")


def present(query):
    return app("present", query=query).run()


def test_present_page_offers_embed_code_and_downloads(env):
    at = present({"story": "pakistan-copper", "step": "3"})
    assert not at.exception
    frame = at.get("iframe")[0].proto
    assert frame.alt.startswith("Guided tour: Copper under the frontier")
    assert '"mode": "tour"' in frame.srcdoc and '"step": 3' in frame.srcdoc
    assert at.code[0].value.endswith("/story/pakistan-copper")  # the link to share: the story's own page
    code = at.code[1].value  # responsive by default: as wide as its column, a height that fits
    assert code.startswith('<iframe src="') and "embed=true" in code and "width:100%" in code
    assert "height=" not in code.replace("height:", "")
    at.radio[0].set_value("Fixed size").run()
    assert 'width="800" height="560"' in at.code[1].value
    at.number_input[0].set_value(640).run()
    assert 'width="640"' in at.code[1].value
    assert [b.proto.label for b in at.get("download_button")] == ["HTML", "GEOJSON", "CSV", "KML", "StoryMapJS"]


def test_bad_step_and_story_get_clear_messages(env):
    at = present({"story": "pakistan-copper", "step": "99"})
    assert at.warning[0].value == "This tour has steps 1 to 21; showing the cover."
    at = present({"story": "pakistan-copper", "step": "0"})
    assert "steps 1 to 21" in at.warning[0].value
    at = present({"story": "pakistan-copper", "step": "two"})
    assert "must be a whole number" in at.warning[0].value
    at = present({"story": "nope"})
    assert "no story called “nope”; showing the first story" in at.warning[0].value
    assert at.get("iframe")[0].proto.alt.startswith("Guided tour: Copper under the frontier")


def test_the_story_a_reader_picked_is_the_one_presented(env, tmp_path):
    # The menu's links carry no address: "Present the story" used to open the first story.
    (tmp_path / "second.md").write_text("---\ntitle: A second story\n---\nRains fell on Karachi and Lahore.\n",
                                        encoding="utf-8")
    at = app(query={"story": "second"}).run()
    assert not at.exception
    at.query_params.clear()
    at.switch_page("pages/present.py")
    at = at.run()
    assert not at.exception and at.query_params["story"] == "second"
    assert at.get("iframe")[0].proto.alt == "Guided tour: A second story"
    at.switch_page("pages/reader.py")
    at = at.run()
    assert at.get("iframe")[0].proto.alt == "Story map: A second story"
