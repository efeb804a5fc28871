"""What readers, presenters and hosts see: the story viewer in Debian's Chromium, at a desk's
window size and a phone's, after real clicks, taps, keys and swipes.

Each test asserts what is on screen: the map's centre and zoom, which places are in view,
the panel's text and where it sits in the window, and that the page did not scroll or reload.
"""

from __future__ import annotations

import math
import re

import pytest
from playwright.sync_api import expect

from storymap.analysis import analyse
from storymap.articles import parse_story
from storymap.export import embed_code, export
from storymap.maps import fitted_view
from storymap.tours import build_tour
from storymap.viewer import opening_views
from tests.browsing import SIZES, VIEWER, Visit

pytestmark = pytest.mark.browser

STATE = """() => { const m = storymap.map, c = m.getCenter();
    return {lat: c.lat, lng: c.lng, zoom: m.getZoom(), step: storymap.step(), place: storymap.place(),
            w: m.getSize().x, h: m.getSize().y}; }"""
# Where places are drawn in the map: [x, y, radius in pixels] (an area's radius, or 0).
PIXELS = """(keys) => keys.map(k => { const l = storymap.map.storymapLayers[k];
    const p = storymap.map.latLngToContainerPoint(l.getLatLng()); return [p.x, p.y, l._radius || 0]; })"""
SETTLED = "() => storymap.settled()"
JARGON = ("confidence", "evidence", "Why here", "%")


def near(state, lat, lon, pixels=2):
    """The map's centre within a few pixels of (lat, lon) at its zoom (Leaflet rounds to whole pixels)."""
    tolerance = pixels * 360 / (256 * 2 ** state["zoom"])
    return abs(state["lat"] - lat) < tolerance and abs(state["lng"] - lon) < tolerance


FITS = """([b, most]) => { const m = storymap.map, box = L.latLngBounds(b);
    return m.getBounds().contains(box) && m.getZoom() === Math.min(most, m.getBoundsZoom(box, false, L.point(76, 72))); }"""


def fits(inner, bounds, most) -> bool:
    """The map shows ``bounds`` whole, as close as the window allows (the viewer's padding: 48+28
    by 36+36 pixels) but no closer than zoom ``most``."""
    return inner.evaluate(FITS, [[list(corner) for corner in bounds], most])


def on_step(inner, state, step) -> bool:
    """The map shows a tour step: a country's land or an approximate place's area whole, any other
    place at its centre and zoom."""
    if step.bounds:
        return fits(inner, step.bounds, step.fit_zoom)
    return state["zoom"] == step.zoom and near(state, step.lat, step.lon)


def settle(inner, condition="true"):
    inner.wait_for_function(f"() => storymap.settled() && ({condition})", polling="raf", timeout=15_000)
    return inner.evaluate(STATE)


def in_map(inner, key, margin=4):
    (x, y, _), = inner.evaluate(PIXELS, [key])
    size = inner.evaluate(STATE)
    return margin <= x <= size["w"] - margin and margin <= y <= size["h"] - margin


def inside_window(box, size):
    return box and box["x"] >= -0.5 and box["y"] >= -0.5 and box["x"] + box["width"] <= size[0] + 0.5 \
        and box["y"] + box["height"] <= size[1] + 0.5


@pytest.fixture(params=list(SIZES))
def size(request):
    return SIZES[request.param]


