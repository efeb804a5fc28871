"""Geocoders behind one interface: geopy's ``Geocoder``.

The resolver asks a geocoder for every candidate of a name and turns each
geopy ``Location`` back into a :class:`~storymap.gazetteer.Place`. Because the
offline gazetteer speaks the same interface as geopy's Nominatim, an online
geocoder can replace or back it without a change anywhere else.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from geopy.exc import (GeocoderAuthenticationFailure, GeocoderInsufficientPrivileges, GeocoderParseError,
                       GeocoderQuotaExceeded, GeocoderRateLimited, GeocoderServiceError, GeocoderTimedOut,
                       GeocoderUnavailable)
from geopy.adapters import BaseSyncAdapter, RequestsAdapter
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import ArcGIS, Nominatim, Photon
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from storymap.gazetteer import (CITY, COUNTRY, LANDFORM, REGION, SITE, Gazetteer, Place, cache_dir,
                                default_gazetteer, normalize)


OFFLINE = "offline gazetteer"
"""How a place placed by the offline gazetteer records its geocoder."""


class _NoNetwork(BaseSyncAdapter):
    """The offline geocoder's adapter: it never opens a connection (nor builds an SSL context)."""

    def __init__(self, *, proxies=None, ssl_context=None):
        super().__init__(proxies=proxies, ssl_context=ssl_context)

    def get_json(self, url, *, timeout, headers):
        raise GeocoderServiceError("The offline gazetteer makes no requests.")

    def get_text(self, url, *, timeout, headers):
        raise GeocoderServiceError("The offline gazetteer makes no requests.")


class OfflineGazetteer(Geocoder):
    """A geopy geocoder that answers from the offline gazetteer; never touches the network."""

    def __init__(self, gazetteer: Gazetteer | None = None, *, user_agent: str = "storymap"):
        super().__init__(user_agent=user_agent, adapter_factory=_NoNetwork)
        self._gazetteer = gazetteer

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = default_gazetteer()
        return self._gazetteer

    def geocode(self, query: str, *, exactly_one: bool = True, limit: int | None = None,
                country_codes: str | list[str] | None = None):
        """Places called ``query``, most likely first (geopy's contract: None when nothing)."""
        places = self.gazetteer.lookup(query)
        if country_codes:
            wanted = {country_codes.upper()} if isinstance(country_codes, str) else {c.upper() for c in country_codes}
            places = [p for p in places if p.country in wanted]
        if limit:
            places = places[:limit]
        locations = [to_location(p) for p in places]
        if not locations:
            return None
        return locations[0] if exactly_one else locations


def to_location(place: Place) -> Location:
    return Location(_address(place), Point(place.lat, place.lon), {"storymap_place": place.to_dict()})


def _address(place: Place) -> str:
    parts = [place.name]
    if place.admin1 and not place.admin1.isdigit():
        parts.append(place.admin1)
    if place.country and place.kind != COUNTRY:
        parts.append(place.country)
    return ", ".join(parts)


_NOMINATIM_KINDS = {
    "country": COUNTRY, "state": REGION, "province": REGION, "county": REGION, "district": REGION,
    "region": REGION, "state_district": REGION, "city": CITY, "town": CITY, "village": CITY,
    "hamlet": CITY, "suburb": CITY, "municipality": CITY, "peak": LANDFORM, "mountain_range": LANDFORM,
    "ridge": LANDFORM, "valley": LANDFORM, "river": LANDFORM,
}


def place_from_location(location: Location, source: str = "geocoder") -> Place:
    """A geopy Location from any geocoder, as a Place the rest of Storymap understands."""
    raw = location.raw or {}
    if "storymap_place" in raw:
        data = dict(raw["storymap_place"])
        data["names"] = tuple(data.get("names", ()))
        return Place(**data)
    kind = _NOMINATIM_KINDS.get(raw.get("addresstype") or raw.get("type") or "", SITE)
    precision = _bbox_radius_km(raw.get("boundingbox")) if kind in (CITY, SITE) else 0.0
    osm = f"{raw.get('osm_type', 'x')}/{raw.get('osm_id', location.address)}"
    name = raw.get("name") or location.address.split(",")[0]
    country = (raw.get("address") or {}).get("country_code", "").upper()
    return Place(
        id=f"osm:{osm}", name=name, kind=kind, lat=location.latitude, lon=location.longitude,
        country=country, precision_km=precision, source=f"{source}: {location.address}",
    )


