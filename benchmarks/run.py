"""Speed and memory of Storymap's core, printed as a table: `make bench`.

Measures the world gazetteer (first build, then warm load from the cache),
reading the sample story (geoparse + figures), and building the map's HTML for
synthetic stories of 100, 1,000 and 10,000 places.
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
from storymap.geoparsing import Mention, ResolvedPlace  # noqa: E402
from storymap.maps import build_map  # noqa: E402


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
    return StoryMap(story, places, [], {}, [], story.sentences())


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
    with tempfile.TemporaryDirectory() as static:
        vendor = assets.publish(Path(static))
        secs, html = timed(lambda: build_map(smap, vendor).get_root().render(), repeat=5)
        rows.append(("sample story: map HTML", f"{secs * 1000:.0f} ms", f"{len(html) / 1024:.0f} KB"))
        for n in (100, 1_000, 10_000):
            story_map = synthetic(n)
            secs, html = timed(lambda: build_map(story_map, vendor).get_root().render())
            rows.append((f"map of {n:,} places: build + render", f"{secs:.2f} s", f"{len(html) / 1e6:.1f} MB"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("peak memory of this process", f"{peak:.0f} MB", ""))

    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)} | {'time / size':>12} | notes")
    print(f"{'-' * width}-|-{'-' * 12}-|------")
    for name, value, note in rows:
        print(f"{name.ljust(width)} | {value:>12} | {note}")


if __name__ == "__main__":
    main()