def test_the_reader_opens_where_the_story_is_with_the_world_a_click_away(visit, size, sample_map):
    v = visit("/?story=pakistan-copper", size)
    frame, inner = v.viewer()
    state = inner.evaluate(STATE)
    focus, _ = opening_views(sample_map)
    (south, west), (north, east) = focus["bounds"]
    assert south < state["lat"] < north and west < state["lng"] < east and state["zoom"] >= 6, state
    local = ["wana", "miran-shah", "islamabad", "muhammad-khel-copper-mine"]
    pixels = inner.evaluate(PIXELS, local)
    for key, (x, y, _) in zip(local, pixels):
        assert 0 <= x <= state["w"] and 0 <= y <= state["h"], (key, x, y)
    for i, a in enumerate(pixels):  # told apart, not one blob
        for b in pixels[i + 1:]:
            assert math.dist(a[:2], b[:2]) > 12, pixels
    assert pixels[3][2] >= 8  # the mine's 30 km area is an area a reader sees
    assert inside_window(frame.locator(".smv-map").bounding_box(), size)
    frame.get_by_role("button", name="All places").click()
    settle(inner)
    assert all(in_map(inner, key, 0) for key in ("washington", "china", "australia", "wana"))
    # Nothing the viewer needs came from outside: only tiles were tried (and blocked).
    assert all(kind == "image" and "tile.openstreetmap.org" in url for kind, url in v.blocked), v.blocked
    assert not v.errors and not [u for u in v.failed if "/vendor/" in u], (v.errors, v.failed)


def test_the_first_tap_on_a_marker_opens_its_place(visit, size):
    v = visit("/?story=pakistan-copper", size)
    frame, inner = v.viewer()
    assert v.page.evaluate("() => scrollY") == 0
    box = frame.locator('.leaflet-marker-icon:has([data-place="wana"])').bounding_box()
    assert inside_window(box, size)
    v.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # a real click, no scrolling first
    panel = frame.locator(".smv-panel")
    expect(panel.locator("h2")).to_have_text("Wana")
    assert inside_window(panel.bounding_box(), size)
    text = panel.inner_text()
    assert "Cadet College Wana" in text and "City or town" in text
    assert not [word for word in JARGON if word in text], text
    assert v.page.evaluate("() => scrollY") == 0
    expect(v.page).to_have_url(re.compile(r"[?&]place=wana\b"))


def test_a_tap_on_markers_drawn_over_one_another_asks_which_place(visit, size, sample_map):
    """In the world view, Pakistan and its towns are one pile of markers: a tap on it lists them
    in the story's order, and the one chosen opens and is shown, where the top one was taken."""
    v = visit("/?story=pakistan-copper", size)
    frame, inner = v.viewer()
    frame.get_by_role("button", name="All places").click()
    settle(inner)
    box = frame.locator('.leaflet-marker-icon:has([data-place="islamabad"])').bounding_box()
    v.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    which = frame.locator(".smv-which")
    expect(which).to_be_visible()
    names = which.locator("button strong").all_inner_texts()
    story_order = [rp.written_name for rp in sample_map.places]
    assert {"Pakistan", "Islamabad", "Wana"} <= set(names) and names == sorted(names, key=story_order.index), names
    assert inner.evaluate("() => storymap.place()") is None  # nothing chosen for the reader yet
    settle(inner)  # the map moves the list clear of its controls
    listed = frame.locator(".smv-which-popup").bounding_box()
    assert inside_window(listed, size) and listed["y"] >= frame.locator(".smv-views").bounding_box()["y"] + 30
    # The keyboard: the first is focused, the arrows move through the list, Escape closes it.
    expect(which.locator("button").first).to_be_focused()
    v.page.keyboard.press("ArrowDown")
    expect(which.locator("button").nth(1)).to_be_focused()
    v.page.keyboard.press("ArrowUp")
    v.page.keyboard.press("ArrowUp")
    expect(which.locator("button").last).to_be_focused()
    v.page.keyboard.press("Escape")
    expect(which).to_have_count(0)
    assert inner.evaluate("() => storymap.place()") is None
    box = frame.locator('.leaflet-marker-icon:has([data-place="islamabad"])').bounding_box()  # the list moved the map
    v.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(which).to_be_visible()
    settle(inner)
    which.get_by_role("button", name=re.compile("^Pakistan")).click()
    state = settle(inner, "storymap.place() === 'pakistan'")
    expect(frame.locator(".smv-panel h2")).to_have_text("Pakistan")
    expect(which).to_have_count(0)
    assert in_map(inner, "pakistan") and state["zoom"] >= 4, state
    # Where the markers stand apart, a tap takes the place at once.
    box = frame.locator('.leaflet-marker-icon:has([data-place="islamabad"])').bounding_box()
    v.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(frame.locator(".smv-panel h2")).to_have_text("Islamabad")
    expect(which).to_have_count(0)
    assert not v.errors, v.errors


