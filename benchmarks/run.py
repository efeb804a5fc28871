"""Speed and memory of Storymap's core, printed as a table: `make bench`.

Measures the world gazetteer (first build, then warm load from the cache),
reading the sample story (geoparse + figures), building the map for synthetic
stories of 100, 1,000 and 10,000 places, and, in headless Chromium, the time
until such a map shows its markers and a click opens a popup. Beside the map
figures stands the naive way (a folium.Marker per place) done in the same run,
as a ratio.
"""

from __future__ import annotations

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

from storymap import assets  # noqa: E402
from storymap.analysis import StoryMap, analyse  # noqa: E402
from storymap.articles import load_story, parse_story  # noqa: E402
from storymap.gazetteer import CITY, Place, build_gazetteer, default_gazetteer  # noqa: E402
from storymap.geoparsing import Mention, ResolvedPlace, geoparse  # noqa: E402
from storymap.maps import build_map  # noqa: E402

CHROMIUM = os.environ.get("STORYMAP_CHROMIUM", "/usr/bin/chromium")


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
                page.goto(path.as_uri(), wait_until="load")
                page.wait_for_function("() => document.querySelectorAll('.leaflet-marker-icon').length > 0 && "
                                       "!document.querySelector('.leaflet-marker-icon.leaflet-cluster-anim')",
                                       polling="raf", timeout=120_000)
                drawn = time.perf_counter() - start
                marker = page.locator(".leaflet-marker-icon:not(.marker-cluster)").first
                if marker.count() == 0:  # all clustered at this zoom: open the first cluster
                    page.locator(".marker-cluster").first.click()
                    page.wait_for_timeout(600)
                    marker = page.locator(".leaflet-marker-icon:not(.marker-cluster)").first
                start = time.perf_counter()
                marker.click(force=True)
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


def app_rows() -> list[tuple[str, str, str]]:
    """The running app: the sample story from a cold start, a click answered in the page, memory."""
    import shutil

    from playwright.sync_api import sync_playwright

    from tests.test_browser import start_server, stop

    os.environ["STORYMAP_TILES"] = "none"
    folder = Path(tempfile.mkdtemp())
    shutil.copy(ROOT / "data" / "stories" / "pakistan-copper.md", folder)
    launched = time.perf_counter()
    base, proc = start_server(folder, f"sqlite:///{folder / 'store.sqlite3'}")
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/?story=pakistan-copper")
            frame = page.frame_locator('iframe[title*="st_folium"]').first
            frame.locator(".leaflet-marker-icon").nth(7).wait_for(timeout=120_000)
            rows.append(("app: sample story drawn, from a cold start", f"{time.perf_counter() - launched:.1f} s",
                         "process start, store seeded, story geoparsed, map drawn"))
            start = time.perf_counter()
            page.reload()
            frame.locator(".leaflet-marker-icon").nth(7).wait_for(timeout=60_000)
            rows.append(("app: sample story drawn, warm", f"{time.perf_counter() - start:.2f} s", "a new visit"))
            inner = page.locator('iframe[title*="st_folium"]').first.element_handle().content_frame()
            inner.evaluate("() => { window.map.setView([32.3, 69.57], 11); }")
            page.wait_for_timeout(500)
            start = time.perf_counter()
            frame.locator('[data-place="wana"]').click()
            frame.locator(".leaflet-popup-content").wait_for(timeout=10_000)
            popup = time.perf_counter() - start
            page.get_by_role("heading", name="Wana").wait_for(timeout=30_000)
            rows.append(("app: click on a marker to its passage", f"{(time.perf_counter() - start) * 1000:.0f} ms",
                         f"popup on the map after {popup * 1000:.0f} ms; then the page's detail panel"))
            browser.close()
        status = Path(f"/proc/{proc.pid}/status")
        if status.exists():
            peak = next(line.split()[1] for line in status.read_text().splitlines() if line.startswith("VmHWM"))
            rows.append(("app process peak memory", f"{int(peak) / 1024:.0f} MB", "after the visits above"))
    finally:
        stop(proc)
    return rows


def atlas_story(folder: Path, n: int) -> Path:
    """A story naming ``n`` distinct large cities, one sentence each: a long investigation's worth of places."""
    from storymap.gazetteer import CITY
    from storymap.geoparsing import load_lexicon

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


