"""What editors do to the story store, whichever door they come in by.

Each function is one action of the newsroom (add a story, use another place, correct a
place, save the tour...), carried out on a :class:`~storymap.storage.Storage`: the rules
about what is saved live here, once, and the app's pages only draw widgets and call these.
The storage refuses a save made against a version someone has changed since
(``ConflictError``); these functions pass that on, for the page to show.

A form keeps the place or story it was opened on (``opened``): the functions that save a
form compare the editor's values with it and save only what the editor changed, against its
version, so another editor's save in between is never silently undone.
"""

from __future__ import annotations

import dataclasses
import math
from typing import NamedTuple

from storymap.accounts import Editor
from storymap.analysis import analyse, stored_places
from storymap.articles import Story
from storymap.gazetteer import Gazetteer, default_gazetteer
from storymap.geocoders import OFFLINE, GeocoderChain, LookupProblem
from storymap.geoparsing import geoparse
from storymap.home import STORIES, Home, counted, learn
from storymap.media import MAX_ITEMS, Media, check_item, check_upload, kind_of
from storymap.places import ResolvedPlace, Stored
from storymap.records import TOUR_FIELDS, Broken, StoryRecord, place_values
from storymap.schema import ACCEPTED, FOUND
from storymap.settings import current as current_settings
from storymap.storage import Storage

EDITOR = "editor"  # who geocoded a place an editor placed by hand
EDITORS_CHOICE = "editor's choice"  # ...or one an editor picked among the finder's other candidates
SET_BY_EDITOR = "Set by an editor"  # the source of a position an editor typed or clicked, unless they name one
STORY_FORM_FIELDS = ("title", "date", "dateline", "source", "url", "text", "basemap", "tour_line")


class Added(NamedTuple):
    """A story stored with the places found in it, and what the online look-ups could not do."""

    record: StoryRecord
    problems: list[LookupProblem]
    figures: int  # how many figures (amounts, shares...) were found in it


def add_story(store: Storage, editor: Editor, story: Story, gazetteer: Gazetteer | None = None,
              chain: GeocoderChain | None = None, rename: bool = True) -> Added:
    """Find the places of ``story`` and store it with them, each waiting for an editor's review.

    With ``rename``, a story whose slug is taken gets the next free one (``slug-2``: an
    import never replaces a story); without, it is refused with ValueError.
    """
    if rename:
        story = dataclasses.replace(story, slug=store.free_slug(story.slug))
    gazetteer = gazetteer or default_gazetteer()
    found = analyse(story, gazetteer, chain=chain, home=home(store, gazetteer))
    record = store.create_story(editor, story, stored_places(found))
    return Added(record, found.problems, len(found.figures))


def look_up_online(store: Storage, editor: Editor, slug: str, chain: GeocoderChain,
                   gazetteer: Gazetteer | None = None) -> tuple[list[ResolvedPlace], list[LookupProblem]]:
    """Ask the online geocoders again about a stored story's unplaced names (a retry after a failure).

    Places found are added for review; places already in the story are left alone.
    """
    record = store.load(slug)
    gazetteer = gazetteer or default_gazetteer()
    retry = analyse(record.story(), gazetteer, chain=chain, home=home(store, gazetteer, leave_out=slug))
    known = {(p.name, tuple((m.start, m.end, m.text) for m in p.mentions)) for p in record.places}
    added = []
    for values in stored_places(retry):
        fresh = (values["name"], tuple(map(tuple, values["mentions"]))) not in known
        if values["geocoder"] != OFFLINE and fresh:
            added.append(store.add_place(editor, slug, {**values, "status": "found"}))
    return added, retry.problems


def home(store: Storage, gazetteer: Gazetteer, leave_out: str = "") -> Home:
    """Where the newsroom's stories are, as evidence for a new one's names: learned from its
    newest stories but ``leave_out``, with the home its settings name (STORYMAP_HOME), if any."""
    setting = current_settings().home
    set_home = [rp.place for rp in geoparse(setting, gazetteer).places] if setting else []
    return learn([counted(places) for places in store.recent_places(STORIES, leave_out)], gazetteer, set_home)


def use_alternative(store: Storage, editor: Editor, opened: ResolvedPlace, alternative: dict) -> ResolvedPlace:
    """Put another place (a runner-up of the finder's, or one searched for) in the place of
    ``opened``: the editor chose it, so it is accepted."""
    return store.update_place(
        editor, opened.stored.id, opened.stored.version, name=alternative["name"], kind=alternative["kind"],
        lat=alternative["lat"], lon=alternative["lon"], precision_km=alternative["precision_km"],
        country=alternative["country"], gazetteer_id=alternative["id"], source=alternative["source"],
        geocoder=EDITORS_CHOICE, status=ACCEPTED, reason="chosen by an editor instead of the finder's answer")


REVIEWED_BY = frozenset({"name", "kind", "lat", "lon", "precision_km", "country", "shape"})
"""The fields that say what and where a place is: an editor who corrects one has reviewed it."""


def place_changes(opened: dict, values: dict) -> dict:
    """What an editor changed in a place's form (``opened``: the values it was opened on). A place
    the editor moved, the editor geocoded (its source says so, unless the editor gave one); a found
    place whose name, kind or position the editor corrected is reviewed: accepted as corrected."""
    changes = {k: v for k, v in values.items() if v != opened.get(k)}
    if {"lat", "lon"} & set(changes):
        # The finder's source and reasons were about the position it chose, not this one.
        changes.update(geocoder=EDITOR, reason="placed by an editor")
        changes.setdefault("source", SET_BY_EDITOR)
    if opened.get("status") == FOUND and REVIEWED_BY & set(changes):
        changes["status"] = ACCEPTED
    return changes