def test_a_name_or_a_figure_moves_the_map_and_keeps_the_page_where_it_was(visit, size, server, sample_map):
    v = visit("/?story=pakistan-copper", size)
    frame, inner = v.viewer()
    inner.evaluate("() => { window.__same_page = true; }")
    link = frame.locator('a.sm-place[data-place="washington"]').first
    link.scroll_into_view_if_needed()
    text_scroll = inner.evaluate("() => document.querySelector('.smv-story').scrollTop")
    assert text_scroll > 0  # the reader scrolled down to the name
    before = link.bounding_box()
    link.click()
    state = settle(inner, "storymap.place() === 'washington'")
    assert state["zoom"] == 11 and in_map(inner, "washington", 10), state
    assert inner.evaluate("() => window.__same_page") is True  # no reload
    # The name the reader clicked stays where it was on screen (on a phone the text box shrinks
    # under the opened panel, and its scroll makes up for it), inside the text's box.
    after, side = link.bounding_box(), frame.locator(".smv-story").bounding_box()
    assert abs(after["y"] - before["y"]) <= 2, (before, after)
    assert side["y"] <= after["y"] and after["y"] + after["height"] <= side["y"] + side["height"]
    assert v.page.evaluate("() => scrollY") == 0
    expect(frame.locator(".smv-panel h2")).to_have_text("Washington")
    assert inside_window(frame.locator(".smv-panel").bounding_box(), size)
    assert frame.locator(".sm-passage").count() == 2 and link.get_attribute("class") == "sm-place sm-chosen"
    assert "place=washington" in v.page.url

    button = frame.get_by_role("button", name="Show China on the map")
    button.scroll_into_view_if_needed()
    before = button.bounding_box()
    button.click()
    state = settle(inner, "storymap.place() === 'china'")
    china = fitted_view(sample_map.place("china"))
    assert fits(inner, *china) and state["zoom"] <= 3, state  # all of China's mainland, not its middle at zoom 5
    assert abs(button.bounding_box()["y"] - before["y"]) <= 2
    assert inner.evaluate("() => window.__same_page") is True
    assert v.page.url.endswith("place=china")

    # The address opens the same view.
    v.page.goto(v.page.url)
    frame, inner = v.viewer()
    state = inner.evaluate(STATE)
    assert state["place"] == "china" and fits(inner, *china), state
    expect(frame.locator(".smv-panel h2")).to_have_text("China")


def test_an_approximate_place_chosen_in_the_text_is_shown_whole_in_any_window(visit, size):
    # The Hindu Kush is drawn within 300 km; at its kind's zoom a phone showed only its middle.
    v = visit("/?story=pakistan-copper", size)
    frame, inner = v.viewer()
    link = frame.locator('a.sm-place[data-place="hindu-kush"]').first
    link.scroll_into_view_if_needed()
    link.click()
    state = settle(inner, "storymap.place() === 'hindu-kush'")
    whole = """() => storymap.map.getBounds().contains(storymap.map.storymapLayers['hindu-kush'].getBounds())"""
    assert inner.evaluate(whole) and state["zoom"] <= 6, state
    assert in_map(inner, "hindu-kush", 10)
    expect(frame.locator(".smv-panel .smv-kind")).to_have_text(
        "Landform or water · approximate location, within 300 km")


def test_messages_stay_and_readers_see_no_developer_chrome(visit):
    v = visit("/?story=nope&place=atlantis")
    frame, _ = v.viewer()
    v.page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget] *')")
    expect(v.page.get_by_text("There is no story called “nope”")).to_be_visible()
    frame.locator("a.sm-place").first.click()  # whichever story comes first
    expect(frame.locator(".smv-panel")).to_be_visible()
    expect(v.page.get_by_text("There is no story called “nope”")).to_be_visible()
    expect(v.page.get_by_text("This story names no place called “atlantis”")).to_be_visible()
    expect(v.page.locator('[data-testid="stMainMenu"]')).to_have_count(0)
    expect(v.page.locator('[data-testid="stAppDeployButton"]')).to_have_count(0)


