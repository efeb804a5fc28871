"""Where stories and editors' work are kept: SQLAlchemy over SQLite or PostgreSQL.

Every change is one transaction and leaves a row in ``changes`` (who, when,
what before, what after), so any change can be undone. Places and stories
carry a version number: a save made against an old version is refused with
:class:`ConflictError`, which shows the other editor's change — never a silent
overwrite. Only an :class:`~storymap.accounts.Editor` can change anything; the
check is here, on the server, for every change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text,
                        UniqueConstraint, create_engine, event, func, select)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from storymap.accounts import Editor
from storymap.articles import MAX_STORY_CHARS, Story, StoryError, free_name, slugify
from storymap.gazetteer import KINDS, check_coordinates

FOUND, ACCEPTED, REJECTED, ADDED = "found", "accepted", "rejected", "added"
STATUSES = (FOUND, ACCEPTED, REJECTED, ADDED)
MAX_IMAGE_BYTES = 5 * 1024 * 1024
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
MAX_LABEL = 200
MAX_NOTE = 5000


class ConflictError(Exception):
    """Someone else saved first. ``current`` is what is saved now, ``change`` their edit."""

    def __init__(self, message: str, current: Any, change: "ChangeRecord | None"):
        super().__init__(message)
        self.current = current
        self.change = change


class NotFound(LookupError):
    pass


# --- schema ----------------------------------------------------------------


class Base(DeclarativeBase):
    type_annotation_map = {dict: JSON, list: JSON}


class StoryRow(Base):
    __tablename__ = "stories"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(Text)
    date: Mapped[str | None] = mapped_column(String(10))
    dateline: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}


class PlaceRow(Base):
    __tablename__ = "places"
    __table_args__ = (UniqueConstraint("story_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    gazetteer_id: Mapped[str] = mapped_column(String(200), default="")
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    country: Mapped[str] = mapped_column(String(8), default="")
    precision_km: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(20), default=FOUND)
    mentions: Mapped[list] = mapped_column(default=list)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    reason: Mapped[str] = mapped_column(Text, default="")
    runners_up: Mapped[list] = mapped_column(default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    geocoder: Mapped[str] = mapped_column(String(100), default="")
    located_at: Mapped[str] = mapped_column(String(40), default="")
    media_url: Mapped[str] = mapped_column(Text, default="")
    media_caption: Mapped[str] = mapped_column(Text, default="")
    media_credit: Mapped[str] = mapped_column(Text, default="")
    tour_order: Mapped[int | None] = mapped_column(Integer)
    tour_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    tour_zoom: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}


class ChangeRow(Base):
    __tablename__ = "changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    place_id: Mapped[int | None] = mapped_column(Integer)
    editor: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column()
    after: Mapped[dict | None] = mapped_column()
    undoes: Mapped[int | None] = mapped_column(Integer)


class MediaRow(Base):
    __tablename__ = "media"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    mime: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)


# --- records handed to the rest of the program -----------------------------

PLACE_FIELDS = ("key", "gazetteer_id", "name", "kind", "lat", "lon", "country", "precision_km", "status",
                "mentions", "confidence", "reason", "runners_up", "note", "source", "geocoder", "located_at",
                "media_url", "media_caption", "media_credit", "tour_order", "tour_hidden", "tour_zoom")
EDITABLE_PLACE = frozenset({"name", "kind", "lat", "lon", "precision_km", "status", "mentions", "note", "source",
                            "geocoder", "located_at", "media_url", "media_caption", "media_credit", "tour_order",
                            "tour_hidden", "tour_zoom", "gazetteer_id", "country", "confidence", "reason",
                            "runners_up"})
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


def _place_record(row: PlaceRow) -> PlaceRecord:
    return PlaceRecord(id=row.id, version=row.version, **{f: getattr(row, f) for f in PLACE_FIELDS})


def _story_record(row: StoryRow, places: list[PlaceRow]) -> StoryRecord:
    return StoryRecord(id=row.id, version=row.version, **{f: getattr(row, f) for f in STORY_FIELDS},
                       places=tuple(_place_record(p) for p in sorted(places, key=lambda p: p.id)))


# --- validation --------------------------------------------------------------


def validate_place(values: dict) -> dict:
    """Clean an editor's values; ValueError with a message meant for the editor."""
    out = dict(values)
    if "name" in out:
        out["name"] = str(out["name"]).strip()
        if not out["name"]:
            raise ValueError("A place needs a label.")
        if len(out["name"]) > MAX_LABEL:
            raise ValueError(f"A label is at most {MAX_LABEL} characters.")
    for key in ("lat", "lon", "precision_km"):
        if key in out:
            try:
                out[key] = float(out[key])
            except (TypeError, ValueError):
                raise ValueError(f"The {key.replace('_km', '')} must be a number, not {out[key]!r}.") from None
    if "lat" in out or "lon" in out:
        check_coordinates(out.get("lat", 0.0), out.get("lon", 0.0))
    if "precision_km" in out and (not math.isfinite(out["precision_km"]) or not 0 <= out["precision_km"] <= 5000):
        raise ValueError("The precision is a radius between 0 and 5000 km.")
    if "kind" in out and out["kind"] not in KINDS:
        raise ValueError(f"The kind must be one of: {', '.join(KINDS)}.")
    if "status" in out and out["status"] not in STATUSES:
        raise ValueError(f"The status must be one of: {', '.join(STATUSES)}.")
    if "note" in out and len(out["note"]) > MAX_NOTE:
        raise ValueError(f"A note is at most {MAX_NOTE} characters.")
    if out.get("media_url") and not (out["media_url"].startswith(("http://", "https://", "media:"))):
        raise ValueError("An image address must start with http:// or https://.")
    if "tour_zoom" in out and out["tour_zoom"] is not None and not 1 <= int(out["tour_zoom"]) <= 18:
        raise ValueError("A step's zoom is between 1 and 18.")
    unknown = set(out) - EDITABLE_PLACE - {"key"}
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    return out


