"""The GeoNames importer at scale: a synthetic dump in GeoNames' formats, imported, then read.

    .venv/bin/python benchmarks/geonames.py [--rows 2000000] [--alternates 1000000] [--json]

Writes ``allCountries.zip`` (the geoname table, 19 columns) and ``alternateNamesV2.zip`` of made-up
places into a temporary folder, imports them with ``python -m storymap gazetteer add`` and reports:
the import's time and peak memory, the index's size, and, in a fresh process as the app would
start, the time to open it and build the gazetteer, the memory after, and the time of the
gazetteer's lookups (``knows``, ``span_limit``, ``lookup``) on imported names, names neither index
has, and the sample story's geoparse, beside the same without the import. ``make bench`` runs it
(benchmarks/run.py) with the default sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYLLABLES = ("ka", "ri", "stan", "ba", "gh", "mir", "zai", "khel", "pur", "abad", "shah", "go", "lo", "na", "ven",
             "tor", "ville", "burg", "dal", "sk", "ova", "ec", "mu", "ran", "del", "san", "ta", "ma", "ri", "ja")
CODES = [("P", "PPL")] * 12 + [("H", "STM")] * 3 + [("T", "MT"), ("T", "VAL"), ("A", "ADM3"), ("A", "ADM2"),
                                                      ("S", "HSP"), ("H", "WLL"), ("R", "RD"), ("L", "LCTY")]
WORDS = ("", "", "", "", "North ", "Upper ", "San ", "Kot ", "Chak ", "Mount ")
SUFFIXES = ("", "", "", "", " River", " Valley", " District", " Kalay", " Khel", " de Abajo")


def name(rng: random.Random) -> str:
    core = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
    return f"{rng.choice(WORDS)}{core}{rng.choice(SUFFIXES)}"


def write_dump(folder: Path, rows: int, alternates: int) -> list[Path]:
    rng = random.Random(17)
    countries = ("PK", "AF", "IN", "NG", "BR", "MX", "GB", "US", "ID", "UA")
    geonames = folder / "allCountries.zip"
    with zipfile.ZipFile(geonames, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("allCountries.txt", "w") as out:
        for gid in range(20_000_000, 20_000_000 + rows):
            fclass, code = rng.choice(CODES)
            own = name(rng)
            others = ",".join(name(rng) for _ in range(rng.choice((0, 0, 0, 1, 2, 3))))
            line = (f"{gid}\t{own}\t{own}\t{others}\t{rng.uniform(-60, 70):.5f}\t{rng.uniform(-180, 180):.5f}\t"
                    f"{fclass}\t{code}\t{rng.choice(countries)}\t\t{rng.randint(1, 30):02d}\t{rng.randint(1, 200)}\t"
                    f"\t\t{rng.choice((0, 0, 0, rng.randint(1, 100_000)))}\t\t{rng.randint(0, 3000)}\tEtc/UTC\t"
                    f"2024-01-01\n")
            out.write(line.encode())
    alternate = folder / "alternateNamesV2.zip"
    with zipfile.ZipFile(alternate, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("alternateNamesV2.txt", "w") as out:
        for i in range(alternates):
            historic = "1" if rng.random() < 0.1 else ""
            out.write(f"{i}\t{rng.randrange(20_000_000, 20_000_000 + rows)}\ten\t{name(rng)}\t\t\t\t{historic}\t\t\n"
                      .encode())
    return [geonames, alternate]


# Run in a fresh process, as an app starting: open the index, build the gazetteer, time its lookups.
PROBE = r"""
import json, random, resource, sqlite3, sys, time
t = time.perf_counter()
from storymap.gazetteer import build_gazetteer
from storymap.imported import open_index
index_path = sys.argv[1]
gaz = build_gazetteer(imported=False)
built = time.perf_counter() - t
t0 = time.perf_counter()
index = open_index(__import__("pathlib").Path(index_path)) if index_path != "-" else None
if index is not None:
    gaz.attach(index)
opened = time.perf_counter() - t0
rss = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) * 1024
out = {"open_s": opened, "build_s": built, "rss": rss}
rng = random.Random(1)
if index is not None:
    with sqlite3.connect(index_path) as db:
        lo, hi = db.execute("SELECT min(geonameid), max(geonameid) FROM places").fetchone()
        keys = [k for (k,) in db.execute("SELECT key FROM names WHERE geonameid IN (%s)" % ",".join(
            str(rng.randint(lo, hi)) for _ in range(4000)))][:2000]
else:
    keys = []
absent = [f"zq{i}xv wob" for i in range(2000)]
def per_call(fn, items):
    t = time.perf_counter()
    for item in items:
        fn(item)
    return (time.perf_counter() - t) / max(len(items), 1) * 1e6
