"""Many readers at once: `make load` (or `python benchmarks/load.py --readers 50`).

Starts the app on loopback (or uses --url), opens that many reader sessions at
the same time in headless Chromium, and reports how many drew the map with
every marker, and the median and 95th-percentile time to a drawn map. Every
request stays on this machine; the run is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
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


async def one_reader(context, url: str, expected_markers: int, timeout_s: float) -> float:
    """One reader's session: a tab of the same browser, as readers' browsers cache the app's code."""
    page = await context.new_page()
    start = time.perf_counter()
    try:
        await page.goto(url, timeout=timeout_s * 1000)
        frame = page.frame_locator('iframe[title*="st_folium"]').first
        await frame.locator(".leaflet-marker-icon").nth(expected_markers - 1).wait_for(timeout=timeout_s * 1000)
        return time.perf_counter() - start
    finally:
        await page.close()


async def run(url: str, readers: int, expected_markers: int, timeout_s: float) -> list:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM)
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        # Nothing leaves this machine: the app runs without online tiles (STORYMAP_TILES=none).
        await context.route("**/*", lambda r: r.continue_() if r.request.url.split("/")[2].split(":")[0]
                            in ("127.0.0.1", "localhost") else r.abort())
        await one_reader(context, url, expected_markers, timeout_s)  # the app's code into the cache
        results = await asyncio.gather(*(one_reader(context, url, expected_markers, timeout_s)
                                         for _ in range(readers)), return_exceptions=True)
        await browser.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--url", help="a running app (default: start one on loopback)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a reader waits at most")
    args = parser.parse_args()
    if not 1 <= args.readers <= 200:
        parser.error("--readers is between 1 and 200")
    proc = None
    if args.url:
        url = args.url
    else:
        from tests.test_browser import start_server, stop

        os.environ["STORYMAP_TILES"] = "none"
        folder = Path(tempfile.mkdtemp())
        shutil.copy(ROOT / "data" / "stories" / "pakistan-copper.md", folder)
        base, proc = start_server(folder, f"sqlite:///{folder / 'store.sqlite3'}")
        url = f"{base}/?story=pakistan-copper"
        asyncio.run(run(url, 1, 8, args.timeout))  # warm: the first visit seeds the store
    try:
        started = time.perf_counter()
        results = asyncio.run(run(url, args.readers, 8, args.timeout))
        wall = time.perf_counter() - started
    finally:
        if proc is not None:
            stop(proc)
    times = sorted(r for r in results if isinstance(r, float))
    errors = [r for r in results if not isinstance(r, float)]
    print("| readers at once | drew the map | errors | median s | p95 s | wall s |")
    print("|---|---|---|---|---|---|")
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)] if times else float("nan")
    print(f"| {args.readers} | {len(times)} | {len(errors)} | "
          f"{statistics.median(times) if times else float('nan'):.2f} | {p95:.2f} | {wall:.1f} |")
    for error in errors[:3]:
        print(f"error: {type(error).__name__}: {str(error).splitlines()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
