"""Many readers at once: `make load` (or `python benchmarks/load.py --readers 50 --browsers 5`).

Starts the app on loopback (or uses --url) and opens, at the same moment:

* ``--readers`` sessions that speak Streamlit's own websocket protocol, as a
  browser does: each asks for the story and waits for the story viewer (the
  page of text and map the app sends in one frame), and counts as held when
  that page carries every place of the story, in the story's data and on the
  map. This is the server's load of that many readers; their browsers would
  draw on their own machines, not on the server's two cores.
* ``--browsers`` real tabs in headless Chromium, timed until every marker and
  area is on screen and the map has settled on its opening view, so the table
  also says what a reader sees under that load.

Reports, for each kind, how many were held with every map complete, the errors,
and the median and 95th-percentile time. Every request stays on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = os.environ.get("STORYMAP_CHROMIUM", "/usr/bin/chromium")
STORY = "pakistan-copper"
VIEWER = 'iframe[title^="Story map"]'


def viewer_places(page: str) -> list[str]:
    """The places a story viewer page carries: each place of its story data (the argument of
    storymapViewer) that its map draws too (the map's script, before it, has the place's key)."""
    call = page.index("storymapViewer(")
    data, _ = json.JSONDecoder().raw_decode(page, page.index("{", call))
    return [p["key"] for p in data["places"] if f'"key": {json.dumps(p["key"])}' in page[:call]]


async def protocol_reader(ws_url: str, places: set[str], timeout_s: float) -> float:
    """One reader's session over the websocket: seconds until a viewer page with every place arrived."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    start = time.perf_counter()
    async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None,
                                  open_timeout=timeout_s) as ws:
        request = BackMsg()
        request.rerun_script.query_string = f"story={STORY}"
        await ws.send(request.SerializeToString())
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await asyncio.wait_for(ws.recv(), timeout_s))
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                if element.WhichOneof("type") == "iframe" and element.iframe.alt.startswith("Story map"):
                    carried = set(viewer_places(element.iframe.srcdoc))
                    if carried == places:
                        return time.perf_counter() - start
                    raise AssertionError(f"the viewer carried {len(carried & places)} of the story's "
                                         f"{len(places)} places")
            elif kind == "script_finished":
                raise AssertionError("the page finished without the story viewer")


async def browser_reader(context, url: str, markers: int, areas: int, timeout_s: float) -> float:
    """One reader's tab: seconds until every marker and every approximate area is on screen."""
    page = await context.new_page()
    start = time.perf_counter()
    try:
        await page.goto(url, timeout=timeout_s * 1000)
        frame = page.locator(VIEWER).first
        await frame.wait_for(timeout=timeout_s * 1000)
        inner = await (await frame.element_handle()).content_frame()
        await inner.wait_for_function(
            f"() => document.querySelectorAll('.leaflet-marker-icon').length >= {markers} && "
            f"document.querySelectorAll('path.sm-area').length >= {areas} && window.storymap && storymap.settled()",
            polling="raf", timeout=timeout_s * 1000)
        return time.perf_counter() - start
    finally:
        await page.close()


async def run(base: str, readers: int, browsers: int, expected: tuple[int, int, set[str]], timeout_s: float):
    from playwright.async_api import async_playwright

    markers, areas, keys = expected
    ws_url = base.replace("http://", "ws://") + "/_stcore/stream"
    url = f"{base}/?story={STORY}"
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM)
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        # Nothing leaves this machine: the app runs without online tiles (STORYMAP_TILES=none).
        await context.route("**/*", lambda r: r.continue_() if r.request.url.split("/")[2].split(":")[0]
                            in ("127.0.0.1", "localhost") else r.abort())
        await browser_reader(context, url, markers, areas, timeout_s)  # the app's code into the browser cache
        started = time.perf_counter()
        results = await asyncio.gather(
            *(protocol_reader(ws_url, keys, timeout_s) for _ in range(readers)),
            *(browser_reader(context, url, markers, areas, timeout_s) for _ in range(browsers)),
            return_exceptions=True)
        wall = time.perf_counter() - started
        await browser.close()
    return results[:readers], results[readers:], wall


def expected_places() -> tuple[int, int, set[str]]:
    """The sample story's markers and approximate areas, as the app will draw them, and its places' keys."""
    from storymap.analysis import analyse
    from storymap.articles import load_story

    smap = analyse(load_story(ROOT / "data" / "stories" / f"{STORY}.md"))
    areas = sum(1 for p in smap.places if p.place.approximate)
    return len(smap.places) - areas, areas, {p.key for p in smap.places}


def row(kind: str, results: list) -> str:
    times = sorted(r for r in results if isinstance(r, float))
    errors = [r for r in results if not isinstance(r, float)]
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)] if times else float("nan")
    median = statistics.median(times) if times else float("nan")
    return f"| {kind} | {len(results)} | {len(times)} | {len(errors)} | {median:.2f} | {p95:.2f} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=50, help="protocol-level reader sessions")
    parser.add_argument("--browsers", type=int, default=5, help="real Chromium tabs at the same time")
    parser.add_argument("--url", help="a running app's base URL (default: start one on loopback)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a reader waits at most")
    args = parser.parse_args()
    if not (0 <= args.readers <= 500 and 0 <= args.browsers <= 100 and args.readers + args.browsers):
        parser.error("--readers is 0 to 500, --browsers 0 to 100, and not both 0")
    expected = expected_places()
    proc = None
    if args.url:
        base = args.url.rstrip("/")
    else:
        from tests.browsing import start_server

        os.environ["STORYMAP_TILES"] = "none"
        folder = Path(tempfile.mkdtemp())
        shutil.copy(ROOT / "data" / "stories" / f"{STORY}.md", folder)
        base, proc = start_server(folder, f"sqlite:///{folder / 'store.sqlite3'}")
    try:
        sessions, tabs, wall = asyncio.run(run(base, args.readers, args.browsers, expected, args.timeout))
    finally:
        if proc is not None:
            from tests.browsing import stop

            stop(proc)
    print(f"{args.readers} protocol readers and {args.browsers} browser tabs at once; every story viewer must carry "
          f"all {len(expected[2])} places ({expected[0]} markers, {expected[1]} areas). Wall time {wall:.1f} s.")
    print("| readers | at once | held, map complete | errors | median s | p95 s |")
    print("|---|---|---|---|---|---|")
    if sessions:
        print(row("websocket sessions (viewer delivered)", sessions))
    if tabs:
        print(row("Chromium tabs (map drawn on screen)", tabs))
    for error in [r for r in sessions + tabs if not isinstance(r, float)][:3]:
        print(f"error: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
