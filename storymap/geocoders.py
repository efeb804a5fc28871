"""Geocoders behind one interface: geopy's ``Geocoder``.

The resolver asks a geocoder for every candidate of a name and turns each
geopy ``Location`` back into a :class:`~storymap.gazetteer.Place`. Because the
offline gazetteer speaks the same interface as geopy's Nominatim, an online
geocoder can replace or back it without a change anywhere else.
"""

from __future__ import annotations

from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from storymap.gazetteer import CITY, COUNTRY, LANDFORM, REGION, SITE, Gazetteer, Place, default_gazetteer


class OfflineGazetteer(Geocoder):
    """A geopy geocoder that answers from the offline gazetteer; never touches the network."""

    def __init__(self, gazetteer: Gazetteer | None = None, *, user_agent: str = "storymap"):
        super().__init__(user_agent=user_agent)
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


def candidates(geocoder: Geocoder, name: str, limit: int = 10) -> list[Place]:
    """Every place ``geocoder`` offers for ``name``, as Places."""
    found = geocoder.geocode(name, exactly_one=False, limit=limit)
    source = type(geocoder).__name__
    return [place_from_location(loc, source) for loc in (found or [])]
