"""What every page shares, loaded once per process: gazetteer, store, served assets."""

from pathlib import Path

import streamlit as st

from storymap import assets
from storymap.analysis import StoryMap, from_record
from storymap.articles import library_dir
from storymap.gazetteer import default_gazetteer
from storymap.library import sync_files
from storymap.storage import Storage, default_url

APP_DIR = Path(__file__).resolve().parent.parent


def through_app_navigation() -> None:
    """Run every page through app.py's st.navigation.

    Streamlit still treats a folder named ``pages/`` the old way until app.py has
    run once in the process: a first visit straight to ``/editor`` would run the
    page alone, with the wrong menu. Rerunning hands the visit to app.py.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


through_app_navigation()


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
    """Seed the store from the story files: slug -> (file name, error, warnings)."""
    return _story_files(str(library_dir()), default_url())


@st.cache_data(ttl=30, show_spinner="Reading the story library…")
def _story_files(directory: str, url: str) -> dict[str, tuple[str, str | None, tuple[str, ...]]]:
    entries = sync_files(_storage(url), Path(directory), gazetteer())
    return {e.slug: (e.path.name, e.error, tuple(e.story.warnings) if e.story else ()) for e in entries}


def story_map(slug: str) -> StoryMap:
    """A stored story as readers see it."""
    store = storage()
    return _story_map(store.url, slug, store.revision(slug))


@st.cache_resource(max_entries=128)
def _story_map(url: str, slug: str, revision: int) -> StoryMap:
    # Keyed by the story's latest change: a save makes a new entry, so readers see it at once.
    return from_record(_storage(url).load(slug))
