"""Speed and memory of Storymap's core, printed as a table: `make bench`.

Measures the world gazetteer (first build, then warm load from the cache),
reading the sample story (geoparse + figures), what the newsroom's home costs an
import (learned from a store of fifty stories), building the map for synthetic
stories of 100, 1,000 and 10,000 places, and, in headless Chromium, the time
until such a map shows its markers and a click opens a popup. Beside the map
figures stands the naive way (a folium.Marker per place) done in the same run,
as a ratio.

Then the running app: the sample story's reader from a cold start and warm, the
app's peak memory, an atlas story of about 1,000 places drawn beside the naive
Streamlit page (benchmarks/naive_page.py), and the reader's clicks that need no
server (a name in the text to the map moving, a marker to its passage), timed in
the browser at 19 and about 1,000 places, beside today's way: the naive page's
click to text, through a Streamlit rerun.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import exported_media  # noqa: E402  (benchmarks/, beside this file)
from storymap import assets  # noqa: E402
from storymap.analysis import StoryMap, analyse  # noqa: E402
from storymap.articles import load_story, parse_story  # noqa: E402
from storymap.gazetteer import build_gazetteer, default_gazetteer  # noqa: E402
from storymap.geoparsing import geoparse  # noqa: E402
from storymap.places import CITY, Mention, Place, ResolvedPlace  # noqa: E402
from storymap.maps import build_map  # noqa: E402

CHROMIUM = os.environ.get("STORYMAP_CHROMIUM", "/usr/bin/chromium")
SAMPLE = ROOT / "data" / "stories" / "pakistan-copper.md"


def timed(fn, repeat=1):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def gazetteer_cold() -> float:
    """First build, in a fresh process with an empty cache directory."""
    with tempfile.TemporaryDirectory() as cache:
        code = ("import time; t=time.perf_counter(); from storymap.gazetteer import build_gazetteer; "
                "build_gazetteer(); print(time.perf_counter()-t)")
        out = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, STORYMAP_CACHE=cache),
                             cwd=ROOT, capture_output=True, text=True, check=True)
        return float(out.stdout.strip())


def synthetic(n: int) -> StoryMap:
    rng = random.Random(n)
    story = parse_story("Synthetic story.")
    places = [ResolvedPlace(f"p{i}", Place(f"x:{i}", f"Place {i}", CITY, rng.uniform(-60, 70), rng.uniform(-180, 180)),
                            [Mention(0, 9, "Synthetic")], 1.0, "synthetic") for i in range(n)]
    return StoryMap(story, places, [], story.sentences())


def naive_map(story_map: StoryMap, inline) -> str:
    """The naive way: one folium.Marker per place, default options (Leaflet inlined to run offline)."""
    import folium
    from branca.element import Element

    m = folium.Map(location=(20, 0), zoom_start=2, tiles=None)
    m.default_js, m.default_css = [], []
    m.get_root().header.add_child(Element(f"<script>{inline.inline_js[0]}</script>"), name="leaflet")
    m.get_root().header.add_child(Element(f"<style>{inline.inline_css[0]}</style>"), name="leaflet_css")
    for rp in story_map.places:
        folium.Marker((rp.place.lat, rp.place.lon), tooltip=rp.place.name).add_to(m)
    return m.get_root().render()


# The marker a benchmark clicks: an unclustered marker whose centre lies in the map and in the
# window, is not covered there by anything else, and has not moved since the previous frame (so
# no zoom, pan or cluster animation is under way). It is given the attribute data-bench-target.
# With window.__benchMarker set, only that marker counts.
_CLICK_TARGET = """() => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    let found = null;
    if (map && !document.querySelector('.leaflet-cluster-anim, .leaflet-zoom-anim')) {
        const box = map.getContainer().getBoundingClientRect();
        const left = Math.max(box.left, 0), top = Math.max(box.top, 0);
        const right = Math.min(box.right, window.innerWidth), bottom = Math.min(box.bottom, window.innerHeight);
        const known = window.__benchMarker;
        const icons = known ? (known._icon ? [known._icon] : [])
                            : document.querySelectorAll('.leaflet-marker-icon:not(.marker-cluster)');
        for (const icon of icons) {
            const r = icon.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
            if (x > left && x < right && y > top && y < bottom && icon.contains(document.elementFromPoint(x, y))) {
                found = icon;
                break;
            }
        }
    }
    const r = found && found.getBoundingClientRect(), where = r && r.left + ',' + r.top;
    const steady = found !== null && found === window.__benchLast && where === window.__benchWhere;
    window.__benchLast = found;
    window.__benchWhere = where;
    if (steady) found.setAttribute('data-bench-target', '');
    return steady;
}"""

# No marker to click on screen (all clustered at this zoom, say): centre the map on the first
# place's marker, at the first zoom where it stands alone (its cluster opened, as clicks would
# open it). The cluster group keeps, in marker.__parent, the deepest cluster holding the marker
# (what its own zoomToShowLayer relies on).
_SHOW_A_MARKER = """() => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    let group = null, marker = null;
    map.eachLayer(layer => {
        if (L.MarkerClusterGroup && layer instanceof L.MarkerClusterGroup) group = group || layer;
        else if (layer instanceof L.Marker) marker = marker || layer;
    });
    let zoom = map.getZoom();
    if (group) {
        marker = group.getLayers().reduce((a, b) => L.stamp(a) < L.stamp(b) ? a : b);
        const clustered = marker.__parent && marker.__parent._zoom;
        const alone = Number.isFinite(clustered) ? clustered + 1 : map.getMaxZoom();
        zoom = Math.min(map.getMaxZoom(), Math.max(zoom, alone));
    }
    if (!marker) throw new Error('no marker on the map');
    window.__benchMarker = marker;
    map.setView(marker.getLatLng(), zoom, {animate: false});
}"""


# Every place on the map: a cluster group adds its markers in chunks, after the first are drawn.
_ALL_PLACED = """places => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    let group = null;
    map.eachLayer(layer => { if (L.MarkerClusterGroup && layer instanceof L.MarkerClusterGroup) group = layer; });
    return !group || group.getLayers().length >= places;
}"""


def click_target(page, places: int, timeout_ms: float = 30_000):
    """A marker on screen that a click reaches, once all ``places`` are on the map: found, and
    brought into view if need be, without clicking anything and without fixed sleeps."""
    page.wait_for_function(_ALL_PLACED, arg=places, polling="raf", timeout=120_000)
    page.evaluate(_CLICK_TARGET)  # one look: is a marker on screen already?
    if not page.evaluate("() => window.__benchLast !== null"):
        page.evaluate(_SHOW_A_MARKER)
    page.wait_for_function(_CLICK_TARGET, polling="raf", timeout=timeout_ms)
    return page.locator("[data-bench-target]")


def browser_rows(pages: dict) -> list[tuple[str, str, str]]:
    """Time until the markers (or clusters) are on screen, and from a click to its popup."""
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        for n, (ours, naive) in pages.items():
            times = {}
            for name, html in (("storymap", ours), ("naive", naive)):
                path = Path(folder) / f"{name}-{n}.html"
                path.write_text(html, encoding="utf-8")
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
                start = time.perf_counter()
                page.goto(path.as_uri(), wait_until="load", timeout=180_000)  # 10,000 naive markers load slowly
                page.wait_for_function("() => document.querySelectorAll('.leaflet-marker-icon').length > 0 && "
                                       "!document.querySelector('.leaflet-marker-icon.leaflet-cluster-anim')",
                                       polling="raf", timeout=120_000)
                drawn = time.perf_counter() - start
                marker = click_target(page, n)
                start = time.perf_counter()
                marker.click(force=True)  # click_target has seen it on screen, steady and uncovered
                target = ".leaflet-popup-content" if name == "storymap" else ".leaflet-tooltip"
                page.locator(target).first.wait_for(timeout=30_000)
                times[name] = (drawn, time.perf_counter() - start)
                page.close()
            (d, c), (nd, nc) = times["storymap"], times["naive"]
            rows.append((f"Chromium, {n:,} places: markers on screen", f"{d:.2f} s", f"naive {nd:.2f} s, naive/ours {nd / d:.1f}"))
            rows.append((f"Chromium, {n:,} places: click to popup", f"{c * 1000:.0f} ms",
                         f"naive hover tooltip {nc * 1000:.0f} ms"))
        browser.close()
    return rows


VIEWER = 'iframe[title^="Story map"]'

# The reader's viewer has drawn its story: every place on the map (a cluster group adds its
# markers in chunks), the opening view set, nothing moving.
_VIEWER_DRAWN = """places => {
    const sm = window.storymap;
    if (!sm || !sm.settled() || document.querySelector('.leaflet-cluster-anim')) return false;
    const map = sm.map, layers = Object.values(map.storymapLayers || {});
    if (layers.length < places) return false;
    if (map.storymapCluster) {
        return map.storymapCluster.getLayers().length >= places && !!document.querySelector('.leaflet-marker-icon');
    }
    return layers.every(layer => map.hasLayer(layer) && (layer._icon || layer._path));
}"""


def viewer(page, places: int, timeout_ms: float = 120_000):
    """The reader's viewer frame, once its map carries all ``places`` and has settled."""
    frame = page.locator(VIEWER).first
    frame.wait_for(timeout=timeout_ms)
    inner = frame.element_handle().content_frame()
    inner.wait_for_function(_VIEWER_DRAWN, arg=places, polling="raf", timeout=timeout_ms)
    return inner