def page_rows(n: int = 1_000) -> list[tuple[str, str, str]]:
    """Storymap's reader page against the naive Streamlit page, on the same story of ``n`` places:
    time until the map is drawn, and from a click on a marker to its text in the page."""
    import json
    import shutil
    import socket
    import urllib.request

    from playwright.sync_api import sync_playwright

    from tests.test_browser import start_server, stop

    os.environ["STORYMAP_TILES"] = "none"
    folder = Path(tempfile.mkdtemp())
    story = analyse(load_story(atlas_story(folder, n)), default_gazetteer())
    target = story.places[len(story.places) // 2]
    (folder / "naive.json").write_text(json.dumps([
        {"name": rp.place.name, "lat": rp.place.lat, "lon": rp.place.lon,
         "text": " ".join(s.text for s in story.passages(rp))} for rp in story.places]), encoding="utf-8")
    base, app = start_server(folder, f"sqlite:///{folder / 'store.sqlite3'}")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        naive_port = sock.getsockname()[1]
    naive = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "benchmarks" / "naive_page.py"), "--server.port",
         str(naive_port), "--server.address", "127.0.0.1", "--server.headless", "true",
         "--server.enableStaticServing", "false"],
        cwd=ROOT, env=dict(os.environ, STORYMAP_NAIVE_PLACES=str(folder / "naive.json"),
                           STORYMAP_NAIVE_VENDOR=f"{base}{assets.STATIC_URL}"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{naive_port}/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    pages = {
        "storymap": (f"{base}/?story=atlas", "() => document.querySelectorAll('.leaflet-marker-icon').length > 0 && "
                     "!document.querySelector('.leaflet-cluster-anim')"),
        "naive": (f"http://127.0.0.1:{naive_port}/",
                  f"() => document.querySelectorAll('path.leaflet-interactive').length >= {len(story.places)}"),
    }
    times = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM)
            for name, (url, drawn) in pages.items():
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("http://127.0.0.1")
                           else r.abort())
                page.goto(url)  # once, so both are measured warm
                page.frame_locator('iframe[title*="st_folium"]').first.locator(".leaflet-container").wait_for(
                    state="attached", timeout=120_000)
                start = time.perf_counter()
                page.reload()
                frame = page.locator('iframe[title*="st_folium"]').first
                frame.wait_for(timeout=120_000)
                inner = frame.element_handle().content_frame()
                inner.wait_for_function(drawn, polling="raf", timeout=120_000)
                drawn_s = time.perf_counter() - start
                frame.scroll_into_view_if_needed()
                box = frame.bounding_box()
                # Where the target's marker is drawn (an icon, or an SVG circle), in the frame; zoomed
                # in until no neighbour clusters with it.
                find = f"""() => {{
                    for (const layer of Object.values(window.map._layers)) {{
                        const el = layer._icon || layer._path;
                        if (el && layer.getLatLng && layer.getLatLng().distanceTo([{target.place.lat}, {target.place.lon}]) < 50) {{
                            const r = el.getBoundingClientRect();
                            return [r.x + r.width / 2, r.y + r.height / 2];
                        }}
                    }}
                    return null;
                }}"""
                rect = None
                for zoom in (12, 14, 16, 18):
                    inner.evaluate(f"() => {{ window.map.setView([{target.place.lat}, {target.place.lon}], {zoom}); }}")
                    page.wait_for_timeout(800)
                    rect = inner.evaluate(find)
                    if rect:
                        break
                if rect is None:
                    raise RuntimeError(f"{name}: the marker of {target.place.name} is not on the map")
                start = time.perf_counter()
                page.mouse.click(box["x"] + rect[0], box["y"] + rect[1])
                page.get_by_role("heading", name=target.place.name).wait_for(timeout=60_000)
                times[name] = (drawn_s, time.perf_counter() - start)
                page.close()
            browser.close()
    finally:
        stop(app)
        naive.terminate()
        naive.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
    (d, c), (nd, nc) = times["storymap"], times["naive"]
    return [
        (f"app, story of {len(story.places):,} places: map drawn", f"{d:.2f} s",
         f"naive page {nd:.2f} s, naive/ours {nd / d:.1f}"),
        (f"app, story of {len(story.places):,} places: click to text in page", f"{c * 1000:.0f} ms",
         f"naive page {nc * 1000:.0f} ms, naive/ours {nc / c:.1f}"),
    ]


def main() -> None:
    rows = []
    rows.append(("gazetteer: first build (cold cache)", f"{gazetteer_cold():.2f} s", ""))
    load, gaz = timed(lambda: build_gazetteer(), repeat=3)
    rows.append(("gazetteer: load from cache", f"{load:.2f} s", f"{len(gaz):,} places"))
    default_gazetteer()
    sample = load_story(ROOT / "data" / "stories" / "pakistan-copper.md")
    secs, smap = timed(lambda: analyse(sample, gaz), repeat=5)
    rows.append(("sample story: geoparse + figures", f"{secs * 1000:.0f} ms",
                 f"{len(smap.places)} places, {len(smap.figures)} figures"))
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
