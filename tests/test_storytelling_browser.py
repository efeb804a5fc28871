"""The tour as a story in Chromium (issue 18): the cover first with the title on screen, the stops'
numbers on their markers, the line through them, the locator inset at a zoomed-in step, the credits
last; in the app's presenter and in the exported file, at a desk's window size and a phone's.

Screenshots of each are written to /tmp/storymap-shots (for a person to look at; nothing reads them).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from storymap.export import export
from storymap.routes import point_count
from storymap.tours import build_tour, tour_route
from tests.browsing import SIZES, Visit

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/storymap-shots")
SETTLED = "() => storymap.settled() && storymap.step() === {}"


def inside(box, outer, slack=0.5):
    return box and outer and box["x"] >= outer["x"] - slack and box["y"] >= outer["y"] - slack \
        and box["x"] + box["width"] <= outer["x"] + outer["width"] + slack \
        and box["y"] + box["height"] <= outer["y"] + outer["height"] + slack


def overlaps(a, b):
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and \
        a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def go_to(scope, inner, number):
    """Choose step ``number`` in the tour's list of steps, as a presenter does, and wait for the map."""
    scope.locator(".smv-steps").select_option(str(number - 1))
    inner.wait_for_function(SETTLED.format(number), polling="raf", timeout=15_000)


def check_tour(page, scope, inner, sample_map, size, name):
    """The cover, the numbers, the line, the inset and the credits, in a tour shown in ``scope``."""
    SHOTS.mkdir(exist_ok=True)
    steps = build_tour(sample_map)
    window = {"x": 0, "y": 0, "width": size[0], "height": size[1]}
    inner.wait_for_function(SETTLED.format(1), polling="raf", timeout=15_000)
    # The cover is the first step, the story's title on screen.
    expect(scope.locator(".smv-counter")).to_have_text("Cover")  # the stops are counted by their markers
    title = scope.locator(".smv-step .sm-cover h3")
    expect(title).to_have_text(sample_map.story.title)
    assert inside(title.bounding_box(), window), title.bounding_box()
    expect(scope.locator(".smv-step .sm-dateline")).to_have_text("South Waziristan, Pakistan · 3 February 2026")
    # The line through the stops, every point of it (no point smoothed or clipped away).
    route = scope.locator("path.smv-route")
    expect(route).to_have_count(1)
    d = route.get_attribute("d")
    assert len(re.findall(r"[ML]", d)) == point_count(tour_route(sample_map)), d[:200]
    assert d.count("M") == len(tour_route(sample_map))  # a part each side of the antimeridian
    # Each stop's number on its marker, in tour order; none on the cover's world view (they pile up there).
    numbers = scope.locator(".smv-num")
    expect(numbers).to_have_count(len(steps) - 2)
    texts = numbers.evaluate_all("ns => ns.map(n => n.textContent)")
    assert sorted(int(n) for n in texts) == list(range(1, len(steps) - 1))
    for n in numbers.all():  # hidden once the cover has drawn: wait for it, do not sample it
        expect(n).to_be_hidden()
    expect(scope.locator(".smv-inset")).to_be_hidden()  # a world's view needs no locator
    page.screenshot(path=str(SHOTS / f"{name}-cover.png"))

    # A zoomed-in step: its number beside its marker, the inset in the corner showing where it is.
    wana = next(s for s in steps if s.key == "wana")
    go_to(scope, inner, wana.number)
    badge = scope.locator(".smv-num", has_text=re.compile(rf"^{wana.stop}$"))
    expect(badge).to_be_visible()
    marker = scope.locator('.leaflet-marker-icon:has([data-place="wana"])').bounding_box()
    assert abs(badge.bounding_box()["x"] - (marker["x"] + marker["width"])) < 12  # beside its marker
    expect(scope.locator(".smv-step .sm-stop")).to_have_text(str(wana.stop))
    stops = sum(1 for s in steps if s.stop)  # the counter and the list name the stop as its marker does
    expect(scope.locator(".smv-counter")).to_have_text(f"{wana.stop} of {stops}")
    expect(scope.locator(".smv-steps option:checked")).to_have_text(f"{wana.stop}. Wana")
    inset = scope.locator(".smv-inset")
    expect(inset).to_be_visible()
    map_box, inset_box = scope.locator(".smv-map").bounding_box(), inset.bounding_box()
    assert inside(inset_box, map_box) and inside(inset_box, window)
    assert inset_box["width"] <= (100 if size == SIZES["phone"] else 160)  # a corner, not a second map
    assert not overlaps(inset_box, marker)  # it never hides the step's place
    assert inset_box["width"] * inset_box["height"] < 0.08 * map_box["width"] * map_box["height"]
    # The inset is centred on where the map is: its dot (the last shape drawn on it) in the middle,
    # over the country outlines (its canvas).
    expect(inset.locator("canvas")).to_have_count(1)
    dot = inset.locator("svg path").last.bounding_box()
    assert abs(dot["x"] + dot["width"] / 2 - (inset_box["x"] + inset_box["width"] / 2)) < 3, (dot, inset_box)
    assert abs(dot["y"] + dot["height"] / 2 - (inset_box["y"] + inset_box["height"] / 2)) < 3, (dot, inset_box)
    page.screenshot(path=str(SHOTS / f"{name}-zoomed.png"))

    # The credits are the last step.
    go_to(scope, inner, len(steps))
    expect(scope.locator(".smv-step h3")).to_have_text("Credits")
    credits = scope.locator(".sm-credits").inner_text()
    assert "Storymap sample story" in credits and "GeoNames" in credits and "Natural Earth" in credits
    expect(scope.locator(".smv-next")).to_be_disabled()
    expect(scope.locator(".smv-inset")).to_be_hidden()
    page.screenshot(path=str(SHOTS / f"{name}-credits.png"))


@pytest.fixture(params=list(SIZES))
def size_name(request):
    return request.param


def test_the_presenter_tells_the_story_from_cover_to_credits(visit, size_name, sample_map):
    size = SIZES[size_name]
    v = visit("/present?story=pakistan-copper", size, touch=size_name == "phone")
    frame, inner = v.viewer()
    check_tour(v.page, frame, inner, sample_map, size, f"present-{size_name}")
    assert not v.errors


def test_the_exported_file_tells_it_the_same_way(browser, size_name, sample_map, tmp_path):
    size = SIZES[size_name]
    path = tmp_path / "story.html"
    path.write_text(export(sample_map, "html"), encoding="utf-8")
    v = Visit(browser, path.as_uri(), size)
    try:
        v.page.wait_for_function("() => window.storymap && storymap.settled()", polling="raf")
        v.page.get_by_role("button", name="Take the guided tour →").click()
        check_tour(v.page, v.page, v.page.main_frame, sample_map, size, f"export-{size_name}")
        assert all("tile.openstreetmap.org" in url for _, url in v.blocked), v.blocked
        assert not v.errors
    finally:
        v.close()