# The places a benchmark clicks, ``count`` of them spread through the story: names in the text
# whose click moves the map (in a clustered map, places not drawn on screen in the opening view),
# and places drawn as markers.
_CANDIDATES = """count => {
    const map = storymap.map, layers = map.storymapLayers, keys = Object.keys(layers);
    const bounds = map.getBounds();
    const linked = key => document.querySelector('a.sm-place[data-place="' + CSS.escape(key) + '"]');
    const offScreen = key => !(layers[key]._icon && bounds.contains(layers[key].getLatLng()));
    const spread = list => list.filter((_, i) => i % Math.max(1, Math.floor(list.length / count)) === 0)
                               .slice(0, count);
    return {names: spread(keys.filter(k => linked(k) && (!map.storymapCluster || offScreen(k)))),
            markers: spread(keys.filter(k => layers[k] instanceof L.Marker))};
}"""

# Back to where the reader starts: no place chosen (no panel, no popup, the map at its full
# size), no tooltip open, the opening view.
_RESET = """view => {
    storymap.choose(null);
    storymap.map.eachLayer(layer => layer.closeTooltip && layer.closeTooltip());
    if (view) storymap.map.setView(view.center, view.zoom, {animate: false});
}"""

# Bring one place's marker on screen, alone: in a clustered map as the cluster group itself
# would (zoomToShowLayer); otherwise centred, at the first zoom where no other marker is drawn
# within 32 pixels of it. _CLICK_TARGET then waits for it to stand still, uncovered.
_SHOW_MARKER = """key => {
    const map = storymap.map, layer = map.storymapLayers[key];
    window.__benchMarker = layer;
    window.__benchLast = undefined;
    document.querySelectorAll('[data-bench-target]').forEach(n => n.removeAttribute('data-bench-target'));
    if (map.storymapCluster) { map.storymapCluster.zoomToShowLayer(layer); return; }
    const others = Object.values(map.storymapLayers).filter(l => l !== layer && l instanceof L.Marker);
    const crowded = zoom => others.some(
        other => map.project(other.getLatLng(), zoom).distanceTo(map.project(layer.getLatLng(), zoom)) < 32);
    let zoom = map.getZoom();
    while (zoom < map.getMaxZoom() && crowded(zoom)) zoom++;
    map.setView(layer.getLatLng(), zoom, {animate: false});
}"""

