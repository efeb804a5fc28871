"""What the browser tests share: the running app, Debian's Chromium, a page with the outside blocked.

Every request that leaves this machine is blocked, as on a newsroom laptop with no
network: the map must still draw, from files the app serves itself.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "stories" / "pakistan-copper.md"
CHROMIUM = os.environ.get("STORYMAP_CHROMIUM", "/usr/bin/chromium")
EDITOR_PASSWORD = "copper and cobalt"
EVIL = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> `${window.__pwned = 3}`'
SIZES = {"desk": (1400, 900), "phone": (390, 844)}
VIEWER = 'iframe[title^="Story map"], iframe[title^="Guided tour"]'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(library: Path, database_url: str, **env_vars: str):
    """`streamlit run serve.py` (app.py, as `make run` serves it) on a free port; returns (url, process)."""
    from storymap.accounts import hash_password

    env = dict(os.environ, STORYMAP_STORIES=str(library), STORYMAP_DATABASE_URL=database_url,
               STORYMAP_EDITORS=f"editor={hash_password(EDITOR_PASSWORD, 1000)}", **env_vars)
    port = free_port()
    # The server's output goes to a file beside the library, not to a pipe nobody reads (a full
    # pipe would stop the server mid-test); it is shown when the app does not start.
    log = open(library / f"server-{port}.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    log.close()  # the child holds its own copy
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            return url, proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    proc.wait(timeout=10)
    pytest.fail("The app did not start: " + (library / f"server-{port}.log").read_text(errors="replace")[-2000:])


def stop(proc) -> None:
    proc.terminate()
    proc.wait(timeout=10)


class Visit:
    """A page at one window size, with outside requests blocked and recorded."""

    def __init__(self, browser, url, size=SIZES["desk"], touch=False):
        self.page = browser.new_page(viewport={"width": size[0], "height": size[1]}, has_touch=touch)
        self.blocked: list[tuple[str, str]] = []
        self.failed: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url)

    def _route(self, route):
        url = route.request.url
        host = url.split("/")[2].split(":")[0] if "://" in url else ""
        if host in ("127.0.0.1", "localhost") or url.startswith(("file:", "data:", "about:")):
            route.continue_()
        else:
            self.blocked.append((route.request.resource_type, url))
            route.abort()

    def viewer(self):
        """The story viewer's frame, once its map is drawn and its opening view set: (locator, frame)."""
        self.page.locator(VIEWER).first.wait_for(timeout=60_000)
        frame = self.page.frame_locator(VIEWER).first
        frame.locator(".leaflet-marker-icon").first.wait_for(state="attached", timeout=60_000)
        inner = self.page.locator(VIEWER).first.element_handle().content_frame()
        inner.wait_for_function("() => window.storymap && window.storymap.settled()", polling="raf")
        return frame, inner

    def map_frame(self, index=0):
        """streamlit-folium's map (the editor's): (locator, frame)."""
        selector = 'iframe[title*="st_folium"]'
        self.page.locator(selector).nth(index).wait_for(timeout=30_000)
        frame = self.page.frame_locator(selector).nth(index)
        frame.locator(".leaflet-marker-icon").first.wait_for(timeout=30_000)
        return frame, self.page.locator(selector).nth(index).element_handle().content_frame()

    def wait(self, expression: str, scope=None, timeout: float = 30_000) -> None:
        """Wait, polling each frame, until ``expression`` holds in ``scope`` (the page, or a frame of
        it); if it never does, fail with what the viewer's state was and the page's errors, which
        are the likely reason (an exception in a map event leaves the viewer waiting)."""
        scope = scope or self.page
        try:
            scope.wait_for_function(expression, polling="raf", timeout=timeout)
        except PlaywrightTimeout:
            state = scope.evaluate("""() => window.storymap && {
                mode: storymap.mode(), step: storymap.step(), place: storymap.place(),
                settled: storymap.settled(), zooming: !!storymap.map._animatingZoom,
                zoom: storymap.map.getZoom(), centre: storymap.map.getCenter(), size: storymap.map.getSize()}""")
            raise AssertionError(f"{expression} never held; the viewer: {state}; page errors: {self.errors}") from None

    def close(self):
        self.page.close()


def pick(page, label: str, option: str) -> None:
    """Choose ``option`` in the Streamlit select box labelled ``label``, as a person does: open it,
    type to filter its list, click the option.

    The box is opened once the app has finished running (a rerun that lands while the list is open
    draws the box again and closes it: "element was detached from the DOM"), and scrolled to the
    top of the window first, so its list opens inside it (on a phone, a box low on the page opened
    its list off-screen). A list closed by a late rerun all the same is opened again, twice at most."""
    box = page.locator('[data-testid="stSelectbox"]', has_text=label)
    for attempt in range(3):
        page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget] *')")
        box.evaluate("e => e.scrollIntoView({block: 'start'})")
        box.click()
        page.keyboard.type(option)  # the list shows only some of its options at a time: filter it
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=10_000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError(f"“{option}” could not be chosen in “{label}”: its list closed three times")