def correct_place(store: Storage, editor: Editor, opened: ResolvedPlace, values: dict) -> ResolvedPlace | None:
    """Save what the editor changed in a place's form; None when nothing was changed."""
    return _save_changes(store, editor, opened.stored, place_values(opened), values)


def correct_broken(store: Storage, editor: Editor, opened: Broken, values: dict) -> ResolvedPlace | Broken | None:
    """Save an editor's correction of a place stored with values no place can have; None when
    nothing was changed."""
    return _save_changes(store, editor, opened.stored, opened.values, values)


def _save_changes(store: Storage, editor: Editor, stored: Stored, was: dict, values: dict) -> ResolvedPlace | Broken | None:
    """Save the fields a form changed since it was opened on ``was``. A save made elsewhere since
    (the tour's order, another editor's note) is kept when it touched none of those fields: the
    form saves against what is stored now. One that changed the same field is a conflict
    (ConflictError, from the store), never silently overwritten."""
    changes = place_changes(was, values)
    if not changes:
        return None
    now, version = store.place_values(stored.id)
    if version != stored.version and any(now.get(field) != was.get(field) for field in changes):
        version = stored.version  # the same field changed on both sides: the store says who saved what
    return store.update_place(editor, stored.id, version, **changes)


def ordered_media(kept: list[tuple[int, int, dict]], new: dict | None) -> list[dict]:
    """A place's media after its form: the items kept, each ``(position typed, position it had,
    item)``, in the order typed: an item moved up to a number goes before the one that had it, one
    moved down after it. Then the new one. ValueError when that is more than a place may have."""
    order = sorted(kept, key=lambda k: (k[0], (k[0] > k[1]) - (k[0] < k[1]), k[1]))
    items = [item for _, _, item in order] + ([new] if new else [])
    if len(items) > MAX_ITEMS:
        raise ValueError(f"A place has at most {MAX_ITEMS} media; remove one before adding another.")
    return items


def upload_medium(store: Storage, editor: Editor, data: bytes, caption: str = "", credit: str = "",
                  alt: str = "") -> dict:
    """An uploaded file as a media item, its kind what its content is, whatever its name says.
    Anything refused (the content, its size, an image without alt text) is refused before the
    file is stored."""
    item = Media("", caption, credit, alt, kind_of(check_upload(data))).to_dict()
    check_item(item)
    return {**item, "url": store.save_media(editor, data)}


def mentions_of(text: str, words: str, occurrence: int = 1) -> list[list]:
    """The mention of the ``occurrence``-th appearance of ``words`` in ``text``, as a place keeps
    it (``[[start, end, words]]``); none for no words (a free annotation). ValueError says how
    many times the words occur when there are fewer."""
    if not words:
        return []
    starts = [i for i in range(len(text)) if text.startswith(words, i)]
    if len(starts) < occurrence:
        raise ValueError(f"“{words}” occurs {len(starts)} time(s) in the text.")
    start = starts[occurrence - 1]
    return [[start, start + len(words), words]]


def add_place(store: Storage, editor: Editor, slug: str, values: dict, words: str = "",
              mentions: list[list] = ()) -> ResolvedPlace:
    """A place the finder missed, tied to ``mentions`` of ``words`` (its label those words when
    left empty), or a free annotation tied to none; the editor placed it."""
    name = values.get("name", "").strip() or words
    source = values.get("source", "").strip() or SET_BY_EDITOR
    return store.add_place(editor, slug, {**values, "name": name, "source": source, "mentions": list(mentions),
                                          "geocoder": EDITOR})


def tour_fields(place: ResolvedPlace) -> tuple:
    """What the tour saves of a place: its step, whether it is hidden, its zoom."""
    return place.tour.order, place.tour.hidden, place.tour.zoom


def _whole_or_none(value) -> int | None:
    """A table cell's number: empty cells (None, "", NaN) are none."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def save_tour(store: Storage, editor: Editor, slug: str, opened: list[ResolvedPlace],
              rows: list[dict]) -> StoryRecord | None:
    """Save the tour as edited in its table (``rows``: a ``step``, ``hidden`` and ``zoom`` for each
    place of ``opened``, in order) in one transaction, against the tour as it was opened;
    None when nothing was changed."""
    changes = {}
    for row, place in zip(rows, opened):
        values = {"tour_order": _whole_or_none(row["step"]), "tour_hidden": bool(row["hidden"]),
                  "tour_zoom": _whole_or_none(row["zoom"])}
        was = dict(zip(TOUR_FIELDS, tour_fields(place)))
        changed = {k: v for k, v in values.items() if v != was[k]}
        if changed:
            changes[place.stored.id] = changed
    if not changes:
        return None
    return store.save_tour(editor, slug, {p.stored.id: tour_fields(p) for p in opened}, changes)


def edit_story(store: Storage, editor: Editor, opened: StoryRecord, values: dict) -> StoryRecord | None:
    """Save what the editor changed in a story's form (an empty date is none); None when nothing was."""
    values = {**values, "date": values.get("date") or None} if "date" in values else values
    changes = {k: v for k, v in values.items() if v != getattr(opened, k)}
    return store.update_story(editor, opened.slug, opened.version, **changes) if changes else None