# Measured in the viewer itself, so the figure is the browser's own latency and not Playwright's
# round trips. From the click (its event's time stamp, when the input reached the page; the
# window sees it first, in the capture phase) to, for a name, the map's 'movestart' and, for a
# marker, the moment the panel shows the place's name and passage; and to the first frame drawn
# after that (the rendering step of the next animation frame, which a message posted from its
# requestAnimationFrame callback waits out).
_PROBE = """([what, name, passage]) => {
    const map = storymap.map, panel = document.querySelector('.smv-panel');
    const probe = window.__benchProbe = {what, click: null, reached: null, painted: null};
    const reached = () => {
        probe.reached = performance.now();
        requestAnimationFrame(() => {
            const channel = new MessageChannel();
            channel.port1.onmessage = () => { probe.painted = performance.now(); };
            channel.port2.postMessage(null);
        });
    };
    const shown = () => !panel.hidden && panel.querySelector('h2') && panel.querySelector('h2').textContent === name
        && [...panel.querySelectorAll('blockquote')].some(q => q.textContent.includes(passage));
    window.addEventListener('click', event => {
        const now = performance.now();
        probe.click = event.timeStamp > 0 && event.timeStamp <= now ? event.timeStamp : now;
        if (what === 'name') { map.once('movestart', reached); return; }
        const watch = new MutationObserver(() => { if (shown()) { watch.disconnect(); reached(); } });
        watch.observe(panel, {childList: true, subtree: true, characterData: true, attributes: true});
    }, {capture: true, once: true});
}"""