@pytest.mark.parametrize("path", ["/present?story=pakistan-copper", "/editor", "/importer", "/?story=evil"])
def test_a_page_opened_by_its_address_asks_for_nothing_that_is_not_there(visit, path):
    v = visit(path)
    v.page.get_by_role("link", name="Present the story").wait_for()  # the app's own menu: app.py ran
    v.page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget] *')")
    assert not [u for u in v.failed if "tile.openstreetmap.org" not in u], v.failed
    assert not v.errors


def counter(step, steps) -> str:
    """What the tour's counter says at a step: a stop by its marker's number, out of the stops."""
    stops = sum(1 for s in steps if s.stop)
    return f"{step.stop} of {stops}" if step.stop else {"cover": "Cover", "credits": "Credits"}[step.kind]


def test_every_tour_step_opens_by_its_link(browser, server, size, sample_map):
    steps = build_tour(sample_map)
    v = Visit(browser, f"{server}/present?story=pakistan-copper&step=1", size)
    try:
        for step in steps:
            v.page.goto(f"{server}/present?story=pakistan-copper&step={step.number}")
            frame, inner = v.viewer()
            expect(frame.locator(".smv-counter")).to_have_text(counter(step, steps))
            state = inner.evaluate(STATE)
            if step.bounds and step.key is None:  # the cover, the credits: every place
                (south, west), (north, east) = step.bounds
                assert south <= state["lat"] <= north and state["zoom"] <= 3, state
            else:  # a place; an approximate one (the mine, within 30 km) seen whole, in any window
                assert on_step(inner, state, step), (step.number, state)
                expect(frame.locator(".smv-step h3")).to_have_text(step.title)
    finally:
        v.close()


def test_arrow_keys_after_a_click_on_the_map_move_map_and_panel_together(visit, size, sample_map):
    steps = build_tour(sample_map)
    v = visit("/present?story=pakistan-copper", size)
    frame, inner = v.viewer()
    point = inner.evaluate("() => storymap.map.latLngToContainerPoint([-45, -30])")  # the South Atlantic
    box = frame.locator(".smv-map").bounding_box()
    v.page.mouse.click(box["x"] + min(point["x"], box["width"] - 5), box["y"] + min(point["y"], box["height"] - 30))
    assert inner.evaluate("() => document.activeElement === storymap.map.getContainer()")
    for number in (2, 3, 4):
        v.page.keyboard.press("ArrowRight")
        step = steps[number - 1]
        state = settle(inner, f"storymap.step() === {number}")
        assert on_step(inner, state, step), (number, state)
        expect(frame.locator(".smv-step h3")).to_have_text(step.title)
        expect(frame.locator(".smv-counter")).to_have_text(counter(step, steps))
    v.page.keyboard.press("ArrowLeft")
    state = settle(inner, "storymap.step() === 3")
    assert on_step(inner, state, steps[2]), state
    expect(v.page).to_have_url(re.compile(r"[?&]step=3$"))