def check_image(data: bytes) -> str:
    """The image's MIME type, or ValueError when it is too big or not an image."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError(f"The image is {len(data) / 1e6:.1f} MB; the limit is {MAX_IMAGE_BYTES // 2**20} MB.")
    from PIL import Image, UnidentifiedImageError
    import io

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValueError("The file is not an image (PNG, JPEG, GIF or WebP).") from None
    if kind not in IMAGE_TYPES:
        raise ValueError(f"Images must be PNG, JPEG, GIF or WebP, not {kind}.")
    return IMAGE_TYPES[kind]


def _require(editor: Editor | None) -> Editor:
    if not isinstance(editor, Editor):
        raise PermissionError("Only a signed-in editor can change a story.")
    return editor


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# --- the store -------------------------------------------------------------------


def default_url() -> str:
    """``STORYMAP_DATABASE_URL``, else a SQLite file in the user's data directory."""
    url = os.environ.get("STORYMAP_DATABASE_URL")
    if url:
        return url
    base = Path(os.environ.get("XDG_DATA_HOME", os.path.expanduser("~/.local/share"))) / "storymap"
    base.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{base / 'storymap.sqlite3'}"


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
        cursor.execute("PRAGMA busy_timeout=10000")  # two editors saving at once: the second waits
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