def reader_clicks(page, story_map: StoryMap, repeats: int = 5) -> tuple[dict[str, list], list[str]]:
    """Clicks a reader makes that need no server: on a name in the text (to the map moving) and on a
    marker (to its passage in the panel), each on ``repeats`` places of the viewer's story.
    Returns, per kind, (ms to the answer in the page, ms to the next frame drawn) for each click, and
    the keys of the markers clicked."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    frame = page.locator(VIEWER).first
    inner = frame.element_handle().content_frame()
    links = page.frame_locator(VIEWER).first
    opening = inner.evaluate("() => { const m = storymap.map, c = m.getCenter();"
                             " return {center: [c.lat, c.lng], zoom: m.getZoom()}; }")
    picked = inner.evaluate(_CANDIDATES, repeats)
    times: dict[str, list[tuple[float, float]]] = {"name": [], "marker": []}

    def measured(what: str) -> tuple[float, float]:
        try:
            inner.wait_for_function("() => window.__benchProbe.painted !== null", polling="raf", timeout=10_000)
        except PlaywrightTimeout:
            raise RuntimeError(f"a click on {what} had no answer in the viewer within 10 s") from None
        probe = inner.evaluate("() => window.__benchProbe")
        return probe["reached"] - probe["click"], probe["painted"] - probe["click"]

    page.mouse.move(1, 1)  # the pointer off the map: no tooltip opens but on the marker clicked
    for key in picked["names"]:
        rp = story_map.place(key)
        inner.evaluate(_RESET, opening)
        inner.wait_for_function("() => storymap.settled() && !document.querySelector('.leaflet-cluster-anim')",
                                polling="raf", timeout=30_000)
        link = links.locator(f'a.sm-place[data-place="{key}"]').first
        link.scroll_into_view_if_needed()
        inner.evaluate(_PROBE, ["name", rp.written_name, ""])
        link.click()
        times["name"].append(measured(f"the name {rp.written_name}"))
        inner.wait_for_function(f"() => storymap.settled() && storymap.place() === {json.dumps(key)}",
                                polling="raf", timeout=30_000)
    for key in picked["markers"]:
        rp = story_map.place(key)
        passage = story_map.passages(rp)[0].text
        page.mouse.move(1, 1)
        inner.evaluate(_RESET, None)
        inner.evaluate(_SHOW_MARKER, key)
        inner.wait_for_function(f"() => {{ const still = ({_CLICK_TARGET})(); return still && storymap.settled(); }}",
                                polling="raf", timeout=30_000)
        x, y = inner.evaluate("() => { const r = document.querySelector('[data-bench-target]').getBoundingClientRect();"
                              " return [r.x + r.width / 2, r.y + r.height / 2]; }")
        box = frame.bounding_box()
        x, y = box["x"] + x, box["y"] + y
        size = page.viewport_size
        if not (0 < x < size["width"] and 0 < y < size["height"]) or \
                page.evaluate("([x, y]) => document.elementFromPoint(x, y).tagName", [x, y]) != "IFRAME":
            raise RuntimeError(f"the marker of {rp.written_name} is not on screen at ({x:.0f}, {y:.0f})")
        inner.evaluate(_PROBE, ["marker", rp.written_name, passage])
        page.mouse.click(x, y)
        times["marker"].append(measured(f"the marker of {rp.written_name}"))
        chosen = inner.evaluate("() => storymap.place()")
        if chosen != key:
            raise RuntimeError(f"a click on the marker of {rp.written_name} chose {chosen}")
    return times, picked["markers"]


def app_rows() -> list[tuple[str, str, str]]:
    """The running app: the sample story's reader page from a cold start, then warm, and the memory."""
    import shutil

    from playwright.sync_api import sync_playwright

    from tests.browsing import start_server, stop

    os.environ["STORYMAP_TILES"] = "none"
    folder = Path(tempfile.mkdtemp())
    shutil.copy(SAMPLE, folder)
    places = len(analyse(load_story(SAMPLE), default_gazetteer()).places)
    launched = time.perf_counter()
    base, proc = start_server(folder, f"sqlite:///{folder / 'store.sqlite3'}")
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("http://127.0.0.1") else r.abort())
            page.goto(f"{base}/?story=pakistan-copper")
            viewer(page, places)
            rows.append(("app: sample story drawn, from a cold start", f"{time.perf_counter() - launched:.1f} s",
                         f"process start, store seeded, story geoparsed, its {places} places on the map"))
            start = time.perf_counter()
            page.reload()
            viewer(page, places)
            rows.append(("app: sample story drawn, warm", f"{time.perf_counter() - start:.2f} s", "a new visit"))
            browser.close()
        status = Path(f"/proc/{proc.pid}/status")
        if status.exists():
            peak = next(line.split()[1] for line in status.read_text().splitlines() if line.startswith("VmHWM"))
            rows.append(("app process peak memory", f"{int(peak) / 1024:.0f} MB", "after the visits above"))
    finally:
        stop(proc)
        shutil.rmtree(folder, ignore_errors=True)
    return rows


