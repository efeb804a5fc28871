"""Geocoders: the offline gazetteer as a geopy ``Geocoder``, and the online services behind it.

What geopy's interface does here, exactly:

* The resolver asks for a name's candidates through :func:`candidates`, which takes
  any geopy ``Geocoder`` and turns each ``Location`` it answers into a
  :class:`~storymap.places.Place`. The offline gazetteer (:class:`OfflineGazetteer`)
  speaks that interface too (``geocode`` answers Locations), but ``candidates``
  takes its Places directly, as the same answer without the round trip through
  Locations (a third of a story's resolution time). Another geocoder passed to
  ``geoparse`` changes the candidates only: the resolver still reads the offline
  gazetteer itself for the rest of its evidence (countries, curated aliases,
  qualifiers, demonyms, the dateline; see :mod:`storymap.resolution`).
* The online geocoders (Nominatim, Photon, ArcGIS) are geopy's, each wrapped in an
  :class:`OnlineGeocoder` that keeps its service's pace and caches its answers.
  The :class:`GeocoderChain` that puts the offline gazetteer first and them after,
  within a request budget and a time limit, is Storymap's own and not a geopy
  ``Geocoder``: analysis asks it about the names the gazetteer does not know, and
  the editor's search asks it by name.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import sqlite3
import threading
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from geopy.exc import (GeocoderAuthenticationFailure, GeocoderInsufficientPrivileges, GeocoderParseError,
                       GeocoderQuotaExceeded, GeocoderRateLimited, GeocoderServiceError, GeocoderTimedOut,
                       GeocoderUnavailable)
from geopy.adapters import BaseSyncAdapter, RequestsAdapter
from geopy.geocoders import ArcGIS, Nominatim, Photon
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from storymap.cache import cache_dir
from storymap.gazetteer import Gazetteer, default_gazetteer
from storymap.places import CITY, COUNTRY, LANDFORM, REGION, SITE, Place, normalize
from storymap.settings import current as current_settings


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


@functools.singledispatch
def candidates(geocoder: Geocoder, name: str, limit: int = 25) -> list[Place]:
    """Every place ``geocoder`` offers for ``name``, as Places."""
    found = geocoder.geocode(name, exactly_one=False, limit=limit)
    source = type(geocoder).__name__
    return [place_from_location(loc, source) for loc in (found or [])]


@candidates.register
def _(geocoder: OfflineGazetteer, name: str, limit: int = 25) -> list[Place]:
    # The same answer as geocode() gives, without the round trip through geopy Locations
    # that would only be turned back into these Places (a third of a story's resolution time).
    return geocoder.gazetteer.lookup(name, limit)


# --- online geocoders, behind the offline one ---------------------------------------


_EVERY_QUERY = ""
"""The query under which a failure of a whole service is kept (no one asks about nothing)."""


class GeocodeCache:
    """Every online answer, kept on disk: the same name is never asked twice.

    Failures are kept too, for a short while: a search box that reruns on every
    keystroke, or a second click on "look up", does not wait again on a service
    that has just failed.
    """

    def __init__(self, path: Path | None = None):
        self.path = Path(path or cache_dir() / "geocode-cache.sqlite3")
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS answers (geocoder TEXT, query TEXT, answer TEXT, at TEXT, "
                       "PRIMARY KEY (geocoder, query))")
            db.execute("CREATE TABLE IF NOT EXISTS failures (geocoder TEXT, query TEXT, reason TEXT, at REAL, "
                       "until REAL, PRIMARY KEY (geocoder, query))")

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

    def failure(self, service: str, query: str) -> Failure | None:
        """The failure still remembered for ``query``, or for the whole service: the later-ending one.

        ``service`` is the service's address: a deployment that moves to another server starts afresh.
        """
        with closing(self._connect()) as db:
            row = db.execute("SELECT reason, at, until FROM failures WHERE geocoder = ? AND query IN (?, ?) "
                             "AND until > ? ORDER BY until DESC LIMIT 1",
                             (service, normalize(query), _EVERY_QUERY, time.time())).fetchone()
        return Failure(*row) if row else None

    def remember_failure(self, service: str, query: str | None, reason: str, seconds: float) -> None:
        """Keep a failure for ``seconds``; ``query`` None when the whole service failed (down, refusing us)."""
        now = time.time()
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM failures WHERE until <= ?", (now,))
            db.execute("INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?, ?)",
                       (service, _EVERY_QUERY if query is None else normalize(query), reason, now, now + seconds))


@dataclass(frozen=True)
class Failure:
    """A recent failure of an online geocoder, kept so that it is not asked again at once."""

    reason: str
    at: float  # time.time()
    until: float

    def problem(self) -> str:
        ago = time.time() - self.at
        return (f"not asked: it {self.reason} {'a moment' if ago < 60 else _duration(ago)} ago; "
                f"it will be asked again in {_duration(self.until - time.time())}")


@dataclass(frozen=True)
class LookupProblem:
    """A name an online geocoder could not look up, and why (for the editor)."""

    name: str
    geocoder: str
    reason: str


@dataclass(frozen=True)
class Deadline:
    """When an action (a search, a look-up, an import) stops asking online geocoders.

    One per action however many names it asks about: a service that accepts and
    never answers costs the action its time limit once, not once per name.
    """

    at: float  # time.monotonic()

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())


_SHORTEST_REQUEST = 0.5
"""Seconds: a request given less time than this before the deadline would read a healthy service as down."""

_NEXT_REQUEST: dict[str, float] = {}
_NEXT_REQUEST_LOCK = threading.Lock()


def _request_slot(service: str, min_delay: float, latest: float) -> float | None:
    """Reserve the moment (``time.monotonic()``) this process may next ask ``service``; None if after ``latest``.

    Kept for the whole process, not per chain: every rerun and every editor's
    session share one request a second to Nominatim, as its usage policy asks.
    """
    with _NEXT_REQUEST_LOCK:
        at = max(time.monotonic(), _NEXT_REQUEST.get(service, 0.0))
        if at > latest:
            return None
        _NEXT_REQUEST[service] = at + min_delay
        return at


def _request_ended(service: str, min_delay: float) -> None:
    """Push the service's next slot to ``min_delay`` after this request ended: a request sent late (a busy
    machine wakes a sleeper late) or answered slowly must not bring the next one closer than the pace."""
    with _NEXT_REQUEST_LOCK:
        _NEXT_REQUEST[service] = max(_NEXT_REQUEST.get(service, 0.0), time.monotonic() + min_delay)


class OnlineGeocoder:
    """A geopy geocoder used as its service asks: one request per ``min_delay`` seconds from the whole
    process, answers cached."""

    def __init__(self, geocoder: Geocoder, name: str, cache: GeocodeCache, min_delay: float = 1.0):
        self.geocoder = geocoder
        self.name = name
        self.address = getattr(geocoder, "api", name)  # what its pace and its failures are kept under
        self.cache = cache
        self.min_delay = min_delay

    def cached(self, query: str) -> list[Place] | None:
        """The places the service gave for ``query`` before, or None if it was never asked."""
        answers = self.cache.get(self.name, query)
        return None if answers is None else _places(answers, self.name)

    def reserve(self, deadline: Deadline) -> float | None:
        """When a request may be sent, within this service's pace and the deadline; None if it may not."""
        return _request_slot(self.address, self.min_delay, deadline.at - _SHORTEST_REQUEST)

    def ask(self, query: str, limit: int, at: float, deadline: Deadline) -> list[Place]:
        """Places for ``query`` from one request sent at ``at`` (from ``reserve``), answered by the deadline.

        The answer is cached. Raises geopy's errors, and ValueError for impossible coordinates.
        """
        time.sleep(max(0.0, at - time.monotonic()))
        kwargs = {"exactly_one": False, "timeout": min(self.geocoder.timeout, deadline.remaining())}
        if isinstance(self.geocoder, (Nominatim, Photon)):  # ArcGIS takes no limit
            kwargs["limit"] = limit
        if isinstance(self.geocoder, Nominatim):
            kwargs["addressdetails"] = True
        try:
            found = self.geocoder.geocode(query, **kwargs) or []
        finally:
            _request_ended(self.address, self.min_delay)
        answers = [{"address": loc.address, "lat": loc.latitude, "lon": loc.longitude, "raw": loc.raw}
                   for loc in found]
        self.cache.put(self.name, query, answers)
        return _places(answers, self.name)