out["keys"] = len(keys)
out["knows_absent_us"] = per_call(gaz.knows, absent)
out["span_limit_us"] = per_call(gaz.span_limit, absent)
if keys:
    out["knows_imported_us"] = per_call(gaz.knows, keys)
    gaz2 = build_gazetteer(imported=open_index(__import__("pathlib").Path(index_path)))
    out["lookup_imported_us"] = per_call(gaz2.lookup, keys)
    out["lookup_imported_found"] = sum(bool(gaz2.lookup(k)) for k in keys)
from storymap.articles import load_story
from storymap.geoparsing import geoparse
text = load_story(__import__("pathlib").Path("data/stories/pakistan-copper.md")).text
t = time.perf_counter()
parsed = geoparse(text, gaz)
out["geoparse_s"] = time.perf_counter() - t  # the first time: no name of it asked before
out["places"] = len(parsed.places)
out["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps(out))
"""


# The command, in a process that then says its peak memory (bytes).
IMPORT = ("import resource, sys; from storymap.__main__ import main; "
          "assert main(['gazetteer', 'add', '--quiet', *sys.argv[1:]]) == 0; "
          "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)")


def probe(index: str, env: dict) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, index], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(rows: int = 2_000_000, alternates: int = 1_000_000) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        t = time.perf_counter()
        files = write_dump(folder, rows, alternates)
        written = time.perf_counter() - t
        index = folder / "geonames.sqlite"
        env = dict(os.environ, STORYMAP_GEONAMES=str(index))
        # The world's compiled cache first (built anew after a format change): not part of either probe.
        subprocess.run([sys.executable, "-c", "from storymap.cache import load_world; load_world()"], cwd=ROOT,
                       env=env, check=True)
        t = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", IMPORT, *map(str, files)], cwd=ROOT, env=env, check=True,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        imported = time.perf_counter() - t
        import_rss = int(done.stdout.split()[-1])
        return {"rows": rows, "alternates": alternates, "written_s": written,
                "zip_bytes": sum(f.stat().st_size for f in files), "import_s": imported, "import_peak_rss": import_rss,
                "index_bytes": index.stat().st_size, "with": probe(str(index), env),
                "without": probe("-", dict(env, STORYMAP_GEONAMES="off"))}


def table(m: dict) -> list[tuple[str, str, str]]:
    w, wo = m["with"], m["without"]
    n = f"{m['rows'] / 1e6:g}M rows + {m['alternates'] / 1e6:g}M alternate names"
    return [
        (f"GeoNames import, synthetic {n}", f"{m['import_s']:.0f} s",
         f"{m['zip_bytes'] / 1e6:.0f} MB zipped; import's peak memory {m['import_peak_rss'] / 1e6:.0f} MB"),
        ("GeoNames index: size on disk", f"{m['index_bytes'] / 1e6:.0f} MB", ""),
        ("GeoNames index: open and attach", f"{w['open_s'] * 1000:.1f} ms",
         f"on top of the world gazetteer's own load ({w['build_s']:.2f} s here, {wo['build_s']:.2f} s in the run "
         "without; goal: the index under 1 s)"),
        ("gazetteer memory after load, with the index", f"{w['rss'] / 1e6:.0f} MB",
         f"without it {wo['rss'] / 1e6:.0f} MB (goal: under 1 GB)"),
        ("knows(), imported name / absent name", f"{w['knows_imported_us']:.0f} / {w['knows_absent_us']:.0f} µs",
         f"without the index, absent name {wo['knows_absent_us']:.2f} µs; span_limit {w['span_limit_us']:.0f} µs "
         f"vs {wo['span_limit_us']:.2f} µs"),
        ("lookup(), imported name, first time", f"{w['lookup_imported_us']:.0f} µs",
         f"{w['lookup_imported_found']:,} of {w['keys']:,} names found (the others name only left-out "
         "features: wells, roads)"),
        ("sample story geoparse (first time), with the index", f"{w['geoparse_s'] * 1000:.0f} ms",
         f"without it {wo['geoparse_s'] * 1000:.0f} ms; {w['places']} places vs {wo['places']}"),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--alternates", type=int, default=1_000_000)
    parser.add_argument("--json", action="store_true", help="the measurements as JSON, for benchmarks/run.py")
    args = parser.parse_args()
    result = measure(args.rows, args.alternates)
    if args.json:
        print(json.dumps({"measured": result, "rows": table(result)}))
    else:
        for what, value, note in table(result):
            print(f"{what:<50} {value:>14}  {note}")