def atlas_story(folder: Path, n: int) -> Path:
    """A story naming ``n`` distinct large cities, one sentence each: a long investigation's worth of places."""
    from storymap.lexicon import load_lexicon
    from storymap.places import CITY

    gaz, lexicon = default_gazetteer(), load_lexicon()
    names, seen = [], set()
    rows = sorted((r for r in gaz._rows if len(r) > 2 and r[2] == CITY and r[7] > 150_000), key=lambda r: -r[7])
    for row in rows:
        name = row[1]
        key = name.lower()
        if not name.isalpha() or key in seen or key in lexicon.not_places or key in lexicon.demonyms:
            continue
        if gaz.lookup(name)[0].id == row[0]:
            seen.add(key)
            names.append(name)
        if len(names) == n:
            break
    path = folder / "atlas.md"
    path.write_text("---\ntitle: An atlas of copper towns\n---\n"
                    + "\n\n".join(f"Copper traders met in {name} this week." for name in names), encoding="utf-8")
    return path


def local_news_text(sentences: int = 3_000) -> str:
    """A long, dense local-news text: each sentence a US town and a county, picked at random
    (seeded) from the gazetteer's. Every name has dozens of namesakes, so it is the worst case
    for relating each place to the story's others."""
    gaz = default_gazetteer()
    counties = sorted({r[1] for r in gaz._rows if r[0].startswith("fips:")})
    towns = sorted({r[1] for r in gaz._rows if len(r) > 7 and r[5] == "US" and r[2] == CITY and r[7] > 20_000})
    rng = random.Random(3)
    return " ".join(f"Officials in {rng.choice(towns)} met crews from {rng.choice(counties)} on Monday."
                    for _ in range(sentences))


