"""Areas the editor draws, in Chromium (issue 18, item 7): clicks on the review map draw an area
point by point and the place saves it; the reader then shows it as an SVG path in the map's
overlay pane, within the window, and a click on it opens the place as its marker would; the
exported file, opened from disk with the network blocked, shows it too.

Screenshots go to /tmp/storymap-shots (for a person to look at; nothing reads them).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from storymap.analysis import from_record
from storymap.export import export
from storymap.storage import Storage
from storymap.tours import build_tour
from tests.browsing import EDITOR_PASSWORD, SAMPLE, SIZES, Visit, pick, start_server, stop

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/storymap-shots")
# Each window size draws a place of its own on the one app of this module.
DRAWN = {"desk": ("Muhammad Khel copper mine", "muhammad-khel-copper-mine"), "phone": ("Wana", "wana")}
# Where the clicks land on the editor's map, as fractions of it: a quadrilateral around the
# place's marker (the map opens on it), clear of the marker, the zoom buttons and the legend.
CORNERS = [(0.3, 0.25), (0.7, 0.25), (0.75, 0.6), (0.3, 0.65)]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """An app of this module's own (its editors change the story), with no tiles: offline."""
    library = tmp_path_factory.mktemp("drawn")
    shutil.copy(SAMPLE, library / "pakistan-copper.md")
    database = f"sqlite:///{library / 'store.sqlite3'}"
    url, proc = start_server(library, database, STORYMAP_TILES="none")
    yield url, database
    stop(proc)


@pytest.fixture(params=list(SIZES))
def size_name(request):
    return request.param


def inside(box, outer, slack=0.5):
    return box and outer and box["x"] >= outer["x"] - slack and box["y"] >= outer["y"] - slack \
        and box["x"] + box["width"] <= outer["x"] + outer["width"] + slack \
        and box["y"] + box["height"] <= outer["y"] + outer["height"] + slack