def test_the_tour_controls_fit_the_window_and_work(visit, size, sample_map):
    steps = build_tour(sample_map)
    phone = size == SIZES["phone"]
    v = visit("/present?story=pakistan-copper", size, touch=phone)
    frame, inner = v.viewer()
    for control in (".smv-prev", ".smv-counter", ".smv-next", ".smv-full", ".smv-steps"):
        assert inside_window(frame.locator(control).bounding_box(), size), control
    assert inside_window(frame.locator(".smv-map").bounding_box(), size)
    assert frame.locator(".smv-num").count() == len(steps) - 2  # every stop's marker carries its number
    assert frame.locator(".smv-step").get_attribute("aria-live") == "polite"
    bar = set()
    for step in steps[1:-1]:  # Next, through the whole tour: each place's view and text
        frame.locator(".smv-next").click()
        state = settle(inner, f"storymap.step() === {step.number}")
        assert on_step(inner, state, step), (step.number, state)
        expect(frame.locator(".smv-step h3")).to_have_text(step.title)
        bar.add(frame.locator(".smv-tour-bar").bounding_box()["height"])
    assert len(bar) == 1, bar  # the bar keeps its height from "9 of 19" to "10 of 19": the text does not jump
    frame.locator(".smv-full").click()  # and in full screen, where the button says more
    expect(frame.locator(".smv-full")).to_have_text("Exit full screen")
    expect(frame.locator(".smv-full")).to_be_in_viewport(ratio=1)
    assert frame.locator(".smv-tour-bar").bounding_box()["height"] in bar
    frame.locator(".smv-full").click()
    expect(frame.locator(".smv-full")).to_have_text("Full screen")
    frame.locator(".smv-next").click()  # and the credits close it
    settle(inner, f"storymap.step() === {len(steps)}")
    expect(frame.locator(".smv-step h3")).to_have_text("Credits")
    expect(frame.locator(".smv-next")).to_be_disabled()
    frame.locator(".smv-prev").click()
    settle(inner, f"storymap.step() === {len(steps) - 1}")
    frame.locator(".smv-steps").select_option("9")  # the list's tenth entry
    state = settle(inner, "storymap.step() === 10")
    assert on_step(inner, state, steps[9]), state
    # Next twice, the second while the map still flies to the first: one flight to step 12, with
    # no zoom animation back to where the first was stopped (it once ran inside the second flight).
    inner.evaluate("() => { window.zooms = 0; storymap.map.on('zoomanim', () => window.zooms++); }")
    frame.locator(".smv-next").click()
    inner.wait_for_function("() => storymap.step() === 11 && !storymap.settled()", polling="raf")
    frame.locator(".smv-next").click()
    state = settle(inner, "storymap.step() === 12")
    assert on_step(inner, state, steps[11]) and inner.evaluate("() => window.zooms") == 0, state
    frame.locator(".smv-steps").select_option("9")
    state = settle(inner, "storymap.step() === 10")
    if phone:  # a swipe across the step's text moves on, and back
        box = frame.locator(".smv-step").bounding_box()
        y = box["y"] + min(40, box["height"] / 2)
        swipe(v.page, box["x"] + box["width"] * 0.8, box["x"] + box["width"] * 0.2, y)
        settle(inner, "storymap.step() === 11")
        swipe(v.page, box["x"] + box["width"] * 0.2, box["x"] + box["width"] * 0.8, y)
        settle(inner, "storymap.step() === 10")