def _bbox_radius_km(bbox) -> float:
    """Half the diagonal of a Nominatim bounding box; small boxes count as exact."""
    try:
        south, north, west, east = (float(v) for v in bbox)
    except (TypeError, ValueError):
        return 0.0
    from geopy.distance import distance

    radius = distance((south, west), (north, east)).km / 2
    return round(radius, 1) if radius > 1 else 0.0


def candidates(geocoder: Geocoder, name: str, limit: int = 25) -> list[Place]:
    """Every place ``geocoder`` offers for ``name``, as Places."""
    if type(geocoder) is OfflineGazetteer:
        # The same answer as geocode() gives, without the round trip through geopy Locations
        # that would only be turned back into these Places (a third of a story's resolution time).
        return geocoder.gazetteer.lookup(name, limit)
    found = geocoder.geocode(name, exactly_one=False, limit=limit)
    source = type(geocoder).__name__
    return [place_from_location(loc, source) for loc in (found or [])]


# --- online geocoders, behind the offline one ---------------------------------------


class GeocodeCache:
    """Every online answer, kept on disk: the same name is never asked twice.

    Failures are not kept, so a lookup that timed out or was refused is tried
    again next time.
    """

    def __init__(self, path: Path | None = None):
        self.path = Path(path or cache_dir() / "geocode-cache.sqlite3")
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS answers (geocoder TEXT, query TEXT, answer TEXT, at TEXT, "
                       "PRIMARY KEY (geocoder, query))")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def get(self, geocoder: str, query: str) -> list[dict] | None:
        with closing(self._connect()) as db:
            row = db.execute("SELECT answer FROM answers WHERE geocoder = ? AND query = ?",
                             (geocoder, normalize(query))).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, geocoder: str, query: str, answer: list[dict]) -> None:
        with closing(self._connect()) as db, db:
            db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)",
                       (geocoder, normalize(query), json.dumps(answer), _utcnow()))


@dataclass(frozen=True)
class LookupProblem:
    """A name an online geocoder could not look up, and why (for the editor)."""

    name: str
    geocoder: str
    reason: str


class OnlineGeocoder:
    """A geopy geocoder used as its service asks: one request per ``min_delay`` seconds, answers cached."""

    def __init__(self, geocoder: Geocoder, name: str, cache: GeocodeCache, min_delay: float = 1.0):
        self.geocoder = geocoder
        self.name = name
        self.cache = cache
        self._geocode = RateLimiter(geocoder.geocode, min_delay_seconds=min_delay, max_retries=0,
                                    swallow_exceptions=False)

    def lookup(self, query: str, limit: int = 5) -> tuple[list[Place], bool]:
        """Places for ``query`` and whether the answer came from the cache. Raises geopy's errors."""
        cached = self.cache.get(self.name, query)
        if cached is None:
            kwargs = {"exactly_one": False, "limit": limit}
            if isinstance(self.geocoder, Nominatim):
                kwargs["addressdetails"] = True
            found = self._geocode(query, **kwargs) or []
            cached = [{"address": loc.address, "lat": loc.latitude, "lon": loc.longitude, "raw": loc.raw}
                      for loc in found]
            self.cache.put(self.name, query, cached)
            fresh = True
        else:
            fresh = False
        places = []
        for answer in cached:
            try:
                location = Location(answer["address"], Point(answer["lat"], answer["lon"]), answer["raw"])
                places.append(place_from_location(location, self.name))
            except (ValueError, KeyError, TypeError):
                continue  # an answer with impossible coordinates is no answer
        return places, not fresh


_PROBLEMS = {
    GeocoderTimedOut: "took too long to answer",
    GeocoderRateLimited: "refused: too many requests (429); try again later",
    GeocoderInsufficientPrivileges: "refused access (403)",
    GeocoderAuthenticationFailure: "refused the credentials",
    GeocoderQuotaExceeded: "quota used up",
    GeocoderParseError: "answered something that is not a geocoder answer",
    GeocoderUnavailable: "could not be reached",
}


