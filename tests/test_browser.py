"""What a reader sees: the running app in Debian's Chromium, driven by Playwright.

Every request that leaves this machine is blocked, as on a newsroom laptop with
no network: the map must still draw, from files the app serves itself.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "stories" / "pakistan-copper.md"
CHROMIUM = os.environ.get("STORYMAP_CHROMIUM", "/usr/bin/chromium")
EDITOR_PASSWORD = "copper and cobalt"
EVIL = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> `${window.__pwned = 3}`'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(library: Path, database_url: str):
    """`streamlit run app.py` on a free port; returns (url, process)."""
    from storymap.accounts import hash_password

    env = dict(os.environ, STORYMAP_STORIES=str(library), STORYMAP_DATABASE_URL=database_url,
               STORYMAP_EDITORS=f"editor={hash_password(EDITOR_PASSWORD, 1000)}")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            return url, proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    pytest.fail("The app did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])


def stop(proc):
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    library = tmp_path_factory.mktemp("stories")
    shutil.copy(SAMPLE, library / "pakistan-copper.md")
    (library / "evil.md").write_text(
        f"---\ntitle: Evil {EVIL}\ndateline: Islamabad\n---\n"
        f"Officials in Islamabad said {EVIL} nothing.\n\nKarachi stayed calm {EVIL}.\n", encoding="utf-8")
    url, proc = start_server(library, f"sqlite:///{library / 'store.sqlite3'}")
    yield url
    stop(proc)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM)
        yield b
        b.close()


class Visit:
    """A page with outside requests blocked and recorded."""

    def __init__(self, browser, url):
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.blocked: list[tuple[str, str]] = []
        self.failed: list[str] = []
        self.dialogs: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(r.url))
        self.page.goto(url)

    def _route(self, route):
        host = route.request.url.split("/")[2].split(":")[0]
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.blocked.append((route.request.resource_type, route.request.url))
            route.abort()

    def map_frame(self, index=0):
        selector = 'iframe[title*="st_folium"]'
        self.page.locator(selector).nth(index).wait_for(timeout=30_000)
        frame = self.page.frame_locator(selector).nth(index)
        frame.locator(".leaflet-marker-icon").first.wait_for(timeout=30_000)
        handle = self.page.locator(selector).nth(index).element_handle()
        return frame, handle.content_frame()

    def click_place(self, key, center, zoom):
        """Zoom in as a reader would, click the place's marker, return its popup's text."""
        frame, inner = self.map_frame()
        inner.evaluate(f"() => {{ window.map.setView({list(center)}, {zoom}); }}")
        frame.locator(f'[data-place="{key}"]').click()
        popup = frame.locator(".leaflet-popup-content")
        popup.wait_for(timeout=10_000)
        return popup.inner_text(), inner

    def click_place_area(self, key, center):
        """Click the middle of an approximate place's area; return its popup's text."""
        frame, inner = self.map_frame()
        inner.evaluate(f"() => {{ window.map.setView({list(center)}, 9); }}")
        time.sleep(0.5)
        area = frame.locator(f"path.sm-{key}")
        box = area.bounding_box()
        area.click(position={"x": box["width"] / 2, "y": box["height"] / 2}, force=True)
        popup = frame.locator(".leaflet-popup-content")
        popup.wait_for(timeout=10_000)
        return popup.inner_text(), inner

    def close(self):
        self.page.close()


@pytest.fixture
def visit(browser, server):
    opened = []

    def open_(path):
        v = Visit(browser, server + path)
        opened.append(v)
        return v

    yield open_
    for v in opened:
        v.close()


# Country outlines drawn in the background pane (on a canvas: count the outlines, not the pixels).
BACKGROUND_DRAWN = """() => Object.values(window.map._layers).filter(
    l => l.feature && l.options.pane === 'storymap-background').length > 100"""

LAYERS_JS = """() => Object.values(window.map._layers)
    .filter(l => l.getTooltip && l.getTooltip() && l.getLatLng)
    .map(l => ({tip: l.getTooltip().getContent(), lat: l.getLatLng().lat, lng: l.getLatLng().lng,
               radius: l.getRadius ? l.getRadius() : null, marker: !!l._icon}))"""


def test_map_draws_every_place_offline_with_a_background(visit):
    v = visit("/?story=pakistan-copper")
    frame, inner = v.map_frame()
    layers = inner.evaluate(LAYERS_JS)
    by_name = {layer["tip"].split(" · ")[0]: layer for layer in layers}
    assert {"Wana", "Muhammad Khel copper mine", "Islamabad", "China", "Washington", "Hindu Kush"} <= set(by_name)
    wana = by_name["Wana"]
    assert wana["marker"] and abs(wana["lat"] - 32.299) < 0.01 and abs(wana["lng"] - 69.5725) < 0.01
    mine = by_name["Muhammad Khel copper mine"]
    assert not mine["marker"] and mine["radius"] == 30_000  # approximate: an area, not a pin
    assert abs(mine["lat"] - 33.03) < 0.01 and abs(mine["lng"] - 69.8) < 0.01
    # Markers on screen, and the offline background drawn beneath them.
    assert frame.locator(".leaflet-marker-icon").count() >= 8
    inner.wait_for_function(BACKGROUND_DRAWN, timeout=15_000)
    assert frame.locator(".leaflet-storymap-background-pane canvas").count() == 1
    assert frame.locator(".sm-legend").inner_text().startswith("Places")
    # Nothing the map needs came from outside: only tiles were tried (and blocked).
    assert all(kind == "image" and "tile.openstreetmap.org" in url for kind, url in v.blocked), v.blocked
    assert not [u for u in v.failed if "/vendor/" in u], v.failed


def test_clicking_a_marker_shows_its_passage(visit):
    v = visit("/?story=pakistan-copper")
    text, _ = v.click_place("wana", (32.3, 69.57), 11)
    assert "Wana" in text and "City or town" in text and "Cadet College Wana" in text
    # The page answers the click too: the place's detail and its passages.
    v.page.get_by_role("heading", name="Wana").wait_for(timeout=15_000)
    assert "place=wana" in v.page.url
    assert v.page.locator("mark.sm-passage").count() >= 1  # and the text marks what it says about Wana


def test_choosing_a_place_in_the_text_moves_the_map(visit):
    v = visit("/?story=pakistan-copper")
    _, inner = v.map_frame()
    before = inner.evaluate("() => window.map.getCenter()")
    v.page.locator('a.sm-place[data-place="islamabad"]').first.click()
    v.page.wait_for_url("**place=islamabad**", timeout=15_000)
    _, inner = v.map_frame()
    deadline = time.time() + 15
    while time.time() < deadline:
        center = inner.evaluate("() => window.map.getCenter()")
        if abs(center["lat"] - 33.72) < 0.05 and abs(center["lng"] - 73.04) < 0.05:
            break
        time.sleep(0.3)
    assert abs(center["lat"] - 33.72) < 0.05 and abs(center["lng"] - 73.04) < 0.05, (before, center)
    assert v.page.locator("mark.sm-passage").count() >= 1


def test_script_in_a_story_runs_nothing(visit):
    v = visit("/?story=evil")
    text, inner = v.click_place("islamabad", (33.7, 73.0), 9)
    assert "<script>window.__pwned = 1</script>" in text
    v.page.get_by_text("Officials in").first.wait_for(timeout=10_000)
    assert "<script>" in v.page.locator(".sm-text").inner_text()
    time.sleep(1)
    assert v.page.evaluate("() => window.__pwned") is None
    assert inner.evaluate("() => window.__pwned") is None
    assert v.dialogs == []


def test_an_editor_moves_the_mine_by_clicking_the_map_and_readers_see_it(visit):
    v = visit("/editor?story=pakistan-copper")
    page = v.page
    sign_in_and_review(page, "Muhammad Khel copper mine")
    frame, inner = v.map_frame(0)
    editor_map = page.locator('iframe[title*="st_folium"]').first
    editor_map.scroll_into_view_if_needed()
    time.sleep(1)
    box = editor_map.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.4)
    latitude = page.get_by_label("Latitude").first
    deadline = time.time() + 15
    while time.time() < deadline and latitude.input_value() in ("33.03", ""):
        time.sleep(0.3)
    lat, lon = float(latitude.input_value()), float(page.get_by_label("Longitude").first.input_value())
    assert (lat, lon) != (33.03, 69.8)
    page.get_by_label("Note (shown to readers)").first.fill("<script>window.__pwned = 9</script> Site visited in 2026")
    page.get_by_role("button", name="Save", exact=True).first.click()
    page.get_by_role("tab", name="History").click()
    page.get_by_text("edit place").first.wait_for(timeout=20_000)

    r = visit("/?story=pakistan-copper&place=muhammad-khel-copper-mine")
    _, inner = r.map_frame()
    layers = {layer["tip"].split(" · ")[0]: layer for layer in inner.evaluate(LAYERS_JS)}
    mine = layers["Muhammad Khel copper mine"]
    assert abs(mine["lat"] - lat) < 1e-4 and abs(mine["lng"] - lon) < 1e-4
    text, inner = r.click_place_area("muhammad-khel-copper-mine", (lat, lon))
    assert "<script>window.__pwned = 9</script> Site visited in 2026" in text
    assert inner.evaluate("() => window.__pwned") is None and r.page.evaluate("() => window.__pwned") is None


def tour_state(inner):
    return inner.evaluate("() => [window.storymapTourApi.index(), window.map.getCenter(), window.map.getZoom()]")


def wait_for_step(inner, step, timeout=10):
    """The step's view once the map has stopped moving."""
    deadline, last = time.time() + timeout, None
    while time.time() < deadline:
        state = tour_state(inner)
        if state[0] == step and state == last:
            return state[1], state[2]
        last = state
        time.sleep(0.4)
    raise AssertionError(f"the tour did not settle on step {step}: {tour_state(inner)}")