def naive_places(story_map: StoryMap) -> list[dict]:
    """What the naive page shows of each place: its name, where it is, its passages."""
    return [{"name": rp.place.name, "lat": rp.place.lat, "lon": rp.place.lon,
             "text": " ".join(s.text for s in story_map.passages(rp))} for rp in story_map.places]


def naive_clicks(page, story_map: StoryMap, keys: list[str]) -> list[float]:
    """Today's way, on the naive Streamlit page: seconds from a click on a place's circle until its
    text is in the page, which takes a Streamlit rerun (timed from Playwright, as a reader sees it)."""
    frame = page.locator('iframe[title*="st_folium"]').first
    inner = frame.element_handle().content_frame()
    times = []
    for key in keys:
        place = story_map.place(key).place
        frame.scroll_into_view_if_needed()
        box = frame.bounding_box()
        # Where the place's circle is drawn, in the frame; zoomed in until no neighbour covers it.
        find = f"""() => {{
            for (const layer of Object.values(window.map._layers)) {{
                const el = layer._icon || layer._path;
                if (el && layer.getLatLng && layer.getLatLng().distanceTo([{place.lat}, {place.lon}]) < 50) {{
                    const r = el.getBoundingClientRect();
                    return [r.x + r.width / 2, r.y + r.height / 2];
                }}
            }}
            return null;
        }}"""
        rect = None
        for zoom in (12, 14, 16, 18):
            inner.evaluate(f"() => {{ window.map.setView([{place.lat}, {place.lon}], {zoom}); }}")
            page.wait_for_timeout(800)  # streamlit-folium reports the new view to the server: let that rerun pass
            rect = inner.evaluate(find)
            if rect:
                break
        if rect is None:
            raise RuntimeError(f"naive page: the circle of {place.name} is not on the map")
        start = time.perf_counter()
        page.mouse.click(box["x"] + rect[0], box["y"] + rect[1])
        page.get_by_role("heading", name=place.name, exact=True).wait_for(timeout=60_000)
        times.append(time.perf_counter() - start)
    return times


