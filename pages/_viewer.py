"""The story viewer on a page: the frame, its size, and the boundary around a story that cannot be drawn."""

import logging
from contextlib import contextmanager

import streamlit as st

from pages._resources import cached_story_map, media_url, storage, vendor_assets
from storymap import tiles
from storymap.escaping import markdown_text as md
from storymap.viewer import READ, TOUR, viewer_page

LOG = logging.getLogger("storymap")

# The viewer's frame is as tall as the window below Streamlit's header, so its map and its text
# stay in view together while the text scrolls beside (or, on a phone, below) the map.
PAGE_CSS = """<style>
html, body { overscroll-behavior-x: none; }  /* a swipe through the tour is not the browser's "back" */
[data-testid="stMainBlockContainer"] { padding-top: 3.75rem; padding-bottom: .5rem; }
.st-key-storymap-viewer [data-testid="stElementContainer"], .st-key-storymap-viewer iframe {
  display: block; height: max(380px, calc(100dvh - 4.3rem)) !important; }
</style>"""
EMBED_CSS = """<style>
html, body { overscroll-behavior-x: none; }
[data-testid="stMainBlockContainer"] { padding: 0; max-width: none; }
.st-key-storymap-viewer [data-testid="stElementContainer"], .st-key-storymap-viewer iframe {
  display: block; height: 100dvh !important; }
</style>"""
VIEWER_NAMES = {READ: "Story map", TOUR: "Guided tour"}


@contextmanager
def story_boundary(slug: str, stop: bool = True):
    """A story that cannot be shown is said so in a sentence, and the error logged with its
    traceback: the reader never sees one, and the rest of the app (the story picker, other
    stories) goes on working. ``stop=False`` lets the page go on (the editor, which can
    still correct or delete the story)."""
    try:
        yield
    except Exception:  # noqa: BLE001 - the boundary: anything a broken story raises stops here
        LOG.exception("The story %r could not be shown", slug)
        st.error(f"The story “{md(slug)}” cannot be shown right now; the error has been logged for "
                 "its editors. Other stories are in the menu.", icon=":material/error:")
        if stop:
            st.stop()


def show_viewer(slug: str, mode: str, place: str | None = None, step: int = 1) -> None:
    """The story viewer (storymap.viewer): text, map and tour answered in the browser."""
    store = storage()
    st.html(EMBED_CSS if st.context.is_embedded else PAGE_CSS)
    with story_boundary(slug):
        revision = store.revision(slug)
        story = cached_story_map(store.url, slug, revision).story
        page = _viewer_page(store.url, slug, revision, mode, place, step, tiles.base_map(story.basemap))
        title = story.title
    with st.container(key="storymap-viewer"):
        st.iframe(page, height=640, alt=f"{VIEWER_NAMES[mode]}: {title}")


@st.cache_resource(max_entries=64)
def _viewer_page(url: str, slug: str, revision: int, mode: str, place: str | None, step: int,
                 base_map: tiles.BaseMap | None) -> str:
    return viewer_page(cached_story_map(url, slug, revision), vendor_assets(), mode=mode, place=place, step=step,
                       tiles=base_map, media_url=media_url())