def test_the_tour_steps_with_the_arrow_keys_and_the_map_moves(visit):
    v = visit("/present?story=pakistan-copper")
    _, inner = v.map_frame()
    wait_for_step(inner, 0)
    places = []
    for step in (1, 2, 3):
        v.page.keyboard.press("ArrowRight")
        places.append(wait_for_step(inner, step))
    assert len({(round(c["lat"], 2), round(c["lng"], 2)) for c, _ in places}) == 3  # moved every time
    v.page.keyboard.press("ArrowLeft")
    back, _ = wait_for_step(inner, 2)
    assert (round(back["lat"], 2), round(back["lng"], 2)) == (round(places[1][0]["lat"], 2), round(places[1][0]["lng"], 2))
    panel = v.page.frame_locator('iframe[title*="st_folium"]').first.locator(".sm-tour-panel")
    assert panel.inner_text().strip() and "3 / " in v.page.frame_locator('iframe[title*="st_folium"]').first.locator(
        ".sm-tour-counter").inner_text()
    assert "step=2" in v.page.url  # the address keeps the step


def test_a_deep_link_opens_its_step(visit):
    v = visit("/present?story=pakistan-copper&step=5")
    _, inner = v.map_frame()
    center, zoom = wait_for_step(inner, 5)
    step = inner.evaluate("() => window.storymapTourApi.index()")
    assert step == 5 and zoom >= 5 and abs(center["lat"]) > 0


