"""The imported GeoNames index: GeoNames' dump files (:mod:`storymap.geonames`) in one SQLite file.

``python -m storymap gazetteer add FILE_OR_URL...`` fills it; :class:`storymap.gazetteer.Gazetteer`
asks it for the names the world index lacks. It lives beside the compiled world
(``geonames.sqlite`` in the cache folder, or ``STORYMAP_GEONAMES``) and is read, never loaded:
opening it costs a millisecond and a few MB however many millions of places it holds.

Adding is resumable and idempotent. Each file (a zip's member) is known by its checksum and
name; its rows are written in batches, each in one transaction with the count of lines done,
so an interrupted import goes on from its last batch, and a finished file is skipped. A place
is stored under its geonameid and a name once per place, so the same file read twice leaves
the same rows. Names are keyed by :func:`storymap.places.normalize`, in both spellings
(:func:`storymap.places.spellings`), as the world index keys them.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import threading
import warnings
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

from storymap import geonames
from storymap.cache import cache_dir
from storymap.places import Place, normalize, spellings
from storymap.settings import current

FORMAT = "1"
LIMIT = 50
"""The most imported places one name answers with, most likely first: "Mill Creek" is thousands
of streams, and a resolver weighs every candidate it is given."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS places (geonameid INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
    lat REAL NOT NULL, lon REAL NOT NULL, country TEXT NOT NULL, admin1 TEXT NOT NULL, admin2 TEXT NOT NULL,
    population INTEGER NOT NULL, precision_km REAL NOT NULL, code TEXT NOT NULL);
-- rank: 1 the place's own name, 0 another, -1 a historic one
CREATE TABLE IF NOT EXISTS names (key TEXT NOT NULL, geonameid INTEGER NOT NULL, rank INTEGER NOT NULL,
    PRIMARY KEY (key, geonameid)) WITHOUT ROWID;
