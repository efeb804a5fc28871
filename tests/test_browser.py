"""Editors and scale-out in Debian's Chromium, driven by Playwright: the app as people use it.

The reader, the presenter, the embed and the exported file are in test_story_viewer.py.
"""

import os
import re
import shutil

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browsing import EDITOR_PASSWORD, SAMPLE, Visit, pick, start_server, stop

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """An app of this module's own: editors here change the story that other modules' readers check."""
    library = tmp_path_factory.mktemp("edited")
    shutil.copy(SAMPLE, library / "pakistan-copper.md")
    url, proc = start_server(library, f"sqlite:///{library / 'store.sqlite3'}")
    yield url
    stop(proc)


LAYERS_JS = """() => Object.values(storymap.map._layers)
    .filter(l => l.getTooltip && l.getTooltip() && l.getLatLng)
    .map(l => ({tip: l.getTooltip().getContent(), lat: l.getLatLng().lat, lng: l.getLatLng().lng,
               radius: l.getRadius ? l.getRadius() : null, marker: !!l._icon}))"""


def test_an_editor_moves_the_mine_by_clicking_the_map_and_readers_see_it(visit):
    v = visit("/editor?story=pakistan-copper")
    page = v.page
    sign_in_and_review(page, "Muhammad Khel copper mine")
    frame, inner = v.map_frame(0)
    editor_map = page.locator('iframe[title*="st_folium"]').first
    editor_map.scroll_into_view_if_needed()
    expect(editor_map).to_be_in_viewport(ratio=1)
    box = editor_map.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.4)
    latitude = page.get_by_label("Latitude").first
    expect(latitude).not_to_have_value(re.compile(r"^(33\.03)?$"), timeout=15_000)
    lat, lon = float(latitude.input_value()), float(page.get_by_label("Longitude").first.input_value())
    assert (lat, lon) != (33.03, 69.8)
    # The new position is on the map where the click landed, marked as not saved yet.
    moved = frame.locator("path.sm-moved-to")
    expect(moved).to_have_count(1, timeout=15_000)
    expect(frame.get_by_text("New position: save to keep it")).to_be_visible()
    box, mark = editor_map.bounding_box(), moved.bounding_box()
    centre = (mark["x"] + mark["width"] / 2, mark["y"] + mark["height"] / 2)
    assert abs(centre[0] - box["x"] - box["width"] * 0.3) < 3 and abs(centre[1] - box["y"] - box["height"] * 0.4) < 3
    page.get_by_label("Note (shown to readers)").filter(visible=True).first.fill("<script>window.__pwned = 9</script> Site visited in 2026")
    save_place(page)

    r = visit("/?story=pakistan-copper&place=muhammad-khel-copper-mine")
    frame, inner = r.viewer()
    layers = {layer["tip"].split(" · ")[0]: layer for layer in inner.evaluate(LAYERS_JS)}
    mine = layers["Muhammad Khel copper mine"]
    assert abs(mine["lat"] - lat) < 1e-4 and abs(mine["lng"] - lon) < 1e-4
    panel = frame.locator(".smv-panel")
    assert "<script>window.__pwned = 9</script> Site visited in 2026" in panel.inner_text()
    assert "Location: Set by an editor" in panel.inner_text()  # not the finder's source for its old position
    assert inner.evaluate("() => window.__pwned") is None and r.page.evaluate("() => window.__pwned") is None


def sign_in_and_review(page, place):
    page.get_by_label("Name").fill("editor")
    page.get_by_role("textbox", name="Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Review a place").wait_for(timeout=20_000)
    pick(page, "Review a place", place)
    # The form of the place picked, not the one drawn before the pick's rerun came back: text typed
    # into that one is lost when the page redraws, and Save then has nothing to save.
    expect(page.get_by_label("Label", exact=True).filter(visible=True).first).to_have_value(place, timeout=20_000)


def save_place(page) -> None:
    """Press the review form's Save, then look for the edit in History, the lasting sign it was stored
    (the toast lasts four seconds, which a starved browser can miss). On a loaded machine the press
    can reach the app before the field typed just before it (Streamlit sends a field when it loses
    focus); nothing is saved then, and the press is made again."""
    for attempt in range(3):
        page.get_by_role("tab", name="Places").click()
        page.get_by_role("button", name="Save", exact=True).filter(visible=True).first.click()
        page.get_by_role("tab", name="History").click()
        try:
            page.get_by_text("edit place").first.wait_for(timeout=15_000)
            return
        except PlaywrightTimeout:
            continue
    # What the editor saw instead, for the log: a message the page showed, and the page itself.
    alerts = page.locator('[data-testid="stAlert"], [data-testid="stToast"]').all_inner_texts()
    page.screenshot(path=f"/tmp/storymap-unsaved-{os.getpid()}.png", full_page=True)
    raise AssertionError(f"the place was not saved after three presses of Save; the page said {alerts}; "
                         f"screenshot /tmp/storymap-unsaved-{os.getpid()}.png")


def test_two_app_processes_share_one_postgresql_database(browser, tmp_path):
    """The scale-out path: an edit saved through one app process is seen through the other."""
    from tests.conftest import POSTGRES_URL, fresh_postgres_database

    if not POSTGRES_URL:
        pytest.skip("PostgreSQL: set STORYMAP_TEST_POSTGRES_URL to a server's URL (.ci/run starts one)")
    shutil.copy(SAMPLE, tmp_path / "pakistan-copper.md")
    database = fresh_postgres_database()
    (first, p1), (second, p2) = start_server(tmp_path, database), start_server(tmp_path, database)
    try:
        editor = Visit(browser, f"{first}/editor?story=pakistan-copper")
        sign_in_and_review(editor.page, "Wana")
        editor.page.get_by_label("Note (shown to readers)").filter(visible=True).first.fill("Saved through the first process")
        save_place(editor.page)
        reader = Visit(browser, f"{second}/?story=pakistan-copper&place=wana")
        frame, _ = reader.viewer()
        expect(frame.locator(".smv-panel")).to_contain_text("Saved through the first process", timeout=20_000)
        editor.close()
        reader.close()
    finally:
        stop(p1)
        stop(p2)


def test_an_undone_story_edit_stays_undone_when_the_form_is_saved_again(visit):
    """The Story tab's fields kept an undone value in the browser, and the next save of another
    field put it back (a new-user session found it): the form must show what is saved."""
    v = visit("/editor?story=pakistan-copper")
    page = v.page
    page.get_by_label("Name").fill("editor")
    page.get_by_role("textbox", name="Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("tab", name="Story", exact=True).click()
    dateline = page.get_by_label("Dateline", exact=True).first
    expect(dateline).to_have_value(re.compile(r"\S"))  # the form drawn with the story's values, not yet empty
    original = dateline.input_value()
    dateline.fill("KARACHI")
    page.get_by_role("button", name="Save the story").click()
    page.get_by_text("Saved the story.").wait_for(timeout=20_000)
    page.get_by_role("tab", name="History").click()
    page.get_by_role("button", name="Undo").first.click()
    page.get_by_text("Undid").wait_for(timeout=20_000)
    page.get_by_role("tab", name="Story", exact=True).click()
    expect(page.get_by_label("Dateline", exact=True).first).to_have_value(original, timeout=20_000)
    page.get_by_label("Source", exact=True).first.fill("The desk")
    page.get_by_role("button", name="Save the story").click()
    page.get_by_text("Saved the story.").wait_for(timeout=20_000)
    r = visit("/?story=pakistan-copper")
    frame, _ = r.viewer()
    byline = frame.locator(".smv-byline").inner_text()
    assert "The desk" in byline and "KARACHI" not in byline
