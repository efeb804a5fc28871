"""What the store hands the rest of the program: stories with their places (each a
:class:`~storymap.places.ResolvedPlace`, the one story-place type) and changes, each with the
version a save is checked against; and the flat values a place is stored and filed as."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storymap.articles import Story
from storymap.places import Media, Mention, Place, ResolvedPlace, Stored, TourStop
from storymap.schema import STATUS_LABELS
from storymap.shapes import describe
from storymap.tables import PlaceRow, StoryRow
from storymap.tiles import LABELS as BASE_MAP_LABELS


PLACE_FIELDS = ("key", "gazetteer_id", "name", "kind", "lat", "lon", "country", "precision_km", "status",
                "mentions", "confidence", "reason", "runners_up", "note", "source", "geocoder", "located_at",
                "media", "tour_order", "tour_hidden", "tour_zoom", "shape")
TOUR_FIELDS = ("tour_order", "tour_hidden", "tour_zoom")
STORY_FIELDS = ("slug", "title", "date", "dateline", "source", "url", "text", "basemap", "tour_line")


@dataclass(frozen=True)
class Broken:
    """A place stored before every door checked the schema (a kind or a position no place can
    have): not drawn, but named, and kept with its values for an editor to correct or reject."""

    stored: Stored
    name: str
    why: str
    values: dict


@dataclass(frozen=True)
class StoryRecord:
    id: int
    version: int
    slug: str
    title: str
    date: str | None
    dateline: str
    source: str
    url: str
    text: str
    basemap: str = ""
    tour_line: bool = True
    places: tuple[ResolvedPlace, ...] = ()
    broken: tuple[Broken, ...] = ()  # stored places that cannot be read as places

    def story(self) -> Story:
        date = dt.date.fromisoformat(self.date) if self.date else None
        return Story(slug=self.slug, title=self.title, text=self.text, date=date, dateline=self.dateline,
                     source=self.source, url=self.url, basemap=self.basemap, tour_line=self.tour_line)

    def values(self) -> dict:
        return {f: getattr(self, f) for f in STORY_FIELDS}


@dataclass(frozen=True)
class ChangeRecord:
    id: int
    story_slug: str
    place_id: int | None
    editor: str
    at: dt.datetime
    action: str
    before: dict | None
    after: dict | None
    undoes: int | None

    @property
    def fields_changed(self) -> list[str]:
        before, after = self.before or {}, self.after or {}
        return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))

    def described(self) -> list[tuple[str, str, str]]:
        """The change as an editor reads it: each field, what it was, what it became (not escaped)."""
        before, after = self.before or {}, self.after or {}
        return [(field.replace("_", " "), readable(before.get(field)), readable(after.get(field)))
                for field in self.fields_changed]


def readable(value, most: int = 160) -> str:
    """A stored value as an editor reads it (a status or a base map by its label, a shape in words,
    media by their captions), cut at ``most`` characters: a story's whole text is not a line of history."""
    if isinstance(value, dict) and "coordinates" in value:
        return describe(value)
    if isinstance(value, list) and all(isinstance(v, dict) and "kind" in v for v in value):
        value = "; ".join(f"{v['kind']} “{v.get('caption') or v.get('url', '')}”" for v in value) or "none"
    if isinstance(value, (str, type(None))):
        value = {**STATUS_LABELS, **BASE_MAP_LABELS}.get(value, "—" if value in (None, "") else value)
    text = str(value)
    return text if len(text) <= most else text[:most - 1] + "…"


def place_values(rp: ResolvedPlace) -> dict:
    """A story-place as it is stored, filed (the story file) and edited: flat values, one per column."""
    p, tour = rp.place, rp.tour
    return {"key": rp.key, "gazetteer_id": "" if rp.stored and p.id == f"db:{rp.stored.id}" else p.id,
            "name": p.name, "kind": p.kind, "lat": p.lat, "lon": p.lon, "country": p.country,
            "precision_km": p.precision_km, "status": rp.status,
            "mentions": [[m.start, m.end, m.text] for m in rp.mentions], "confidence": rp.confidence,
            "reason": rp.reason, "runners_up": [r.to_dict() for r in rp.runners_up], "note": p.note,
            "source": p.source, "geocoder": rp.geocoder, "located_at": rp.located_at,
            "media": [m.to_dict() for m in rp.media],
            "tour_order": tour.order, "tour_hidden": tour.hidden, "tour_zoom": tour.zoom, "shape": rp.shape}


def row_values(row: PlaceRow) -> dict:
    """A stored place's values, as the history of changes records them."""
    return {f: getattr(row, f) for f in PLACE_FIELDS}


def story_place(row: PlaceRow) -> ResolvedPlace:
    """A stored place as the story-place every module reads. ValueError (or TypeError, KeyError)
    for a row stored before every door checked the schema."""
    place = Place(id=row.gazetteer_id or f"db:{row.id}", name=row.name, kind=row.kind, lat=row.lat, lon=row.lon,
                  country=row.country, precision_km=row.precision_km, source=row.source, note=row.note)
    return ResolvedPlace(
        row.key, place, [Mention(start, end, words) for start, end, words in row.mentions], row.confidence,
        row.reason, [Place(**{**d, "names": tuple(d.get("names", ()))}) for d in row.runners_up],
        status=row.status,
        media=tuple(Media.from_dict(item) for item in row.media),
        tour=TourStop(row.tour_order, row.tour_hidden, row.tour_zoom), geocoder=row.geocoder,
        located_at=row.located_at, stored=Stored(row.id, row.version), shape=row.shape)


def read_place(row: PlaceRow) -> ResolvedPlace | Broken:
    """A stored place as a story-place, or as :class:`Broken` when its values cannot make one."""
    try:
        return story_place(row)
    except (ValueError, TypeError, KeyError) as exc:
        return Broken(Stored(row.id, row.version), str(row.name), str(exc) or type(exc).__name__, row_values(row))


def story_record(row: StoryRow, rows: list[PlaceRow]) -> StoryRecord:
    read = [read_place(place) for place in sorted(rows, key=lambda p: p.id)]
    places = [p for p in read if isinstance(p, ResolvedPlace)]
    broken = [p for p in read if isinstance(p, Broken)]
    return StoryRecord(id=row.id, version=row.version, **{f: getattr(row, f) for f in STORY_FIELDS},
                       places=tuple(places), broken=tuple(broken))