def draw_area(browser, url, size, name, size_name):
    v = Visit(browser, f"{url}/editor?story=pakistan-copper", size)
    try:
        page = v.page
        page.get_by_label("Name").fill("editor")
        page.get_by_role("textbox", name="Password").fill(EDITOR_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Review a place").wait_for(timeout=30_000)
        expect(page.get_by_text("Click the map to set the position")).to_be_visible(timeout=30_000)  # settled
        pick(page, "Review a place", name)
        expect(page.get_by_text(f"{name} — ")).to_be_visible()  # the chosen place's form, not the first's
        clicks = page.get_by_role("radiogroup", name="A click on the map")
        expect(clicks).to_have_count(1)
        clicks.get_by_text("Adds a point to its line or area").click()
        frame, inner = v.map_frame(0)
        editor_map = page.locator('iframe[title*="st_folium"]').first
        for number, (fx, fy) in enumerate(CORNERS, 1):
            editor_map.scroll_into_view_if_needed()
            box = editor_map.bounding_box()
            page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
            expect(page.get_by_text(f"{number} point(s) drawn")).to_be_visible(timeout=20_000)
        # The drawing so far is on the editor's map: an area through the four points.
        expect(frame.locator(".leaflet-overlay-pane path.leaflet-interactive")).not_to_have_count(0)
        expect(frame.locator(".leaflet-marker-pane .leaflet-marker-icon").first).to_be_attached()
        page.screenshot(path=str(SHOTS / f"drawing-editor-{size_name}.png"), full_page=False)
        page.get_by_role("button", name="Save", exact=True).first.click()
        expect(page.get_by_text(f"Saved “{name}”.")).to_be_visible(timeout=20_000)
        assert not v.errors, v.errors
    finally:
        v.close()


def click_inside_the_shape(page, scope, key: str) -> None:
    """Click the area away from its place's marker: between its middle and its first corner."""
    point = scope.evaluate("""key => {
        const layer = storymap.map.storymapShapes[key], map = storymap.map;
        const ring = layer.getLatLngs()[0], mid = layer.getBounds().getCenter();
        const p = map.latLngToContainerPoint([mid.lat * 0.35 + ring[0].lat * 0.65, mid.lng * 0.35 + ring[0].lng * 0.65]);
        const hit = document.elementFromPoint(map.getContainer().getBoundingClientRect().x + p.x,
                                              map.getContainer().getBoundingClientRect().y + p.y);
        return {x: p.x, y: p.y, shape: !!hit && hit.classList.contains('sm-shape-' + key)};
    }""", key)
    assert point["shape"], "the point clicked is on the area, not on a marker"
    box = scope_locator(page, scope).locator(".smv-map").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def scope_locator(page, scope):
    return page if scope is page else page.frame_locator('iframe[title^="Story map"]').first


def shows_and_opens(page, scope, key: str, name: str, size) -> None:
    """The area is an SVG path in the overlay pane, within the window; a click on it opens the place."""
    where = scope_locator(page, scope)
    path = where.locator(f".leaflet-overlay-pane svg path.sm-shape-{key}")
    expect(path).to_have_count(1)
    scope.evaluate("key => { storymap.map.fitBounds(storymap.map.storymapShapes[key].getBounds(), {animate: false}); }",
                   key)
    scope.wait_for_function("() => storymap.settled()", polling="raf")
    window = {"x": 0, "y": 0, "width": size[0], "height": size[1]}
    assert inside(path.bounding_box(), window), (path.bounding_box(), window)
    assert path.get_attribute("fill") not in (None, "none")  # an area, filled in its place's colour
    panel = where.locator(".smv-panel")
    expect(panel).not_to_contain_text(name)
    click_inside_the_shape(page, scope, key)
    expect(panel).to_contain_text(name)


FITS = """key => {
    const view = storymap.map.getBounds(), shape = storymap.map.storymapShapes[key].getBounds();
    return view.contains(shape) && (view.getNorth() - view.getSouth()) < 8 * (shape.getNorth() - shape.getSouth());
}"""
"""Whether the map shows the whole shape, and not much more."""


def test_an_editor_draws_an_area_and_readers_and_the_exported_file_show_it(browser, app, size_name):
    SHOTS.mkdir(exist_ok=True)
    url, database = app
    size = SIZES[size_name]
    name, key = DRAWN[size_name]
    draw_area(browser, url, size, name, size_name)
    saved = next(p for p in Storage(database).load("pakistan-copper").places if p.key == key)
    assert saved.shape["type"] == "Polygon" and len(saved.shape["coordinates"][0]) == len(CORNERS) + 1

    r = Visit(browser, f"{url}/?story=pakistan-copper", size)
    try:
        r.viewer()
        inner = r.page.locator('iframe[title^="Story map"]').first.element_handle().content_frame()
        shows_and_opens(r.page, inner, key, name, size)
        r.page.screenshot(path=str(SHOTS / f"drawing-reader-{size_name}.png"))
        assert not r.errors, r.errors
    finally:
        r.close()

    story_map = from_record(Storage(database).load("pakistan-copper"))
    path = SHOTS / f"drawing-exported-{size_name}.html"
    path.write_text(export(story_map, "html"), encoding="utf-8")
    f = Visit(browser, path.as_uri(), size)  # every request off this machine fails
    try:
        f.page.wait_for_function("() => window.storymap && storymap.settled()", polling="raf")
        shows_and_opens(f.page, f.page, key, name, size)
        f.page.screenshot(path=str(SHOTS / f"drawing-exported-{size_name}.png"))
        # The tour's step for the place shows its area whole.
        step = next(s.number for s in build_tour(story_map) if s.key == key)
        f.page.evaluate(f"() => {{ storymap.setMode('tour'); storymap.show({step}); }}")
        f.wait(f"() => storymap.step() === {step} && storymap.settled()")
        assert f.page.evaluate(FITS, key)
        f.page.screenshot(path=str(SHOTS / f"drawing-tour-{size_name}.png"))
        assert not f.errors and not f.failed, (f.errors, f.failed)
    finally:
        f.close()
