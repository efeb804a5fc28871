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
from collections import Counter
from typing import Any

from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from storymap.accounts import Editor
from storymap.articles import Story, free_name, slugify
from storymap.media import check_upload, kind_of
from storymap.places import ResolvedPlace
from storymap.records import (STORY_FIELDS, TOUR_FIELDS, Broken, ChangeRecord, StoryRecord, read_place,
                              row_values, story_place, story_record)
from storymap.schema import (ADDED, REJECTED, check_mentions, check_story_text, check_story_values, find_all,
                             validate_place)
from storymap.settings import current as current_settings
from storymap.tables import ChangeRow, MediaRow, PlaceRow, StoryRow


class ConflictError(Exception):
    """Someone else saved first. ``current`` is what is saved now, ``change`` their edit."""

    def __init__(self, message: str, current: Any, change: "ChangeRecord | None"):
        super().__init__(message)
        self.current = current
        self.change = change


class NotFound(LookupError):
    pass


class SchemaOutOfDate(RuntimeError):
    """The database has not been migrated to this code's schema; the message says how."""


def _require(editor: Editor | None) -> Editor:
    if not isinstance(editor, Editor):
        raise PermissionError("Only a signed-in editor can change a story.")
    return editor


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def default_url() -> str:
    """``STORYMAP_DATABASE_URL``, else a SQLite file in the user's data directory."""
    settings = current_settings()
    if settings.database_url:
        return settings.database_url
    base = settings.data_home / "storymap"
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
        self._check_schema()
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def _check_schema(self) -> None:
        """The database must be at this code's schema. A SQLite file is set up on first use (one
        machine, one process: Storymap's embedded default); any other database is migrated as a
        step of its own (``python -m storymap migrate``), so app processes starting together on a
        fresh server never race to create it."""
        from storymap import migrations

        if migrations.current(self.engine) == migrations.head():
            return
        if self.engine.dialect.name == "sqlite":
            migrations.upgrade(self.engine)
            return
        raise SchemaOutOfDate(
            f"The database {self.engine.url.render_as_string(hide_password=True)} is not at Storymap's schema "
            f"({migrations.current(self.engine) or 'empty'}, expected {migrations.head()}): "
            "run `python -m storymap migrate` once, then start the app.")

    # reading

    def slugs(self) -> list[str]:
        """Every slug in use, deleted stories' too (they can be restored, so their slugs stay taken)."""
        with self._sessions() as s:
            return list(s.scalars(select(StoryRow.slug).order_by(StoryRow.slug)))

    def titles(self, deleted: bool = False) -> dict[str, str]:
        """Every story's slug and title, by slug (the deleted ones with ``deleted=True``)."""
        with self._sessions() as s:
            query = select(StoryRow.slug, StoryRow.title).where(StoryRow.deleted.is_(deleted))
            return dict(s.execute(query.order_by(StoryRow.slug)).all())

    def labels(self) -> dict[str, str]:
        """Each story's slug and a label that tells it apart: its title, after the slug where two
        stories share a title (an imported copy), so no picker can mix them up, however narrow."""
        titles = self.titles()
        counts = Counter(titles.values())
        return {slug: title if counts[title] == 1 else f"{slug}: {title}" for slug, title in titles.items()}

    def free_slug(self, slug: str) -> str:
        """``slug``, or ``slug-2``, ``slug-3``... whichever no story has yet."""
        return free_name(slug, set(self.slugs()))

    def _story_row(self, s: Session, slug: str, deleted: bool = False) -> StoryRow:
        row = s.scalar(select(StoryRow).where(StoryRow.slug == slug, StoryRow.deleted.is_(deleted)))
        if row is None:
            raise NotFound(f"There is no story called “{slug}”." if not deleted else
                           f"There is no deleted story called “{slug}”.")
        return row

    def revision(self, slug: str) -> int:
        """The id of the story's latest change: changes whenever anything in it is saved."""
        with self._sessions() as s:
            story_id = self._story_row(s, slug).id
            return s.scalar(select(func.max(ChangeRow.id)).where(ChangeRow.story_id == story_id)) or 0

    def load(self, slug: str) -> StoryRecord:
        with self._sessions() as s:
            row = self._story_row(s, slug)
            places = list(s.scalars(select(PlaceRow).where(PlaceRow.story_id == row.id)))
            return story_record(row, places)

    def recent_places(self, stories: int, leave_out: str = "") -> list[list[ResolvedPlace]]:
        """The places of the newest ``stories`` stories but ``leave_out``, a list per story: what
        the newsroom's home is learned from (:mod:`storymap.home`)."""
        with self._sessions() as s:
            ids = list(s.scalars(select(StoryRow.id).where(StoryRow.deleted.is_(False), StoryRow.slug != leave_out)
                                 .order_by(StoryRow.id.desc()).limit(stories)))
            by_story: dict[int, list[ResolvedPlace]] = {i: [] for i in ids}
            for row in s.scalars(select(PlaceRow).where(PlaceRow.story_id.in_(ids))):
                place = read_place(row)
                if isinstance(place, ResolvedPlace):
                    by_story[row.story_id].append(place)
            return list(by_story.values())

    def place(self, place_id: int) -> ResolvedPlace | Broken:
        with self._sessions() as s:
            return read_place(self._place_row(s, place_id))

    def place_values(self, place_id: int) -> tuple[dict, int]:
        """A place's stored values and version, also those of a place stored before the schema was checked."""
        with self._sessions() as s:
            row = self._place_row(s, place_id)
            return row_values(row), row.version

    @staticmethod
    def _place_row(s: Session, place_id: int) -> PlaceRow:
        row = s.get(PlaceRow, place_id)
        if row is None:
            raise NotFound(f"There is no place {place_id}.")
        return row

    def history(self, slug: str) -> list[ChangeRecord]:
        """Every change to a story, newest first (a deleted story's too: its deletion can be undone)."""
        with self._sessions() as s:
            story = s.scalar(select(StoryRow).where(StoryRow.slug == slug))
            if story is None:
                raise NotFound(f"There is no story called “{slug}”.")
            rows = s.scalars(select(ChangeRow).where(ChangeRow.story_id == story.id).order_by(ChangeRow.id.desc()))
            return [self._change(r, slug) for r in rows]

    def uploads(self, digests: set[str]) -> list[tuple[str, str, bytes]]:
        """The stored uploads among ``digests``, as (sha256, type, bytes), in digest order."""
        with self._sessions() as s:
            rows = s.scalars(select(MediaRow).where(MediaRow.sha256.in_(digests)).order_by(MediaRow.sha256))
            return [(r.sha256, r.mime, r.data) for r in rows]

    def media(self, sha256: str) -> tuple[str, bytes]:
        with self._sessions() as s:
            row = s.get(MediaRow, sha256)
            if row is None:
                raise NotFound("No such upload.")
            return row.mime, row.data

    @staticmethod
    def _change(row: ChangeRow, slug: str) -> ChangeRecord:
        return ChangeRecord(row.id, slug, row.place_id, row.editor, row.at, row.action, row.before, row.after,
                            row.undoes)

    # writing

    def create_story(self, editor: Editor | None, story: Story, places: list[dict],
                     uploads: list[tuple[str, str, bytes]] = ()) -> StoryRecord:
        """Add a story with the places found in it (as ``found``, for editors to review) and the uploads
        (sha256, type, bytes: checked already) they show, all or nothing."""
        editor = _require(editor)
        check_story_text(story.title, story.text)
        check_story_values(_story_values(story))
        try:
            return self._create_story(editor, story, places, uploads)
        except IntegrityError:
            raise ValueError(f"A story called “{story.slug}” exists already.") from None

    def _create_story(self, editor: Editor, story: Story, places: list[dict], uploads) -> StoryRecord:
        with self._sessions.begin() as s:
            if s.scalar(select(StoryRow.id).where(StoryRow.slug == story.slug)) is not None:
                raise ValueError(f"A story called “{story.slug}” exists already.")
            s.add_all(MediaRow(sha256=d, mime=m, data=b) for d, m, b in uploads if s.get(MediaRow, d) is None)
            row = StoryRow(**_story_values(story))
            s.add(row)
            s.flush()
            s.add(ChangeRow(story_id=row.id, editor=editor.name, at=_now(), action="create story",
                            before=None, after={f: getattr(row, f) for f in STORY_FIELDS}))
            for values in places:
                values = validate_place(values)
                check_mentions(values.get("mentions", []), story.text)
                _check_media(s, values)
                self._add_place(s, editor, row.id, values, action="found")
        return self.load(story.slug)

    def add_place(self, editor: Editor | None, slug: str, values: dict) -> ResolvedPlace:
        """A place the geoparser missed, tied to words of the text or to none (an annotation)."""
        editor = _require(editor)
        values = validate_place({"status": ADDED, **values})
        for key in ("name", "kind", "lat", "lon"):
            if key not in values:
                raise ValueError(f"A new place needs a {key}.")
        with self._sessions.begin() as s:
            story = self._story_row(s, slug)
            check_mentions(values.get("mentions", []), story.text)
            _check_media(s, values)
            row = self._add_place(s, editor, story.id, values, action="add place")
            return story_place(row)

    def _add_place(self, s: Session, editor: Editor, story_id: int, values: dict, action: str) -> PlaceRow:
        taken = set(s.scalars(select(PlaceRow.key).where(PlaceRow.story_id == story_id)))
        key = free_name(values.pop("key", None) or slugify(values["name"]), taken)
        row = PlaceRow(story_id=story_id, key=key, **values)
        s.add(row)
        s.flush()
        s.add(ChangeRow(story_id=story_id, place_id=row.id, editor=editor.name, at=_now(), action=action,
                        before=None, after=row_values(row)))
        return row

    def update_place(self, editor: Editor | None, place_id: int, expected_version: int,
                     **changes) -> ResolvedPlace | Broken:
        """Change a place; refused with ConflictError if it changed since ``expected_version``. A place
        stored before the schema was checked may still be :class:`Broken` after a change (rejected)."""
        return self._update_place(editor, place_id, expected_version, changes)

    def _update_place(self, editor: Editor | None, place_id: int, expected_version: int, changes: dict,
                      action: str = "edit place", undoes: int | None = None) -> ResolvedPlace | Broken:
        editor = _require(editor)
        changes = validate_place(changes)
        if "key" in changes:
            raise ValueError("A place's key is its address in links; it cannot be changed.")
        try:
            with self._sessions.begin() as s:
                row = s.get(PlaceRow, place_id)
                if row is None:
                    raise NotFound(f"There is no place {place_id}; it may have been deleted.")
                if row.version != expected_version:
                    raise StaleDataError()
                if "mentions" in changes:
                    check_mentions(changes["mentions"], s.get(StoryRow, row.story_id).text)
                _check_media(s, changes)
                before = row_values(row)
                for key, value in changes.items():
                    setattr(row, key, value)
                s.flush()  # the UPDATE checks the version too: a racing save fails here
                after = row_values(row)
                s.add(ChangeRow(story_id=row.story_id, place_id=row.id, editor=editor.name, at=_now(),
                                action=action, before=_diff(before, after), after=_diff(after, before),
                                undoes=undoes))
                return read_place(row)
        except StaleDataError:
            current = self.place(place_id)
            raise ConflictError(
                f"“{current.name}” was changed by someone else while you were editing. "
                "Your change was not saved; review theirs and save again.",
                current, self.last_change(place_id=place_id)) from None

    def update_story(self, editor: Editor | None, slug: str, expected_version: int, **changes) -> StoryRecord:
        """Change a story's title, date, dateline, source, URL, text or base map (not its slug: links use it)."""
        return self._update_story(editor, slug, expected_version, changes)

    def _update_story(self, editor: Editor | None, slug: str, expected_version: int, changes: dict,
                      action: str = "edit story", undoes: int | None = None) -> StoryRecord:
        editor = _require(editor)
        unknown = set(changes) - set(STORY_FIELDS[1:])  # not the slug: links use it
        if unknown:
            raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}.")
        check_story_values(changes)
        if changes.get("date"):
            try:
                dt.date.fromisoformat(str(changes["date"]))
            except ValueError:
                raise ValueError("The date must be YYYY-MM-DD.") from None
        try:
            with self._sessions.begin() as s:
                row = self._story_row(s, slug)
                if row.version != expected_version:
                    raise StaleDataError()
                check_story_text(changes.get("title", row.title), changes.get("text", row.text))
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
                                "Your change was not saved.", current, self.last_change(slug=slug)) from None
        return self.load(slug)

    def _reanchor(self, s: Session, editor: Editor, story: StoryRow) -> None:
        """After a text edit, tie each place's mentions to where its words now stand."""
        for place in s.scalars(select(PlaceRow).where(PlaceRow.story_id == story.id)):
            words = sorted({m[2] for m in place.mentions})
            mentions = [[i, i + len(w), w] for w in words for i in find_all(story.text, w)]
            if mentions != place.mentions:
                before = row_values(place)
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
        if change.action in ("delete story", "restore story"):
            deleted = change.action == "restore story"
            self._set_deleted(editor, story_slug, deleted, action, change_id)
        elif change.place_id is not None and change.before is None:  # undo an added place: reject it
            version = self.place_values(change.place_id)[1]
            self._update_place(editor, change.place_id, version, {"status": REJECTED}, action, change_id)
        elif change.place_id is not None:
            current, version = self.place_values(change.place_id)
            stale = {k for k, v in (change.after or {}).items() if current.get(k) != v}
            if stale:
                raise ConflictError(f"“{current['name']}” has changed again since ({', '.join(sorted(stale))}); "
                                    "undo the later change first.", current, self.last_change(place_id=change.place_id))
            self._update_place(editor, change.place_id, version, dict(change.before), action, change_id)
        elif change.before is not None:
            current = self.load(story_slug)
            self._update_story(editor, story_slug, current.version, dict(change.before), action, change_id)
        else:
            raise ValueError("Creating a story cannot be undone.")
        return self.history(story_slug)[0]

    def delete_story(self, editor: Editor | None, slug: str, expected_version: int) -> StoryRecord:
        """Take a story off every page. Nothing is erased: the change can be undone, and
        :meth:`restore_story` brings it back with its places and history."""
        editor = _require(editor)
        with self._sessions() as s:
            if self._story_row(s, slug).version != expected_version:
                current = self.load(slug)
                raise ConflictError("The story was changed by someone else since you opened it; "
                                    "it was not deleted.", current, self.last_change(slug=slug))
        record = self.load(slug)
        self._set_deleted(editor, slug, True, "delete story")
        return record

    def restore_story(self, editor: Editor | None, slug: str) -> StoryRecord:
        """Bring a deleted story back as it was."""
        self._set_deleted(_require(editor), slug, False, "restore story")
        return self.load(slug)

    def _set_deleted(self, editor: Editor, slug: str, deleted: bool, action: str,
                     undoes: int | None = None) -> None:
        with self._sessions.begin() as s:
            row = self._story_row(s, slug, deleted=not deleted)
            row.deleted = deleted
            s.flush()
            s.add(ChangeRow(story_id=row.id, editor=editor.name, at=_now(), action=action,
                            before={"deleted": not deleted}, after={"deleted": deleted}, undoes=undoes))

    def save_tour(self, editor: Editor | None, slug: str, opened: dict[int, tuple],
                  changes: dict[int, dict]) -> StoryRecord:
        """Save the tour's order, hidden steps and zooms in one transaction, against the tour as
        the editor opened it (``opened``: place id -> its (tour_order, tour_hidden, tour_zoom)).

        If anyone changed the tour of one of these places since, nothing is saved and
        ConflictError says who; a place's other fields (a note, a decision) may change meanwhile.
        """
        editor = _require(editor)
        for place_id, values in changes.items():
            if set(values) - set(TOUR_FIELDS):
                raise ValueError("Only a step's order, hiding and zoom are saved with the tour.")
            changes[place_id] = validate_place(values)
        stale_id = None
        try:
            with self._sessions.begin() as s:
                story = self._story_row(s, slug)
                rows = {r.id: r for r in s.scalars(select(PlaceRow).where(PlaceRow.story_id == story.id))}
                for place_id in changes:
                    row = rows.get(place_id)
                    if row is None:
                        raise NotFound(f"A place of this tour ({place_id}) has been deleted; reload the tour.")
                    if tuple(opened.get(place_id, ())) != tuple(getattr(row, f) for f in TOUR_FIELDS):
                        stale_id = place_id
                        raise StaleDataError()
                for place_id, values in changes.items():
                    row = rows[place_id]
                    before = row_values(row)
                    for key, value in values.items():
                        setattr(row, key, value)
                    s.flush()
                    after = row_values(row)
                    s.add(ChangeRow(story_id=story.id, place_id=place_id, editor=editor.name, at=_now(),
                                    action="edit tour", before=_diff(before, after), after=_diff(after, before)))
        except StaleDataError:
            current = self.place(stale_id) if stale_id is not None else None
            raise ConflictError(
                (f"“{current.name}” was changed by someone else while you were editing the tour. "
                 if current else "The tour was changed by someone else while you were editing it. ")
                + "Nothing was saved; your changes are still in the table.",
                current, self.last_change(place_id=stale_id) if stale_id is not None else None) from None
        return self.load(slug)

    def last_change(self, place_id: int | None = None, slug: str | None = None) -> ChangeRecord | None:
        """The latest change to a place, or to a story's own fields; None if there is none."""
        with self._sessions() as s:
            query = select(ChangeRow, StoryRow.slug).join(StoryRow, StoryRow.id == ChangeRow.story_id)
            query = query.where(ChangeRow.place_id == place_id) if place_id is not None else \
                query.where(StoryRow.slug == slug, ChangeRow.place_id.is_(None))
            found = s.execute(query.order_by(ChangeRow.id.desc()).limit(1)).first()
            return self._change(found[0], found[1]) if found else None

    def save_media(self, editor: Editor | None, data: bytes) -> str:
        """Store an upload checked by its content (media.check_upload); returns its ``media:`` address."""
        _require(editor)
        mime = check_upload(data)
        digest = hashlib.sha256(data).hexdigest()
        with self._sessions.begin() as s:
            if s.get(MediaRow, digest) is None:
                s.add(MediaRow(sha256=digest, mime=mime, data=data))
        return f"media:{digest}"


def _story_values(story: Story) -> dict:
    values = {f: getattr(story, f) for f in STORY_FIELDS}
    return {**values, "date": story.date.isoformat() if story.date else None}


def _check_media(s: Session, values: dict) -> None:
    """An upload's address must name an upload that is stored, of the kind the item says."""
    for item in values.get("media") or ():
        if item["url"].startswith("media:"):
            row = s.get(MediaRow, item["url"].split(":", 1)[1])
            if row is None:
                raise ValueError(f"{values.get('name') or 'This place'}: its upload {item['url'][:14]}… is not "
                                 "in the store; upload it again.")
            if kind_of(row.mime) != item["kind"]:
                raise ValueError(f"That upload is {kind_of(row.mime)}, not {item['kind']}.")


def _diff(a: dict, b: dict) -> dict:
    return {k: v for k, v in a.items() if b.get(k) != v}

