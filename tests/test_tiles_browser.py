"""A story's base map and its printout in Chromium (issue 18, items 4 and 6): the exported file,
opened from disk, with a chosen provider whose tiles cannot load (no network) shows the offline
outlines and, zoomed in, the story's own place names; with tiles loading it leaves naming to
them; printed, it is the map over the text, without the buttons, on one page.

Screenshots go to /tmp/storymap-shots (for a person to look at; nothing reads them).
"""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import expect

from storymap.export import export
from storymap.places import Place, ResolvedPlace
from storymap.tiles import LABEL_ZOOM
from tests.browsing import EVIL, SIZES, Visit

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/storymap-shots")
IMAGERY = "Esri.WorldImagery"
SETTLED = "() => window.storymap && storymap.settled()"
# A 1x1 PNG: what a tile server answers, for a page whose tiles do load.
PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


@pytest.fixture(params=list(SIZES))
def size_name(request):
    return request.param


@pytest.fixture
def exported(sample_map, tmp_path, monkeypatch):
    """The sample story exported on satellite imagery, by a deployment with a network."""
    monkeypatch.setenv("STORYMAP_TILES", "osm")
    story_map = replace(sample_map, story=replace(sample_map.story, basemap=IMAGERY))
    path = tmp_path / "story.html"
    path.write_text(export(story_map, "html"), encoding="utf-8")
    return path


def inside(box, outer, slack=0.5):
    return box and outer and box["x"] >= outer["x"] - slack and box["y"] >= outer["y"] - slack \
        and box["x"] + box["width"] <= outer["x"] + outer["width"] + slack \
        and box["y"] + box["height"] <= outer["y"] + outer["height"] + slack


def overlap(a, b) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and \
        a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def zoom_to(page, zoom):
    page.evaluate(f"() => {{ storymap.map.setZoom({zoom}, {{animate: false}}); }}")
    page.wait_for_function(f"() => storymap.settled() && storymap.map.getZoom() === {zoom}", polling="raf")


def test_offline_the_outlines_show_and_zoomed_in_the_places_are_named(browser, exported, size_name):
    SHOTS.mkdir(exist_ok=True)
    size = SIZES[size_name]
    v = Visit(browser, exported.as_uri(), size)  # every request off this machine fails
    try:
        page = v.page
        page.wait_for_function(SETTLED, polling="raf")
        # The provider's tiles were asked for, and failed; the outlines are drawn beneath.
        expect(page.locator(".leaflet-tile-pane img").first).to_be_attached()
        assert any("arcgisonline.com" in url for _, url in v.blocked), v.blocked
        expect(page.locator(".leaflet-storymap-background-pane canvas")).to_be_visible()
        # The credit in the map's corner is the provider's own.
        expect(page.locator(".leaflet-control-attribution")).to_contain_text("Tiles © Esri — Source: Esri")
        # Far out, no names (the outlines are the map); zoomed in, the story's own names.
        zoom_to(page, LABEL_ZOOM - 2)
        expect(page.locator(".sm-label")).to_have_count(0)
        page.evaluate("storymap.choose('wana')")
        page.wait_for_function("() => storymap.settled() && storymap.map.getZoom() >= 10", polling="raf")
        wana = page.locator(".sm-label", has_text=re.compile(r"^Wana$"))
        expect(wana).to_be_visible()
        window = {"x": 0, "y": 0, "width": size[0], "height": size[1]}
        map_box = page.locator(".smv-map").bounding_box()
        label, marker = wana.bounding_box(), page.locator('.sm-icon:has([data-place="wana"])').bounding_box()
        assert inside(label, map_box) and inside(label, window), (label, map_box)
        assert label["x"] >= marker["x"] + marker["width"] - 1  # beside its marker, not over it
        assert abs((label["y"] + label["height"] / 2) - (marker["y"] + marker["height"] / 2)) < 12
        # Every label on screen is inside the window, and written as text, not markup.
        shown = [b for b in page.locator(".sm-label span").evaluate_all(
            "els => els.map(e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, "
            "height: r.height}; })")]
        on_map = [b for b in shown if inside(b, map_box)]
        assert on_map and all(inside(b, window) for b in on_map)
        assert page.locator(".sm-label span").first.evaluate("e => e.children.length") == 0
        # None written over another, none cut by the map's edge, at the place and at the story's area
        # around it, where "Wana", "Cadet College Wana" and "South Waziristan" crowd together.
        for zoom in (10, 9, 8, 7):
            zoom_to(page, zoom)
            shown = page.locator(".sm-label span").evaluate_all(
                "els => els.filter(e => getComputedStyle(e.parentNode).visibility !== 'hidden' && "
                "getComputedStyle(e).visibility !== 'hidden').map(e => { const r = e.getBoundingClientRect(); "
                "return {x: r.x, y: r.y, width: r.width, height: r.height, text: e.textContent}; })")
            assert shown, zoom
            assert all(inside(b, map_box) for b in shown), (zoom, shown)
            assert not [(a["text"], b["text"]) for i, a in enumerate(shown) for b in shown[i + 1:] if overlap(a, b)]
        # The provider's long credit is one line on a phone (it covered the map's corner in five), whole on a tap.
        credit = page.locator(".leaflet-control-attribution")
        if size_name == "phone":
            assert credit.bounding_box()["height"] < 20, credit.bounding_box()
            credit.hover()
            expect(credit).to_have_css("white-space", "normal")
            page.mouse.move(size[0] / 2, 5)
        zoom_to(page, 10)
        page.screenshot(path=str(SHOTS / f"basemap-offline-{size_name}.png"))
        zoom_to(page, LABEL_ZOOM - 1)
        expect(page.locator(".sm-label")).to_have_count(0)
        assert not v.errors
    finally:
        v.close()