class Storage:
    """All reads and writes of stories, places, history and media."""

    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        self.engine = create_engine(self.url, future=True)
        if self.engine.dialect.name == "sqlite":
            _sqlite_pragmas(self.engine)
        from storymap.migrations import upgrade

        upgrade(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    # reading

    def slugs(self) -> list[str]:
        return list(self.titles())

    def titles(self) -> dict[str, str]:
        """Every story's slug and title, by slug."""
        with self._sessions() as s:
            return dict(s.execute(select(StoryRow.slug, StoryRow.title).order_by(StoryRow.slug)).all())

    def free_slug(self, slug: str) -> str:
        """``slug``, or ``slug-2``, ``slug-3``... whichever no story has yet."""
        return free_name(slug, set(self.titles()))

    def revision(self, slug: str) -> int:
        """The id of the story's latest change: changes whenever anything in it is saved."""
        with self._sessions() as s:
            story_id = s.scalar(select(StoryRow.id).where(StoryRow.slug == slug))
            if story_id is None:
                raise NotFound(f"There is no story called “{slug}”.")
            return s.scalar(select(func.max(ChangeRow.id)).where(ChangeRow.story_id == story_id)) or 0

    def load(self, slug: str) -> StoryRecord:
        with self._sessions() as s:
            row = s.scalar(select(StoryRow).where(StoryRow.slug == slug))
            if row is None:
                raise NotFound(f"There is no story called “{slug}”.")
            places = list(s.scalars(select(PlaceRow).where(PlaceRow.story_id == row.id)))
            return _story_record(row, places)

    def place(self, place_id: int) -> PlaceRecord:
        with self._sessions() as s:
            row = s.get(PlaceRow, place_id)
            if row is None:
                raise NotFound(f"There is no place {place_id}.")
            return _place_record(row)

    def history(self, slug: str) -> list[ChangeRecord]:
        with self._sessions() as s:
            story = s.scalar(select(StoryRow).where(StoryRow.slug == slug))
            if story is None:
                raise NotFound(f"There is no story called “{slug}”.")
            rows = s.scalars(select(ChangeRow).where(ChangeRow.story_id == story.id).order_by(ChangeRow.id.desc()))
            return [self._change(r, slug) for r in rows]

    def media(self, sha256: str) -> tuple[str, bytes]:
        with self._sessions() as s:
            row = s.get(MediaRow, sha256)
            if row is None:
                raise NotFound("No such image.")
            return row.mime, row.data

    @staticmethod
    def _change(row: ChangeRow, slug: str) -> ChangeRecord:
        return ChangeRecord(row.id, slug, row.place_id, row.editor, row.at, row.action, row.before, row.after,
                            row.undoes)

    # writing

    def create_story(self, editor: Editor | None, story: Story, places: list[dict]) -> StoryRecord:
        """Add a story with the places found in it (as ``found``, for editors to review)."""
        editor = _require(editor)
        _check_story_values(story.title, story.text)
        try:
            return self._create_story(editor, story, places)
        except IntegrityError:
            raise ValueError(f"A story called “{story.slug}” exists already.") from None

    def _create_story(self, editor: Editor, story: Story, places: list[dict]) -> StoryRecord:
        with self._sessions.begin() as s:
            if s.scalar(select(StoryRow.id).where(StoryRow.slug == story.slug)) is not None:
                raise ValueError(f"A story called “{story.slug}” exists already.")
            row = StoryRow(slug=story.slug, title=story.title, date=story.date.isoformat() if story.date else None,
                           dateline=story.dateline, source=story.source, url=story.url, text=story.text)
            s.add(row)
            s.flush()
            s.add(ChangeRow(story_id=row.id, editor=editor.name, at=_now(), action="create story",
                            before=None, after={f: getattr(row, f) for f in STORY_FIELDS}))
            for values in places:
                self._add_place(s, editor, row.id, validate_place(values), action="found")
        return self.load(story.slug)

    def add_place(self, editor: Editor | None, slug: str, values: dict) -> PlaceRecord:
        """A place the geoparser missed, tied to words of the text or to none (an annotation)."""
        editor = _require(editor)
        values = validate_place({"status": ADDED, **values})
        for key in ("name", "kind", "lat", "lon"):
            if key not in values:
                raise ValueError(f"A new place needs a {key}.")
        with self._sessions.begin() as s:
            story = s.scalar(select(StoryRow).where(StoryRow.slug == slug))
            if story is None:
                raise NotFound(f"There is no story called “{slug}”.")
            _check_mentions(values.get("mentions", []), story.text)
            row = self._add_place(s, editor, story.id, values, action="add place")
            return _place_record(row)

    def _add_place(self, s: Session, editor: Editor, story_id: int, values: dict, action: str) -> PlaceRow:
        taken = set(s.scalars(select(PlaceRow.key).where(PlaceRow.story_id == story_id)))
        key = free_name(values.pop("key", None) or slugify(values["name"]), taken)
        row = PlaceRow(story_id=story_id, key=key, **values)
        s.add(row)
        s.flush()
        s.add(ChangeRow(story_id=story_id, place_id=row.id, editor=editor.name, at=_now(), action=action,
                        before=None, after=_place_record(row).values()))
        return row

    def update_place(self, editor: Editor | None, place_id: int, expected_version: int, **changes) -> PlaceRecord:
        """Change a place; refused with ConflictError if it changed since ``expected_version``."""
        return self._update_place(editor, place_id, expected_version, changes)

    def _update_place(self, editor: Editor | None, place_id: int, expected_version: int, changes: dict,
                      action: str = "edit place", undoes: int | None = None) -> PlaceRecord:
        editor = _require(editor)
        changes = validate_place(changes)
        try:
            with self._sessions.begin() as s:
                row = s.get(PlaceRow, place_id)
                if row is None:
                    raise NotFound(f"There is no place {place_id}; it may have been deleted.")
                if row.version != expected_version:
                    raise StaleDataError()
                if "mentions" in changes:
                    _check_mentions(changes["mentions"], s.get(StoryRow, row.story_id).text)
                before = _place_record(row).values()
                for key, value in changes.items():
                    setattr(row, key, value)
                s.flush()  # the UPDATE checks the version too: a racing save fails here
                after = _place_record(row).values()
                s.add(ChangeRow(story_id=row.story_id, place_id=row.id, editor=editor.name, at=_now(),
                                action=action, before=_diff(before, after), after=_diff(after, before),
                                undoes=undoes))
                return _place_record(row)
        except StaleDataError:
            current = self.place(place_id)
            raise ConflictError(
                f"“{current.name}” was changed by someone else while you were editing. "
                "Your change was not saved; review theirs and save again.",
                current, self._last_change(place_id=place_id)) from None

    def update_story(self, editor: Editor | None, slug: str, expected_version: int, **changes) -> StoryRecord:
        """Change a story's title, date, dateline, source, URL or text (not its slug, which links use)."""
        return self._update_story(editor, slug, expected_version, changes)

    def _update_story(self, editor: Editor | None, slug: str, expected_version: int, changes: dict,
                      action: str = "edit story", undoes: int | None = None) -> StoryRecord:
        editor = _require(editor)
        unknown = set(changes) - set(STORY_FIELDS[1:])
        if unknown:
            raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}.")
        if "date" in changes and changes["date"]:
            try:
                dt.date.fromisoformat(str(changes["date"]))
            except ValueError:
                raise ValueError("The date must be YYYY-MM-DD.") from None
        if "url" in changes and changes["url"] and not str(changes["url"]).startswith(("http://", "https://")):
            raise ValueError("The URL must start with http:// or https://.")
        try:
            with self._sessions.begin() as s:
                row = s.scalar(select(StoryRow).where(StoryRow.slug == slug))
                if row is None:
                    raise NotFound(f"There is no story called “{slug}”.")
                if row.version != expected_version:
                    raise StaleDataError()
                _check_story_values(changes.get("title", row.title), changes.get("text", row.text))
                before = {f: getattr(row, f) for f in STORY_FIELDS}
                for key, value in changes.items():
                    setattr(row, key, value)
                if "text" in changes and changes["text"] != before["text"]:
                    self._reanchor(s, editor, row)
                s.flush()
                after = {f: getattr(row, f) for f in STORY_FIELDS}
                s.add(ChangeRow(story_id=row.id, editor=editor.name, at=_now(), action=action,
                                before=_diff(before, after), after=_diff(after, before), undoes=undoes))
        except StaleDataError:
            current = self.load(slug)
            raise ConflictError("The story was changed by someone else while you were editing. "
                                "Your change was not saved.", current, self._last_change(slug=slug)) from None
        return self.load(slug)

    def _reanchor(self, s: Session, editor: Editor, story: StoryRow) -> None:
        """After a text edit, tie each place's mentions to where its words now stand."""
        for place in s.scalars(select(PlaceRow).where(PlaceRow.story_id == story.id)):
            words = sorted({m[2] for m in place.mentions})
            mentions = [[i, i + len(w), w] for w in words for i in _find_all(story.text, w)]
            if mentions != place.mentions:
                before = _place_record(place).values()
                place.mentions = sorted(mentions)
                s.flush()
                s.add(ChangeRow(story_id=story.id, place_id=place.id, editor=editor.name, at=_now(),
                                action="re-anchor after text edit", before={"mentions": before["mentions"]},
                                after={"mentions": place.mentions}))

    def undo(self, editor: Editor | None, change_id: int) -> ChangeRecord:
        """Put back what a change replaced; itself a change, so it can be undone too."""
        editor = _require(editor)
        with self._sessions() as s:
            change = s.get(ChangeRow, change_id)
            if change is None:
                raise NotFound(f"There is no change {change_id}.")
            story_slug = s.scalar(select(StoryRow.slug).where(StoryRow.id == change.story_id))
            change = self._change(change, story_slug)
        action = f"undo #{change_id}"
        if change.place_id is not None and change.before is None:  # undo an added place: reject it
            current = self.place(change.place_id)
            self._update_place(editor, change.place_id, current.version, {"status": REJECTED}, action, change_id)
        elif change.place_id is not None:
            current = self.place(change.place_id)
            stale = {k for k, v in (change.after or {}).items() if current.values().get(k) != v}
            if stale:
                raise ConflictError(f"“{current.name}” has changed again since ({', '.join(sorted(stale))}); "
                                    "undo the later change first.", current, self._last_change(place_id=current.id))
            self._update_place(editor, change.place_id, current.version, dict(change.before), action, change_id)
        elif change.before is not None:
            current = self.load(story_slug)
            self._update_story(editor, story_slug, current.version, dict(change.before), action, change_id)
        else:
            raise ValueError("Creating a story cannot be undone.")
        return self.history(story_slug)[0]

    def _last_change(self, place_id: int | None = None, slug: str | None = None) -> ChangeRecord | None:
        with self._sessions() as s:
            query = select(ChangeRow, StoryRow.slug).join(StoryRow, StoryRow.id == ChangeRow.story_id)
            query = query.where(ChangeRow.place_id == place_id) if place_id is not None else \
                query.where(StoryRow.slug == slug, ChangeRow.place_id.is_(None))
            found = s.execute(query.order_by(ChangeRow.id.desc()).limit(1)).first()
            return self._change(found[0], found[1]) if found else None

    def save_media(self, editor: Editor | None, data: bytes) -> str:
        """Store an uploaded image; returns its ``media:`` address."""
        _require(editor)
        mime = check_image(data)
        digest = hashlib.sha256(data).hexdigest()
        with self._sessions.begin() as s:
            if s.get(MediaRow, digest) is None:
                s.add(MediaRow(sha256=digest, mime=mime, data=data))
        return f"media:{digest}"

    # whole stories as JSON

    def export_json(self, slug: str) -> dict:
        record = self.load(slug)
        return {"format": "storymap-story", "version": 1, "story": record.values(),
                "places": [p.values() for p in record.places]}

    def import_json(self, editor: Editor | None, data: dict) -> StoryRecord:
        """Recreate a story exported by :meth:`export_json` (its slug must be free)."""
        if not isinstance(data, dict) or data.get("format") != "storymap-story":
            raise ValueError("This is not a Storymap story export.")
        values = dict(data["story"])
        story = Story(slug=slugify(values["slug"]), title=values["title"], text=values["text"],
                      date=dt.date.fromisoformat(values["date"]) if values.get("date") else None,
                      dateline=values.get("dateline", ""), source=values.get("source", ""),
                      url=values.get("url", ""))
        places = [{k: v for k, v in p.items() if k in EDITABLE_PLACE | {"key", "runners_up"}}
                  for p in data.get("places", [])]
        for p in places:
            _check_mentions(p.get("mentions", []), story.text)
        return self.create_story(editor, story, places)



def _check_story_values(title: str, text: str) -> None:
    if not str(title).strip():
        raise ValueError("A story needs a title.")
    if not str(text).strip():
        raise StoryError("This story has no text to map.")
    if len(text) > MAX_STORY_CHARS:
        raise StoryError(f"This story is too long to map ({len(text) / 1e6:.1f} million characters; "
                         f"the limit is {MAX_STORY_CHARS / 1e6:.0f} million).")


def _check_mentions(mentions: list, text: str) -> None:
    for m in mentions:
        if not (isinstance(m, (list, tuple)) and len(m) == 3):
            raise ValueError("A mention is [start, end, words].")
        start, end, words = m
        if not (0 <= start < end <= len(text)) or text[start:end] != words:
            raise ValueError(f"The words “{words}” are not at that place in the text.")


def _find_all(text: str, words: str) -> list[int]:
    out, i = [], text.find(words)
    while i >= 0:
        out.append(i)
        i = text.find(words, i + len(words))
    return out


def _diff(a: dict, b: dict) -> dict:
    return {k: v for k, v in a.items() if b.get(k) != v}

