"""The exported single HTML file with five photographs: its size, and how soon its map is drawn.

Five places of the sample story each get a photograph uploaded to the store (1600 x 1067 JPEG,
as a newsroom's would be after the web export, about 0.3 MB each); the file is exported as the
editor's download button makes it, then opened from disk in Chromium with the network blocked,
beside the same story exported without them. Part of ``make bench`` (benchmarks/run.py).
"""

from __future__ import annotations

import io
import random
import statistics
import tempfile
import time
from pathlib import Path

from storymap.accounts import Editor
from storymap.analysis import StoryMap, from_record, stored_places
from storymap.export import data_uri_media, export
from storymap.media import Media
from storymap.storage import Storage

PHOTOS = 5
EDITOR = Editor("bench")
# The map is drawn: Leaflet's markers are on screen and the story's panel is filled.
_DRAWN = "() => document.querySelectorAll('.leaflet-marker-icon').length > 0"


def photograph(seed: int) -> bytes:
    """A photograph-like JPEG: smooth light with grain, which compresses as a real photo does."""
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    small = Image.new("RGB", (40, 27))
    small.putdata([tuple(rng.randrange(60, 200) for _ in range(3)) for _ in range(40 * 27)])
    image = small.resize((1600, 1067), Image.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    grain = Image.effect_noise((1600, 1067), 18).convert("RGB")
    image = Image.blend(image, grain, 0.2)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


def with_photos(store: Storage, slug: str) -> int:
    """Give the first five places a photograph each; returns the photographs' bytes."""
    total = 0
    for i, place in enumerate(store.load(slug).places[:PHOTOS]):
        data = photograph(i)
        total += len(data)
        media = [Media(store.save_media(EDITOR, data), f"Photo {i + 1}", "Storymap bench", f"A view of {place.name}")]
        store.update_place(EDITOR, place.stored.id, place.stored.version, media=[m.to_dict() for m in media])
    return total


def first_map(browser, path: Path, repeats: int = 5) -> list[float]:
    """Seconds from opening the file (network blocked) to its markers on screen, ``repeats`` times."""
    times = []
    for _ in range(repeats):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
        start = time.perf_counter()
        page.goto(path.as_uri(), wait_until="commit", timeout=120_000)
        page.wait_for_function(_DRAWN, polling="raf", timeout=120_000)
        times.append(time.perf_counter() - start)
        page.close()
    return times


def rows(sample_map: StoryMap, chromium: str) -> list[tuple[str, str, str]]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        store = Storage(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        slug = store.create_story(EDITOR, sample_map.story, stored_places(sample_map)).slug
        plain = Path(folder) / "plain.html"
        plain.write_text(export(from_record(store.load(slug)), "html", data_uri_media(store)), encoding="utf-8")
        photos = with_photos(store, slug)
        rich = Path(folder) / "photos.html"
        rich.write_text(export(from_record(store.load(slug)), "html", data_uri_media(store)), encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium)
            before, after = first_map(browser, plain), first_map(browser, rich)
            browser.close()
        size, plain_size = rich.stat().st_size, plain.stat().st_size
    return [
        (f"exported file with {PHOTOS} photographs", f"{size / 1e6:.1f} MB",
         f"{plain_size / 1e6:.1f} MB without them; the photographs are {photos / 1e6:.1f} MB, "
         f"{(size - plain_size) / photos:.2f}x that inlined (base64)"),
        (f"exported file with {PHOTOS} photographs: map drawn", f"{statistics.median(after):.2f} s",
         f"from disk, network blocked, median of {len(after)} ({min(after):.2f}-{max(after):.2f}); "
         f"without them {statistics.median(before):.2f} s"),
    ]