def _places(answers: list[dict], source: str) -> list[Place]:
    places = []
    for answer in answers:
        try:
            location = Location(answer["address"], Point(answer["lat"], answer["lon"]), answer["raw"])
            places.append(place_from_location(location, source))
        except (ValueError, KeyError, TypeError):
            continue  # an answer with impossible coordinates is no answer
    return places


# Failures of the whole service, not of one name: every other name would fail the same way now.
_SERVICE_FAILURES = {
    GeocoderTimedOut: "took too long to answer",
    GeocoderRateLimited: "refused our requests as too many (429)",
    GeocoderInsufficientPrivileges: "refused access (403)",
    GeocoderAuthenticationFailure: "refused the credentials",
    GeocoderQuotaExceeded: "said its quota is used up",
    GeocoderUnavailable: "could not be reached",
}


def _failure(exc: Exception) -> tuple[str, bool]:
    """What went wrong, for the editor, and whether it was the whole service (True) or this one name."""
    for kind, text in _SERVICE_FAILURES.items():
        if isinstance(exc, kind):
            return text, True
    if isinstance(exc, GeocoderParseError):
        return "answered something that is not a geocoder answer", False
    if isinstance(exc, ValueError):  # geopy refuses an answer with impossible coordinates
        return "answered impossible coordinates", False
    return f"failed ({exc})", False