def page_rows(n: int = 1_000) -> list[tuple[str, str, str]]:
    """Storymap's reader against the naive Streamlit page (benchmarks/naive_page.py, today's way):
    time until the map of an atlas story of about ``n`` places is drawn; then the clicks a reader
    makes, at the sample story's 19 places and the atlas's, answered in the browser by the viewer
    and through a Streamlit rerun by the naive page."""
    import shutil
    import socket
    import statistics
    import urllib.request

    from playwright.sync_api import sync_playwright

    from tests.browsing import start_server, stop

    os.environ["STORYMAP_TILES"] = "none"
    folder = Path(tempfile.mkdtemp())
    shutil.copy(SAMPLE, folder)
    stories = {"sample": analyse(load_story(SAMPLE), default_gazetteer()),
               "atlas": analyse(load_story(atlas_story(folder, n)), default_gazetteer())}
    atlas = stories["atlas"]
    naive_json = folder / "naive.json"
    naive_json.write_text(json.dumps(naive_places(atlas)), encoding="utf-8")
    base, app = start_server(folder, f"sqlite:///{folder / 'store.sqlite3'}")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        naive_port = sock.getsockname()[1]
    naive = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "benchmarks" / "naive_page.py"), "--server.port",
         str(naive_port), "--server.address", "127.0.0.1", "--server.headless", "true",
         "--server.enableStaticServing", "false"],
        cwd=ROOT, env=dict(os.environ, STORYMAP_NAIVE_PLACES=str(naive_json),
                           STORYMAP_NAIVE_VENDOR=f"{base}{assets.STATIC_URL}"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    naive_url = f"http://127.0.0.1:{naive_port}/"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{naive_url}_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    naive_drawn = f"() => document.querySelectorAll('path.leaflet-interactive').length >= {len(atlas.places)}"
    drawn, clicks, today = {}, {}, {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM)

            def new_page():
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("http://127.0.0.1")
                           else r.abort())
                return page

            # The atlas drawn, both ways, each measured warm (its second visit).
            page = new_page()
            page.goto(f"{base}/?story=atlas")
            viewer(page, len(atlas.places))
            start = time.perf_counter()
            page.reload()
            viewer(page, len(atlas.places))
            drawn["storymap"] = time.perf_counter() - start
            clicks["atlas"], keys = reader_clicks(page, atlas)
            page.close()
            page = new_page()
            page.goto(naive_url)
            page.frame_locator('iframe[title*="st_folium"]').first.locator(".leaflet-container").wait_for(
                state="attached", timeout=120_000)
            start = time.perf_counter()
            page.reload()
            frame = page.locator('iframe[title*="st_folium"]').first
            frame.wait_for(timeout=120_000)
            frame.element_handle().content_frame().wait_for_function(naive_drawn, polling="raf", timeout=120_000)
            drawn["naive"] = time.perf_counter() - start
            today["atlas"] = naive_clicks(page, atlas, keys[:3])
            page.close()

            # The sample story's reader, then the naive page with the same places.
            sample = stories["sample"]
            page = new_page()
            page.goto(f"{base}/?story=pakistan-copper")
            viewer(page, len(sample.places))
            clicks["sample"], keys = reader_clicks(page, sample)
            page.close()
            naive_json.write_text(json.dumps(naive_places(sample)), encoding="utf-8")
            page = new_page()
            page.goto(naive_url)
            frame = page.locator('iframe[title*="st_folium"]').first
            frame.wait_for(timeout=120_000)
            frame.element_handle().content_frame().wait_for_function(
                f"() => document.querySelectorAll('path.leaflet-interactive').length >= {len(sample.places)}",
                polling="raf", timeout=120_000)
            today["sample"] = naive_clicks(page, sample, keys[:3])
            page.close()
            browser.close()
    finally:
        stop(app)
        naive.terminate()
        naive.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)

    rows = [(f"app, story of {len(atlas.places):,} places: map drawn", f"{drawn['storymap']:.2f} s",
             f"naive page {drawn['naive']:.2f} s, naive/ours {drawn['naive'] / drawn['storymap']:.1f}")]
    for name, story in stories.items():
        count = len(story.places)
        for what, label, answer in (("name", "click on a name to the map moving", "the map starts"),
                                    ("marker", "click on a marker to its passage", "the panel filled")):
            reached = [r for r, _ in clicks[name][what]]
            painted = [f for _, f in clicks[name][what]]
            rows.append((f"reader, {count:,} places: {label}", f"{statistics.median(painted):.0f} ms",
                         f"in the browser, no server: click to the frame drawn, median of {len(painted)} "
                         f"({min(painted):.0f}-{max(painted):.0f}); {answer} after {statistics.median(reached):.0f} "
                         "ms; goal under 50 ms"))
        theirs = [t * 1000 for t in today[name]]
        ours = statistics.median(f for _, f in clicks[name]["marker"])
        rows.append((f"today's way, {count:,} places: click on a place to its text",
                     f"{statistics.median(theirs):.0f} ms",
                     f"naive Streamlit page, a rerun per click, median of {len(theirs)} "
                     f"({min(theirs):.0f}-{max(theirs):.0f}); today/ours {statistics.median(theirs) / ours:.0f}"))
    return rows


def geonames_rows() -> list[tuple[str, str, str]]:
    """The GeoNames importer with a synthetic dump of 2 million rows and 1 million alternate names
    (benchmarks/geonames.py, in its own processes: a few minutes)."""
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "geonames.py"), "--json"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return [tuple(row) for row in json.loads(done.stdout.strip().splitlines()[-1])["rows"]]


