"""What every page shares, loaded once per process: gazetteer, store, story library, geocoders."""

from pathlib import Path

import streamlit as st

from storymap import assets
from storymap.analysis import StoryMap, from_record
from storymap.articles import library_dir
from storymap.geocoders import chain_from_settings
from storymap.gazetteer import default_gazetteer
from storymap.library import fingerprint, sync_files
from storymap.storage import Storage, default_url

APP_DIR = Path(__file__).resolve().parent.parent


@st.cache_resource(show_spinner="Loading the world gazetteer…")
def gazetteer():
    return default_gazetteer()


def storage() -> Storage:
    return _storage(default_url())


@st.cache_resource(show_spinner="Opening the story store…")
def _storage(url: str) -> Storage:
    return Storage(url)


@st.cache_resource
def vendor_assets() -> assets.Assets:
    return assets.publish(APP_DIR / "static")


@st.cache_resource
def media_url():
    return assets.media_publisher(storage(), APP_DIR / "static")


def story_files() -> dict[str, tuple[str, str | None, tuple[str, ...]]]:
    """The story library's files, each added to the store once: slug -> (file name, error, warnings).

    The files are read and the store seeded once per process, and again only when a file of
    the library is added, removed or changed (app.py asks on every run; it costs a listing)."""
    directory = library_dir()
    return _story_files(str(directory), default_url(), fingerprint(directory))


@st.cache_resource(max_entries=4, show_spinner="Reading the story library…")
def _story_files(directory: str, url: str, files: tuple) -> dict[str, tuple[str, str | None, tuple[str, ...]]]:
    # ``files`` (the library's fingerprint) is only part of the key: a change reads the folder again.
    entries = sync_files(_storage(url), Path(directory), gazetteer())
    return {e.slug: (e.path.name, e.error, tuple(e.story.warnings) if e.story else ()) for e in entries}


NO_STORIES = ("There are no stories yet: an editor can add one on the Import page, "
              "or put a .md or .txt file in data/stories.")


def story_labels() -> dict[str, str]:
    """Every story's slug and a label that tells it apart; stops the page when there is none."""
    labels = storage().labels()
    if not labels:
        st.info(NO_STORIES)
        st.stop()
    return labels


def story_map(slug: str) -> StoryMap:
    """A stored story as readers see it."""
    store = storage()
    return cached_story_map(store.url, slug, store.revision(slug))


@st.cache_resource(max_entries=128)
def cached_story_map(url: str, slug: str, revision: int) -> StoryMap:
    # Keyed by the story's latest change: a save makes a new entry, so readers see it at once.
    return from_record(_storage(url).load(slug))


def secret_section(name: str) -> dict:
    """A section of Streamlit secrets, or nothing when the deployment has no secrets file."""
    try:
        return dict(st.secrets.get(name, {}))
    except FileNotFoundError:
        return {}


def geocoder_chain():
    """Offline gazetteer, then the online geocoders the deployment configured.

    Returns the chain and, when the settings are wrong, the reason online lookups are off.
    """
    try:
        return chain_from_settings(secret_section("geocoders") or None, gazetteer()), None
    except ValueError as exc:
        return chain_from_settings({"STORYMAP_GEOCODERS": ""}, gazetteer()), str(exc)