def test_a_label_is_text_whatever_an_editor_named_the_place(browser, sample_map, tmp_path):
    # An annotation (no words of the text) is labelled with the name an editor typed.
    wana = sample_map.place("wana").place
    note = ResolvedPlace("note", Place("ann", EVIL, "site", wana.lat + 0.05, wana.lon + 0.05), [], 1.0, "added")
    path = tmp_path / "evil.html"
    path.write_text(export(replace(sample_map, places=[*sample_map.places, note]), "html"), encoding="utf-8")
    v = Visit(browser, path.as_uri())
    try:
        v.page.wait_for_function(SETTLED, polling="raf")
        v.page.evaluate("storymap.choose('wana')")
        label = v.page.locator(".sm-label span").filter(has_text="window.__pwned")
        expect(label).to_have_text(EVIL)
        assert label.evaluate("e => e.children.length") == 0
        assert v.page.evaluate("window.__pwned") is None and not v.errors
    finally:
        v.close()


def test_where_the_tiles_load_they_name_the_places_themselves(browser, exported):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        def route(r):
            url = r.request.url
            if url.startswith("file:"):
                r.continue_()
            elif "arcgisonline.com" in url:
                r.fulfill(status=200, content_type="image/png", body=PIXEL)
            else:
                r.abort()
        page.route("**/*", route)
        page.goto(exported.as_uri())
        page.wait_for_function(SETTLED, polling="raf")
        page.evaluate("storymap.choose('wana')")
        page.wait_for_function("() => storymap.settled() && storymap.map.getZoom() >= 10", polling="raf")
        expect(page.locator(".leaflet-tile-loaded").first).to_be_attached()
        expect(page.locator(".sm-label")).to_have_count(0)
    finally:
        page.close()


def test_a_printout_is_the_map_over_the_text_without_buttons_on_one_page(browser, exported, size_name):
    SHOTS.mkdir(exist_ok=True)
    v = Visit(browser, exported.as_uri(), SIZES[size_name])
    try:
        page = v.page
        page.wait_for_function(SETTLED, polling="raf")
        expect(page.locator(".leaflet-control-zoom")).to_be_visible()
        page.emulate_media(media="print")
        for control in (".leaflet-control-zoom", ".smv-views", ".smv-mode", ".smv-find", ".smv-panel"):
            expect(page.locator(control)).to_be_hidden()
        map_box, text = page.locator(".smv-map"), page.locator(".smv-text")
        expect(map_box).to_be_visible()
        expect(text).to_be_visible()
        expect(page.locator(".smv-title")).to_be_visible()
        expect(page.locator(".leaflet-control-attribution")).to_be_visible()  # the credit stays
        page.wait_for_function("() => Math.abs(storymap.map.getSize().y - "
                               "document.querySelector('.smv-map').clientHeight) < 2", polling="raf")
        assert map_box.bounding_box()["y"] + map_box.bounding_box()["height"] <= text.bounding_box()["y"]
        page.screenshot(path=str(SHOTS / f"basemap-print-{size_name}.png"), full_page=True)
        if size_name == "desk":
            for paper in ("A4", "Letter"):
                pdf = page.pdf(format=paper)
                pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
                assert pages == 1, f"{paper}: {pages} pages"
        # The tour printed: its step under the map, without its buttons.
        page.emulate_media(media="screen")
        page.get_by_role("button", name="Take the guided tour →").click()
        page.wait_for_function("() => storymap.settled() && storymap.mode() === 'tour'", polling="raf")
        page.emulate_media(media="print")
        expect(page.locator(".smv-tour-bar")).to_be_hidden()
        expect(page.locator(".smv-step .sm-cover h3")).to_be_visible()
        expect(map_box).to_be_visible()
        assert not v.errors
    finally:
        v.close()


def test_the_embed_prints_without_its_buttons(visit, size_name):
    v = visit("/present?story=pakistan-copper&embed=true", SIZES[size_name])
    frame, inner = v.viewer()
    expect(frame.locator(".smv-tour-bar")).to_be_visible()
    v.page.emulate_media(media="print")
    for control in (".smv-tour-bar", ".leaflet-control-zoom", ".smv-inset"):
        expect(frame.locator(control)).to_be_hidden()
    expect(frame.locator(".smv-map")).to_be_visible()
    expect(frame.locator(".smv-step .sm-cover h3")).to_be_visible()
    step, map_box = frame.locator(".smv-step").bounding_box(), frame.locator(".smv-map").bounding_box()
    assert map_box["y"] + map_box["height"] <= step["y"]  # the map on top, the step below
    SHOTS.mkdir(exist_ok=True)
    v.page.screenshot(path=str(SHOTS / f"basemap-embed-print-{size_name}.png"))
    assert not v.errors
