"""The story library: story files on disk seed the store, the store is what readers see."""

from __future__ import annotations

from pathlib import Path

from storymap.accounts import Editor
from storymap.analysis import analyse, stored_places
from storymap.articles import LibraryEntry, library_dir, load_library
from storymap.gazetteer import Gazetteer
from storymap.geocoders import OFFLINE, GeocoderChain, LookupProblem
from storymap.storage import PlaceRecord, Storage

SEEDER = Editor("storymap (story files)", via="seed")


def sync_files(storage: Storage, directory: Path, gazetteer: Gazetteer | None = None) -> list[LibraryEntry]:
    """Add every readable story file not yet in the store (geoparsed, places to review).

    Returns every file's entry, so the page can say why one could not be read or
    what was odd about it. Files already in the store are left alone: editors'
    work is never overwritten.
    """
    known = set(storage.slugs())
    entries = load_library(directory)
    for entry in entries:
        if entry.story is not None and entry.slug not in known:
            smap = analyse(entry.story, gazetteer)
            try:
                storage.create_story(SEEDER, entry.story, stored_places(smap))
            except ValueError:
                pass  # another process seeded it a moment ago
    return entries


def seeded_storage(url: str | None = None, directory: Path | None = None,
                   gazetteer: Gazetteer | None = None) -> Storage:
    """The store at ``url`` (default: ``STORYMAP_DATABASE_URL`` or the local SQLite file), with the
    story library's files added first, as the app adds them: so a fresh machine has the sample
    story whichever door it comes in by (the command line opens its store this way)."""
    storage = Storage(url)
    sync_files(storage, library_dir() if directory is None else directory, gazetteer)
    return storage


def look_up_online(storage: Storage, editor: Editor, slug: str, chain: GeocoderChain,
                   gazetteer: Gazetteer | None = None) -> tuple[list[PlaceRecord], list[LookupProblem]]:
    """Ask the online geocoders again about a stored story's unplaced names (a retry after a failure).

    Places found are added for review; places already in the story are left alone.
    """
    record = storage.load(slug)
    retry = analyse(record.story(), gazetteer, chain=chain)
    known = {(p.name, tuple(map(tuple, p.mentions))) for p in record.places}
    added = []
    for values in stored_places(retry):
        fresh = (values["name"], tuple(map(tuple, values["mentions"]))) not in known
        if values["geocoder"] != OFFLINE and fresh:
            added.append(storage.add_place(editor, slug, {**values, "status": "found"}))
    return added, retry.problems
