"""What the store hands the rest of the program: frozen records of stories, places and changes,
each with the version a save is checked against."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from storymap.articles import Story
from storymap.schema import FOUND
from storymap.tables import PlaceRow, StoryRow


PLACE_FIELDS = ("key", "gazetteer_id", "name", "kind", "lat", "lon", "country", "precision_km", "status",
                "mentions", "confidence", "reason", "runners_up", "note", "source", "geocoder", "located_at",
                "media_url", "media_caption", "media_credit", "tour_order", "tour_hidden", "tour_zoom")
TOUR_FIELDS = ("tour_order", "tour_hidden", "tour_zoom")
STORY_FIELDS = ("slug", "title", "date", "dateline", "source", "url", "text")


@dataclass(frozen=True)
class PlaceRecord:
    id: int
    version: int
    key: str
    name: str
    kind: str
    lat: float
    lon: float
    gazetteer_id: str = ""
    country: str = ""
    precision_km: float = 0.0
    status: str = FOUND
    mentions: list = field(default_factory=list)
    confidence: float = 1.0
    reason: str = ""
    runners_up: list = field(default_factory=list)
    note: str = ""
    source: str = ""
    geocoder: str = ""
    located_at: str = ""
    media_url: str = ""
    media_caption: str = ""
    media_credit: str = ""
    tour_order: int | None = None
    tour_hidden: bool = False
    tour_zoom: int | None = None

    def values(self) -> dict:
        return {f: getattr(self, f) for f in PLACE_FIELDS}


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
    places: tuple[PlaceRecord, ...] = ()

    def story(self) -> Story:
        date = dt.date.fromisoformat(self.date) if self.date else None
        return Story(slug=self.slug, title=self.title, text=self.text, date=date, dateline=self.dateline,
                     source=self.source, url=self.url)

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


def place_record(row: PlaceRow) -> PlaceRecord:
    return PlaceRecord(id=row.id, version=row.version, **{f: getattr(row, f) for f in PLACE_FIELDS})


def story_record(row: StoryRow, places: list[PlaceRow]) -> StoryRecord:
    return StoryRecord(id=row.id, version=row.version, **{f: getattr(row, f) for f in STORY_FIELDS},
                       places=tuple(place_record(p) for p in sorted(places, key=lambda p: p.id)))
