"""The story library: story files on disk seed the store, the store is what readers see."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from storymap.accounts import Editor
from storymap.articles import LibraryEntry, library_dir, load_library
from storymap.gazetteer import Gazetteer
from storymap.newsroom import add_story
from storymap.storage import Storage

SEEDER = Editor("storymap (story files)", via="seed")
STORY_SUFFIXES = (".md", ".txt", ".markdown")


def sync_files(storage: Storage, directory: Path, gazetteer: Gazetteer | None = None) -> list[LibraryEntry]:
    """Add every readable story file not yet in the store (geoparsed, places to review).

    Returns every file's entry, so the page can say why one could not be read or
    what was odd about it. Files already in the store are left alone: editors'
    work is never overwritten.
    """
    known = set(storage.slugs())
    entries = load_library(directory)
    for i, entry in enumerate(entries):
        if entry.story is not None and entry.slug not in known:
            try:
                add_story(storage, SEEDER, entry.story, gazetteer, rename=False)
            except ValueError as exc:
                if entry.slug not in storage.slugs():  # not another process seeding it a moment ago
                    entries[i] = replace(entry, error=f"It could not be added to the store: {exc}")
    return entries


def fingerprint(directory: Path) -> tuple:
    """What changes when a story file is added, removed or edited in ``directory``: the app seeds
    the store again only then (a listing and a few file dates, cheap enough for every page)."""
    try:
        files = sorted(p for p in Path(directory).iterdir() if p.suffix.lower() in STORY_SUFFIXES)
        return tuple((p.name, s.st_mtime_ns, s.st_size) for p in files for s in [p.stat()])
    except OSError:
        return ()  # no folder (yet): an empty library


def seeded_storage(url: str | None = None, directory: Path | None = None,
                   gazetteer: Gazetteer | None = None) -> Storage:
    """The store at ``url`` (default: ``STORYMAP_DATABASE_URL`` or the local SQLite file), with the
    story library's files added first, as the app adds them: so a fresh machine has the sample
    story whichever door it comes in by (the command line opens its store this way)."""
    storage = Storage(url)
    sync_files(storage, library_dir() if directory is None else directory, gazetteer)
    return storage
