"""A story as a story file (:mod:`storymap.schema`): out of one Storymap and into another, whole.

The file carries the story, its places and the uploads its places show (base64, under their
sha256), so a story moves between two Storymaps that share nothing. What comes in is checked as
an editor's own work would be: the schema, each upload by its content and against its address,
then the store's own rules; it is stored all at once or not at all.
"""

from __future__ import annotations

import datetime as dt

from storymap.accounts import Editor
from storymap.articles import Story
from storymap.media import packed, unpacked
from storymap.records import STORY_FIELDS, StoryRecord, place_values
from storymap.schema import FORMAT, VERSION, check_story_file
from storymap.storage import Storage


def export_story(store: Storage, slug: str) -> dict:
    """The story as a story file, with the uploads its places show."""
    record = store.load(slug)
    places = [place_values(p) for p in record.places] + [dict(b.values) for b in record.broken]
    shown = {item["url"].split(":", 1)[1] for p in places for item in p.get("media") or ()
             if item["url"].startswith("media:")}
    uploads = packed(store.uploads(shown)) if shown else {}
    return {"format": FORMAT, "version": VERSION, "story": record.values(), "places": places,
            **({"uploads": uploads} if uploads else {})}


def import_story(store: Storage, editor: Editor | None, data: dict) -> StoryRecord:
    """Recreate a story from a story file (a version 1 file too); a story whose slug is taken comes
    in as a copy under a free one (``slug-2``)."""
    data = check_story_file(data)
    values = dict(data["story"])
    keys = [p["key"] for p in data["places"]]
    if len(set(keys)) != len(keys):
        raise ValueError("Two places in this file have the same key.")
    # Every story field the file has (an older file lacks the newer ones: the Story's defaults).
    story = Story(**{**{f: values[f] for f in STORY_FIELDS if f in values}, "slug": store.free_slug(values["slug"]),
                     "date": dt.date.fromisoformat(values["date"]) if values.get("date") else None})
    return store.create_story(editor, story, [dict(p) for p in data["places"]], unpacked(data.get("uploads", {})))