def swipe(page, x0, x1, y):
    """A finger drawn across the screen, through Chromium's own touch input."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y}]})
    for i in range(1, 6):
        cdp.send("Input.dispatchTouchEvent",
                 {"type": "touchMove", "touchPoints": [{"x": x0 + (x1 - x0) * i / 5, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_the_embed_code_fits_its_frame_in_a_host_page(browser, server, size, tmp_path):
    title = "Copper under the frontier"
    host = tmp_path / "host.html"
    host.write_text("<!doctype html><meta name=viewport content='width=device-width'>"
                    "<body style='margin:0;font:16px sans-serif'><h1>A newsroom's page</h1><p>Before the map.</p>"
                    + embed_code(f"{server}/present?story=pakistan-copper&embed=true", title)
                    + "<p>After the map.</p>" * 60 + "</body>", encoding="utf-8")
    v = Visit(browser, host.as_uri(), size)
    try:
        embed = v.page.locator(f'iframe[title="{title}"]')
        embed.scroll_into_view_if_needed()
        outer = v.page.frame_locator(f'iframe[title="{title}"]')
        viewer = outer.frame_locator(VIEWER)
        viewer.locator(".leaflet-marker-icon").first.wait_for(state="attached", timeout=60_000)
        frame_box = embed.bounding_box()
        assert abs(frame_box["width"] - size[0]) < 1  # as wide as the host's column
        app = embed.element_handle().content_frame()
        assert app.evaluate("() => document.scrollingElement.scrollHeight <= innerHeight + 1")  # no scrolling inside
        inner_box = outer.locator(VIEWER).bounding_box()
        assert inner_box["y"] >= frame_box["y"] - 0.5 and \
            inner_box["y"] + inner_box["height"] <= frame_box["y"] + frame_box["height"] + 0.5, (frame_box, inner_box)
        for part in (".leaflet-control-scale", ".leaflet-control-attribution", ".smv-next", ".smv-map"):
            box = viewer.locator(part).first.bounding_box()
            assert box["y"] >= frame_box["y"] - 0.5 and box["y"] + box["height"] <= frame_box["y"] + frame_box["height"] + 0.5, part
        assert outer.locator('[data-testid="stSidebar"]').count() == 0 and outer.locator("h1").count() == 0
        if size == SIZES["desk"]:  # the wheel over the embedded map scrolls the host's page, not the map
            inner = outer.locator(VIEWER).element_handle().content_frame()
            inner.wait_for_function(SETTLED, polling="raf")
            zoom = inner.evaluate("() => storymap.map.getZoom()")
            map_box = viewer.locator(".smv-map").bounding_box()
            scrolled = v.page.evaluate("() => scrollY")
            v.page.mouse.move(map_box["x"] + map_box["width"] / 2, map_box["y"] + map_box["height"] / 2)
            v.page.mouse.wheel(0, 300)
            v.page.wait_for_function(f"() => scrollY > {scrolled}", polling="raf")
            assert inner.evaluate("() => storymap.map.getZoom()") == zoom
    finally:
        v.close()


def open_exported(browser, story_map, size, path) -> Visit:
    """The story exported as one HTML file at ``path``, opened from disk (every request off this
    machine blocked), once its map has settled."""
    path.write_text(export(story_map, "html"), encoding="utf-8")
    v = Visit(browser, path.as_uri(), size)
    v.page.wait_for_function("() => window.storymap && storymap.settled()", polling="raf")
    return v


def test_the_exported_file_works_from_disk_on_a_phone_and_a_desk(browser, size, sample_map, tmp_path):
    path = tmp_path / "story.html"
    v = open_exported(browser, sample_map, size, path)
    try:
        page = v.page
        assert page.locator(".leaflet-marker-icon").count() >= 8
        map_box = page.locator(".smv-map").bounding_box()
        assert map_box["height"] > 250 and inside_window(map_box, size)
        page.locator('a.sm-place[data-place="wana"]').first.click()
        page.wait_for_function("() => storymap.settled() && storymap.place() === 'wana'", polling="raf")
        expect(page.locator(".smv-panel h2")).to_have_text("Wana")
        assert in_map(page, "wana", 10)
        page.get_by_role("button", name="Take the guided tour →").click()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => storymap.settled() && storymap.step() === 2", polling="raf")
        expect(page.locator(".smv-step h3")).to_have_text("Pakistan")
        expect(page).to_have_url(re.compile(r"#step=2$"))
        assert all("tile.openstreetmap.org" in url for _, url in v.blocked), v.blocked
        assert not v.errors
        # The address a reader copies while touring opens the tour at that step (a reload, a link).
        page.goto(path.as_uri() + "#step=4")
        page.reload()
        page.wait_for_function("() => window.storymap && storymap.settled() && storymap.step() === 4", polling="raf")
        expect(page.locator(".smv-step h3")).to_be_visible()
        assert page.locator(".smv-step h3").inner_text() == [s.title for s in build_tour(sample_map)][3]
    finally:
        v.close()


def test_places_have_names_and_answer_the_keyboard(visit):
    v = visit("/?story=pakistan-copper")
    frame, inner = v.viewer()
    assert v.page.locator(VIEWER).get_attribute("title").startswith("Story map: Copper under the frontier")
    wana = frame.locator('.leaflet-marker-icon:has([data-place="wana"])')
    assert wana.get_attribute("role") == "button" and wana.get_attribute("aria-label") == "Wana, City or town"
    mine = frame.locator("path.sm-muhammad-khel-copper-mine")
    assert mine.get_attribute("role") == "button" and mine.get_attribute("aria-label").startswith("Muhammad Khel")
    wana.focus()
    v.page.keyboard.press("Enter")
    expect(frame.locator(".smv-panel h2")).to_have_text("Wana")
    state = settle(inner, "storymap.place() === 'wana'")
    assert state["zoom"] == 11 and in_map(inner, "wana", 10), state  # Enter takes the map there, as a name does
    v.page.keyboard.press("Escape")
    expect(frame.locator(".smv-panel h2")).to_have_count(0)
    expect(frame.locator(".smv-panel")).to_have_class(re.compile(r"\bsmv-empty\b"))
    assert inner.evaluate("() => storymap.place()") is None
    # The viewer writes the address after the frame that answers is drawn: wait for it, not a race.
    expect(v.page).not_to_have_url(re.compile(r"[?&]place="))
    mine.focus()
    v.page.keyboard.press("Enter")
    expect(frame.locator(".smv-panel h2")).to_have_text("Muhammad Khel copper mine")


def test_script_in_a_story_runs_nothing(visit):
    v = visit("/?story=evil")
    frame, inner = v.viewer()
    assert "<script>" in frame.locator(".smv-title").inner_text()
    frame.locator('a.sm-place[data-place="islamabad"]').first.click()
    panel = frame.locator(".smv-panel")
    expect(panel.locator("h2")).to_have_text("Islamabad")
    assert "<script>window.__pwned = 1</script>" in panel.inner_text()
    assert "<script>" in frame.locator(".sm-text").inner_text()
    assert v.page.evaluate("() => window.__pwned") is None
    assert inner.evaluate("() => window.__pwned") is None
    assert v.dialogs == []


@pytest.mark.parametrize("path", ["/?story=pakistan-copper&place=wana", "/present?story=pakistan-copper&step=3"])
def test_an_open_legend_leaves_a_phone_its_zoom_buttons(visit, path):
    # On a phone's short map the opened legend grew up over the zoom control (a new-user session).
    v = visit(path, SIZES["phone"], touch=True)
    frame, _ = v.viewer()
    legend = frame.locator(".sm-legend")
    legend.locator("summary").tap()
    expect(legend).to_have_attribute("open", "")
    zoom, box = frame.locator(".leaflet-control-zoom").bounding_box(), legend.bounding_box()
    assert box["y"] > zoom["y"] + zoom["height"]  # below the zoom buttons, not over them
    frame.locator(".leaflet-control-zoom-out").tap()  # and they still answer a tap


OCEAN_STORY = """---
title: Low water
---
Ferries across the Atlantic ran late. Fires burned west of Denver. In Dakar the harbour was quiet, and on
Java and Luzon farmers waited for rain."""

AREA_PAINTED = """key => { const box = document.querySelector('path.sm-' + key).getBBox();
    return Math.max(box.width, box.height); }"""


def test_an_ocean_at_a_citys_zoom_is_painted_only_where_it_is_in_view(browser, size, gazetteer, tmp_path):
    """An area wider than the window (the Atlantic, 7,700 km, at Dakar's zoom 11) is drawn clipped to
    the view: as one full-size arc, some 340,000 px across, it stalled Chromium's rendering for good,
    and a reader's next place never came."""
    story_map = analyse(parse_story(OCEAN_STORY, "low-water"), gazetteer)
    ocean = next(rp for rp in story_map.places if rp.place.name == "Atlantic Ocean")
    v = open_exported(browser, story_map, size, tmp_path / "ocean.html")
    try:
        page = v.page
        for key in (ocean.key, "dakar", "denver", "java"):  # the ocean whole, then far cities in turn
            page.evaluate("key => storymap.choose(key)", key)
            v.wait(f"() => storymap.settled() && storymap.place() === '{key}'", timeout=15_000)
            expect(page.locator(".smv-panel h2")).to_contain_text(next(
                rp.written_name for rp in story_map.places if rp.key == key))
            if key == "dakar":  # inside the ocean's area: painted no bigger than the map's renderer
                assert page.evaluate(AREA_PAINTED, ocean.key) < 3 * max(size), page.evaluate(AREA_PAINTED, ocean.key)
        assert in_map(page, "java") and not v.errors, v.errors
    finally:
        v.close()