-- the most words a name starting with this word has (a recogniser's longest span)
CREATE TABLE IF NOT EXISTS heads (word TEXT PRIMARY KEY, most INTEGER NOT NULL) WITHOUT ROWID;
-- "PK", "PK.02", "PK.02.1234" -> the country's, the division's name
CREATE TABLE IF NOT EXISTS admin (code TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS imports (source TEXT PRIMARY KEY, label TEXT NOT NULL, format TEXT NOT NULL,
    lines INTEGER NOT NULL, rows INTEGER NOT NULL, done INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

_PLACES = """
SELECT p.*, a2.name, a1.name, c.name FROM (
    SELECT p.geonameid, p.name, p.kind, p.lat, p.lon, p.country, p.admin1, p.admin2, p.population,
           p.precision_km, p.code, n.rank
    FROM names n JOIN places p ON p.geonameid = n.geonameid WHERE n.key = ?
    ORDER BY CASE p.kind WHEN 'country' THEN 0 WHEN 'region' THEN 1 ELSE 2 END, n.rank DESC,
             p.population DESC, p.geonameid LIMIT ?) p
LEFT JOIN admin a2 ON a2.code = p.country || '.' || p.admin1 || '.' || p.admin2
LEFT JOIN admin a1 ON a1.code = p.country || '.' || p.admin1
LEFT JOIN admin c ON c.code = p.country
ORDER BY CASE p.kind WHEN 'country' THEN 0 WHEN 'region' THEN 1 ELSE 2 END, p.rank DESC, p.population DESC,
         p.geonameid
"""

# Names written in ways normalize() might one day fold differently; if it does, the stored keys
# are stale and the index should be built again.
_PROBE = "Łódź Côte d’Ivoire Sharm el-Sheikh St. Mary's Mt. Kenya Ḩayātābād O‘ahu Ærøskøbing"


def _fingerprint() -> str:
    return hashlib.sha256(" | ".join(spellings(normalize(_PROBE))).encode()).hexdigest()[:16]


def index_path() -> Path | None:
    """Where the imported index is: ``STORYMAP_GEONAMES``, else ``geonames.sqlite`` in the cache
    folder; None when the setting is ``off``."""
    value = current().geonames
    if value.lower() in ("off", "none"):
        return None
    return Path(value).expanduser() if value else cache_dir() / "geonames.sqlite"


# --- reading ----------------------------------------------------------------


class ImportedIndex:
    """The imported places, asked by name. One read-only connection per thread (Streamlit serves
    readers from several)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._uri = f"{self.path.resolve().as_uri()}?mode=ro"
        self._local = threading.local()
        self._failed = False

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = sqlite3.connect(self._uri, uri=True, check_same_thread=False)
        return db

    def _ask(self, sql: str, args: tuple) -> list[tuple]:
        """Rows of a query; none, with one warning, when the index cannot be read (deleted to be
        built again while the app runs, say): a story is then read with the world alone."""
        try:
            return self._db().execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            if not self._failed:
                self._failed = True
                warnings.warn(f"The imported GeoNames index {self.path} cannot be read ({exc}); "
                              "the gazetteer goes on without it.", stacklevel=3)
            return []

    def knows(self, key: str) -> bool:
        """Whether a (normalized) name is an imported place's."""
        return bool(self._ask("SELECT 1 FROM names n JOIN places p ON p.geonameid = n.geonameid "
                              "WHERE n.key = ? LIMIT 1", (key,)))

    def head(self, word: str) -> int:
        """The most words an imported name starting with ``word`` has; 1 when none has more."""
        rows = self._ask("SELECT most FROM heads WHERE word = ?", (word,))
        return rows[0][0] if rows else 1

    def places(self, key: str, limit: int = LIMIT) -> list[Place]:
        """The imported places called by a (normalized) name, most likely first: regions, then
        places whose own name it is, then by population."""
        return [_place(*row) for row in self._ask(_PLACES, (key, limit))]

    def has_places(self) -> bool:
        return self._db().execute("SELECT EXISTS (SELECT 1 FROM places)").fetchone()[0] == 1

    def status(self) -> dict:
        """How much is imported, and from which files."""
        db = self._db()
        count = lambda table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731
        meta = dict(db.execute("SELECT key, value FROM meta"))
        return {"path": str(self.path), "bytes": self.path.stat().st_size, "places": count("places"),
                "names": count("names"), "stale": meta.get("normalize") != _fingerprint(),
                "files": [dict(zip(("label", "format", "lines", "rows", "done"), row))
                          for row in db.execute("SELECT label, format, lines, rows, done FROM imports ORDER BY rowid")]}


def _place(geonameid, name, kind, lat, lon, country, admin1, _admin2, population, precision_km, code, _rank,
           admin2_name, admin1_name, country_name) -> Place:
    # The source is the same for every imported place, so the tour's credits count them as one
    # source and credit it; what the place is and where it lies is its note.
    within = ", ".join(n for n in dict.fromkeys((admin2_name, admin1_name, country_name)) if n and n != name)
    what = geonames.label(code)
    note = f"{what[:1].upper()}{what[1:]}" + (f" in {within}" if within else "")
    return Place(f"gnd:{geonameid}", name, kind, lat, lon, country, admin1, population, precision_km,
                 geonames.ATTRIBUTION, note)


def open_index(path: Path | None = None) -> ImportedIndex | None:
    """The imported index at ``path`` (default :func:`index_path`), or None when there is none
    (no import was made, or ``STORYMAP_GEONAMES=off``)."""
    path = path or index_path()
    if path is None or not path.is_file():
        return None
    index = ImportedIndex(path)
    try:
        if not index.has_places():
            return None
        stored = index._db().execute("SELECT value FROM meta WHERE key = 'normalize'").fetchone()
    except sqlite3.DatabaseError as exc:
        warnings.warn(f"The imported GeoNames index {path} cannot be read ({exc}); it is left out.", stacklevel=2)
        return None
    if stored and stored[0] != _fingerprint():
        warnings.warn(f"The imported GeoNames index {path} was keyed by an older name normalisation; some names "
                      "may not be found until its files are added again with --again.", stacklevel=2)
    return index


# --- writing ----------------------------------------------------------------


class Added(NamedTuple):
    """What one file (or a zip's member) gave: its format, its kept rows, whether it was skipped."""

    label: str
    format: str
    rows: int
    skipped: bool = False


def _writer(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None)  # transactions are begun and committed here
    db.execute("PRAGMA journal_mode = WAL")  # readers (a running app) go on reading while it writes
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA cache_size = -262144")  # 256 MB of pages: the name index is written in key order's opposite
    db.executescript(_SCHEMA)
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [("format", FORMAT), ("normalize", _fingerprint())])
    return db


def add(sources: Iterable[str], path: Path | None = None, *, again: bool = False, show: bool = True,
        batch: int = 50_000, after_batch: Callable[[int], None] | None = None) -> list[Added]:
    """Import GeoNames files or URLs into the index at ``path`` (default :func:`index_path`).

    A finished file is skipped unless ``again``; an unfinished one goes on from its last batch of
    ``batch`` lines. ``after_batch(lines)`` is called after each batch is committed.
    """
    path = path or index_path()
    if path is None:
        raise ValueError("STORYMAP_GEONAMES is off: there is no imported index to add to.")
    files = []
    for source in sources:
        if geonames.is_url(source):
            files.append(geonames.fetch(source, path.parent / "geonames-downloads", show))
        elif Path(source).is_file():
            files.append(Path(source))
        else:
            raise FileNotFoundError(f"{source}: no such file (give a GeoNames file or an http(s) address)")
    db = _writer(path)
    try:
        return [_add_member(db, file, member, f"{geonames.checksum(file)}:{member.name}", again, show, batch,
                            after_batch) for file in files for member in geonames.members(file)]
    finally:
        db.close()


_PARSERS = {geonames.GEONAME: geonames.geoname, geonames.ALTERNATE: geonames.alternate,
            geonames.ADMIN: geonames.admin, geonames.COUNTRY_INFO: geonames.country_info}


def _add_member(db: sqlite3.Connection, file: Path, member: geonames.Member, source: str, again: bool, show: bool,
                batch: int, after_batch: Callable[[int], None] | None) -> Added:
    label = member.name if member.name == file.name else f"{file.name}/{member.name}"
    state = db.execute("SELECT lines, rows, done, format FROM imports WHERE source = ?", (source,)).fetchone()
    if state and state[2] and not again:
        print(f"{label}: already imported ({state[1]:,} rows); skipped", file=sys.stderr)
        return Added(label, state[3], state[1], skipped=True)
    if again and state:
        db.execute("UPDATE imports SET lines = 0, rows = 0, done = 0 WHERE source = ?", (source,))
    start, rows = (0, 0) if again or not state else (state[0], state[1])
    fmt, parse, lines, pending, bad = None, None, 0, [], 0
    bar = geonames.Progress(label, member.size, show)
    with geonames.opened(file, member) as stream:
        for done, line in geonames.data_lines(stream):
            lines += 1
            if line and fmt is None:
                fmt = geonames.sniff(line)
                if fmt is None:
                    print(f"{label}: not a GeoNames data file; skipped", file=sys.stderr)
                    return Added(label, "", 0, skipped=True)
                parse = _PARSERS[fmt]
            if lines <= start or not line:
                continue
            try:
                record = parse(line.split("\t"))
            except (ValueError, IndexError):
                bad += 1
                continue
            if record is not None:
                pending.append(record)
            if lines % batch == 0:
                rows += _commit(db, source, label, fmt, lines, pending, done=False)
                pending = []
                bar.update(done, rows)
                if after_batch:
                    after_batch(lines)
    rows += _commit(db, source, label, fmt or "", lines, pending, done=True)
    bar.close()
    note = f", {bad:,} malformed lines left out" if bad else ""
    print(f"{label}: {rows:,} rows ({fmt or 'empty'}){note}", file=sys.stderr)
    return Added(label, fmt or "", rows)


def _commit(db: sqlite3.Connection, source: str, label: str, fmt: str, lines: int, records: list,
            done: bool) -> int:
    """Write a batch and how far the file is done, in one transaction; the rows written."""
    db.execute("BEGIN")
    try:
        _write(db, fmt, records)
        db.execute("INSERT INTO imports VALUES (?, ?, ?, ?, 0, 0) ON CONFLICT(source) DO NOTHING",
                   (source, label, fmt, lines))
        db.execute("UPDATE imports SET lines = ?, rows = rows + ?, done = ?, format = ? WHERE source = ?",
                   (lines, len(records), int(done), fmt, source))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return len(records)


def _write(db: sqlite3.Connection, fmt: str, records: list) -> None:
    if fmt in (geonames.ADMIN, geonames.COUNTRY_INFO):
        db.executemany("INSERT OR REPLACE INTO admin VALUES (?, ?)", records)
        return
    names: dict[tuple[str, int], int] = {}
    if fmt == geonames.GEONAME:
        db.executemany("INSERT OR REPLACE INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [r[:11] for r in records])
        written = ((r.geonameid, name, rank) for r in records for name, rank in r.names)
    else:
        written = iter(records)
    for geonameid, name, rank in written:
        for key in spellings(normalize(name)):
            if key and names.get((key, geonameid), -2) < rank:
                names[(key, geonameid)] = rank
    heads: dict[str, int] = {}
    for key, _ in names:
        words = key.count(" ") + 1
        if words > 1:
            first = key.split(" ", 1)[0]
            heads[first] = max(heads.get(first, 1), words)
    db.executemany("INSERT INTO names VALUES (?, ?, ?) ON CONFLICT(key, geonameid) "
                   "DO UPDATE SET rank = max(rank, excluded.rank)", ((k, g, r) for (k, g), r in names.items()))
    db.executemany("INSERT INTO heads VALUES (?, ?) ON CONFLICT(word) DO UPDATE SET most = max(most, excluded.most)",
                   heads.items())