def test_the_embed_view_has_no_sidebar_or_chrome(visit):
    v = visit("/present?story=pakistan-copper&embed=true&height=400")
    v.map_frame()
    assert v.page.locator('[data-testid="stSidebar"]').count() == 0
    assert not v.page.get_by_text("Deploy").is_visible()
    assert v.page.locator("h1").count() == 0
    assert v.page.locator('iframe[title*="st_folium"]').bounding_box()["height"] <= 420


def test_exported_html_works_from_disk_with_the_network_blocked(browser, tmp_path):
    from storymap.analysis import analyse
    from storymap.articles import load_story
    from storymap.export import export

    path = tmp_path / "story.html"
    path.write_text(export(analyse(load_story(SAMPLE)), "html"), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    outside = []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
               else (outside.append(r.request.url), r.abort()))
    page.goto(path.as_uri())
    page.locator(".leaflet-marker-icon").first.wait_for(timeout=10_000)
    assert page.locator(".leaflet-marker-icon").count() >= 8
    page.wait_for_function(BACKGROUND_DRAWN.replace("window.map", "Object.values(window).find(v => v instanceof L.Map)"))
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.storymapTourApi.index() === 1")
    assert page.locator(".sm-tour-panel h3").inner_text() == "Pakistan"
    page.locator('a.sm-place[data-place="wana"]').first.click()
    page.wait_for_function("() => document.querySelector('.sm-tour-panel h3').textContent === 'Wana'")
    assert all("tile.openstreetmap.org" in u for u in outside), outside
    page.close()


def sign_in_and_review(page, place):
    page.get_by_label("Name").fill("editor")
    page.get_by_role("textbox", name="Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Review a place").wait_for(timeout=20_000)
    page.locator('[data-testid="stSelectbox"]', has_text="Review a place").click()
    page.get_by_role("option", name=place, exact=True).click()
    page.get_by_text("Click the map to set the position.").wait_for(timeout=20_000)


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
        editor.page.get_by_label("Note (shown to readers)").first.fill("Saved through the first process")
        editor.page.get_by_role("button", name="Save", exact=True).first.click()
        editor.page.get_by_role("tab", name="History").click()
        editor.page.get_by_text("edit place").first.wait_for(timeout=20_000)
        reader = Visit(browser, f"{second}/?story=pakistan-copper")
        text, _ = reader.click_place("wana", (32.3, 69.57), 11)
        assert "Saved through the first process" in text
        editor.close()
        reader.close()
    finally:
        stop(p1)
        stop(p2)