class GeocoderChain:
    """The offline gazetteer first, then each online geocoder, within a budget per story."""

    def __init__(self, offline: OfflineGazetteer, online: list[OnlineGeocoder] = (), budget: int = 30):
        self.offline = offline
        self.online = list(online)
        self.budget = budget
        self.problems: list[LookupProblem] = []

    def search(self, name: str, limit: int = 8) -> list[Place]:
        """Offline answers if any, else the first online geocoder that has some."""
        found = candidates(self.offline, name, limit)
        return found or self.online_only(name, limit)

    def online_only(self, name: str, limit: int = 5) -> list[Place]:
        for service in self.online:
            if self.budget <= 0:
                self.problems.append(LookupProblem(name, service.name, "not asked: this story's lookup limit "
                                                                        "is used up"))
                return []
            try:
                places, cached = service.lookup(name, limit)
            except tuple(_PROBLEMS) as exc:
                reason = next(text for kind, text in _PROBLEMS.items() if isinstance(exc, kind))
                self.problems.append(LookupProblem(name, service.name, reason))
                continue
            except GeocoderServiceError as exc:
                self.problems.append(LookupProblem(name, service.name, f"failed: {exc}"))
                continue
            except ValueError:  # geopy refuses an answer with impossible coordinates
                self.problems.append(LookupProblem(name, service.name, "answered impossible coordinates"))
                continue
            if not cached:
                self.budget -= 1
            if places:
                return places
        return []


def chain_from_settings(settings: dict | None = None, gazetteer: Gazetteer | None = None) -> GeocoderChain:
    """The geocoder chain a deployment asks for (environment, or a dict from Streamlit secrets).

    ``STORYMAP_GEOCODERS`` lists online geocoders after the offline gazetteer
    (``nominatim``, ``photon``, ``arcgis``); Nominatim needs a real
    ``STORYMAP_GEOCODER_USER_AGENT`` that says who you are, as its policy asks.
    """
    env = {**os.environ, **{k.upper(): str(v) for k, v in (settings or {}).items()}}
    names = [n.strip().lower() for n in env.get("STORYMAP_GEOCODERS", "").split(",") if n.strip()]
    timeout = float(env.get("STORYMAP_GEOCODER_TIMEOUT", "10"))
    agent = env.get("STORYMAP_GEOCODER_USER_AGENT", "")
    cache = GeocodeCache(env.get("STORYMAP_GEOCODE_CACHE") or None) if names else None
    online = []
    for name in names:
        if name not in ONLINE_GEOCODERS:
            raise ValueError(f"Unknown geocoder {name!r}; choose from {', '.join(ONLINE_GEOCODERS)}.")
        if name == "nominatim" and not agent:
            raise ValueError("Nominatim's usage policy asks for a user agent that identifies you: "
                             "set STORYMAP_GEOCODER_USER_AGENT (e.g. 'Newsroom Storymap, desk@example.org').")
        # No silent retries: each try is a request the service counts, and a slow
        # answer should read as a timeout, not as "unreachable".
        kwargs = {"timeout": timeout, "user_agent": agent or "storymap",
                  "adapter_factory": functools.partial(RequestsAdapter, max_retries=0)}
        domain = env.get(f"STORYMAP_{name.upper()}_DOMAIN")
        if domain:
            kwargs["domain"] = domain
            kwargs["scheme"] = env.get(f"STORYMAP_{name.upper()}_SCHEME", "https")
        if name == "arcgis":
            kwargs.pop("domain", None)
        service = ONLINE_GEOCODERS[name](**kwargs)
        online.append(OnlineGeocoder(service, name.capitalize() if name != "arcgis" else "ArcGIS", cache,
                                     min_delay=float(env.get("STORYMAP_GEOCODER_MIN_DELAY", "1"))))
    return GeocoderChain(OfflineGazetteer(gazetteer), online, int(env.get("STORYMAP_GEOCODER_BUDGET", "30")))


ONLINE_GEOCODERS = {"nominatim": Nominatim, "photon": Photon, "arcgis": ArcGIS}


def _utcnow() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