def home_rows(gaz, sample) -> list[tuple[str, str, str]]:
    """What reading a story with its newsroom's home costs: learning the home from the newest
    fifty stories of a store, and adding a story with it (against analysing it alone)."""
    from storymap import newsroom
    from storymap.accounts import Editor
    from storymap.home import STORIES
    from storymap.storage import Storage

    with tempfile.TemporaryDirectory() as folder:
        store = Storage(f"sqlite:///{Path(folder) / 'store.sqlite3'}")
        editor = Editor("bench")
        for _ in range(STORIES):
            newsroom.add_story(store, editor, sample, gaz)
        secs, home = timed(lambda: newsroom.home(store, gaz), repeat=5)
        add, _ = timed(lambda: newsroom.add_story(store, editor, sample, gaz), repeat=5)
    alone, _ = timed(lambda: analyse(sample, gaz), repeat=5)
    return [(f"newsroom home: learned from {STORIES} stories", f"{secs * 1000:.0f} ms",
             f"{len(home.places)} places its stories come back to"),
            ("sample story: added to that store", f"{add * 1000:.0f} ms",
             f"analysed alone {alone * 1000:.0f} ms; the rest is the home and the store's write")]


def main() -> None:
    rows = []
    rows.append(("gazetteer: first build (cold cache)", f"{gazetteer_cold():.2f} s", ""))
    load, gaz = timed(lambda: build_gazetteer(), repeat=3)
    rows.append(("gazetteer: load from cache", f"{load:.2f} s", f"{len(gaz):,} places"))
    rows += geonames_rows()
    default_gazetteer()
    sample = load_story(SAMPLE)
    secs, smap = timed(lambda: analyse(sample, gaz), repeat=5)
    rows.append(("sample story: geoparse + figures", f"{secs * 1000:.0f} ms",
                 f"{len(smap.places)} places, {len(smap.figures)} figures"))
    rows += home_rows(gaz, sample)
    dense = local_news_text()
    secs, parsed = timed(lambda: geoparse(dense, gaz))
    rows.append(("long local story: geoparse", f"{secs:.2f} s",
                 f"{len(dense) / 1024:.0f} KB naming {len(parsed.mentions):,} US towns and counties, "
                 f"{len(parsed.places):,} places"))
    with tempfile.TemporaryDirectory() as static:
        vendor = assets.publish(Path(static))
        secs, html = timed(lambda: build_map(smap, vendor).get_root().render(), repeat=5)
        rows.append(("sample story: map HTML", f"{secs * 1000:.0f} ms", f"{len(html) / 1024:.0f} KB"))
    inline = assets.inline()
    pages = {}
    for n in (100, 1_000, 10_000):
        story_map = synthetic(n)
        secs, html = timed(lambda: build_map(story_map, inline).get_root().render())
        naive_secs, naive_html = timed(lambda: naive_map(story_map, inline))
        rows.append((f"map of {n:,} places: build + render", f"{secs:.2f} s",
                     f"{len(html) / 1e6:.1f} MB with the offline outlines; naive {naive_secs:.2f} s, "
                     f"{len(naive_html) / 1e6:.1f} MB, naive/ours {naive_secs / secs:.1f}"))
        pages[n] = (html, naive_html)
    if Path(CHROMIUM).exists():
        rows += browser_rows(pages)
        rows += exported_media.rows(smap, CHROMIUM)
        rows += app_rows()
        rows += page_rows()
    else:
        rows.append(("browser timings", "skipped", f"no Chromium at {CHROMIUM}"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("peak memory of this process", f"{peak:.0f} MB", ""))

    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)} | {'time / size':>12} | notes")
    print(f"{'-' * width}-|-{'-' * 12}-|------")
    for name, value, note in rows:
        print(f"{name.ljust(width)} | {value:>12} | {note}")


if __name__ == "__main__":
    main()