class GeocoderChain:
    """The offline gazetteer first, then each online geocoder, within a request budget and a time limit.

    The budget counts every request a story's chain sends, answered or not (the
    service counts them all). The time limit holds for each action as a whole (a
    search, a look-up, an import). Answers and, for ``retry_after`` seconds,
    failures are kept, so a rerun of the page does not ask again.
    """

    def __init__(self, offline: OfflineGazetteer, online: list[OnlineGeocoder] = (), budget: int = 30,
                 time_limit: float = 10.0, retry_after: float = 120.0):
        self.offline = offline
        self.online = list(online)
        self.budget = budget
        self.time_limit = time_limit
        self.retry_after = retry_after
        self.problems: list[LookupProblem] = []

    def new_action(self) -> Deadline:
        """A search, a look-up or an import begins: its own deadline; ``problems`` are its own."""
        self.problems = []
        return Deadline(time.monotonic() + self.time_limit)

    def search(self, name: str, limit: int = 8) -> list[Place]:
        """Offline answers if any, else the first online geocoder that has some (one action)."""
        deadline = self.new_action()
        return candidates(self.offline, name, limit) or self.online_only(name, limit, deadline)

    def online_only(self, name: str, limit: int = 5, deadline: Deadline | None = None) -> list[Place]:
        """The first online geocoder's places for ``name``, by ``deadline`` (default: an action of its own)."""
        return self.online_answer(name, limit, deadline)[1]

    def online_answer(self, name: str, limit: int = 5,
                      deadline: Deadline | None = None) -> tuple[str, list[Place]]:
        """The name of the first online geocoder that knows ``name`` and its places; ("", []) if none does."""
        deadline = deadline or self.new_action()
        if not normalize(name):
            return "", []
        for service in self.online:
            places = service.cached(name)
            if places is None:
                places = self._ask(service, name, limit, deadline)
            if places:
                return service.name, places
        return "", []

    def _ask(self, service: OnlineGeocoder, name: str, limit: int, deadline: Deadline) -> list[Place]:
        """One request, if the service's recent failures, the budget and the deadline allow it."""
        failure = service.cache.failure(service.address, name)
        if failure:
            return self._problem(name, service, failure.problem())
        if self.budget <= 0:
            return self._problem(name, service, "not asked: this story's lookup limit is used up")
        at = service.reserve(deadline)
        if at is None:
            return self._problem(name, service, "not tried: time ran out (online lookups stop after "
                                                f"{_duration(self.time_limit)})")
        self.budget -= 1
        try:
            return service.ask(name, limit, at, deadline)
        except (GeocoderServiceError, ValueError) as exc:
            reason, whole_service = _failure(exc)
            rest = max(self.retry_after, getattr(exc, "retry_after", None) or 0)  # a 429 may say how long
            service.cache.remember_failure(service.address, None if whole_service else name, reason, rest)
            return self._problem(name, service, reason)

    def _problem(self, name: str, service: OnlineGeocoder, reason: str) -> list[Place]:
        self.problems.append(LookupProblem(name, service.name, reason))
        return []


def chain_from_settings(settings: dict | None = None, gazetteer: Gazetteer | None = None) -> GeocoderChain:
    """The geocoder chain a deployment asks for (environment, or a dict from Streamlit secrets).

    ``STORYMAP_GEOCODERS`` lists online geocoders after the offline gazetteer
    (``nominatim``, ``photon``, ``arcgis``); Nominatim needs a real
    ``STORYMAP_GEOCODER_USER_AGENT`` that says who you are, as its policy asks.
    """
    env = {**current_settings().geocoders, **{k.upper(): str(v) for k, v in (settings or {}).items()}}
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
    return GeocoderChain(OfflineGazetteer(gazetteer), online, int(env.get("STORYMAP_GEOCODER_BUDGET", "30")),
                         time_limit=float(env.get("STORYMAP_GEOCODER_TIME_LIMIT", "10")),
                         retry_after=float(env.get("STORYMAP_GEOCODER_RETRY_AFTER", "120")))


ONLINE_GEOCODERS = {"nominatim": Nominatim, "photon": Photon, "arcgis": ArcGIS}


def _duration(seconds: float) -> str:
    """Seconds as an editor reads them: "1 second", "40 seconds", "3 minutes"."""
    if seconds < 90:
        n = max(1, math.ceil(seconds))
        return f"{n} second{'s' if n != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"


def _utcnow() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
