"""What every page shares, loaded once per process: gazetteer, store, served assets."""

import logging
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from storymap import assets, maps
from storymap.accounts import SIGN_INS, Editor, accounts_from_env, client_of
from storymap.analysis import StoryMap, from_record
from storymap.articles import library_dir
from storymap.escaping import markdown_text as md
from storymap.geocoders import chain_from_settings
from storymap.gazetteer import default_gazetteer
from storymap.library import sync_files
from storymap.storage import Storage, default_url
from storymap.viewer import READ, TOUR, viewer_page

APP_DIR = Path(__file__).resolve().parent.parent
LOG = logging.getLogger("storymap")


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


def story_labels() -> dict[str, str]:
    """Every story's slug and a label that tells it apart (the story files seeded first); stops
    the page when there is none."""
    story_files()
    labels = storage().labels()
    if not labels:
        st.info("The story library is empty: add a .md or .txt file to data/stories, or import one.")
        st.stop()
    return labels


def story_map(slug: str) -> StoryMap:
    """A stored story as readers see it."""
    store = storage()
    return _story_map(store.url, slug, store.revision(slug))


@st.cache_resource(max_entries=128)
def _story_map(url: str, slug: str, revision: int) -> StoryMap:
    # Keyed by the story's latest change: a save makes a new entry, so readers see it at once.
    return from_record(_storage(url).load(slug))


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
        page = _viewer_page(store.url, slug, revision, mode, place, step, maps.tiles_setting())
        title = _story_map(store.url, slug, revision).story.title
    with st.container(key="storymap-viewer"):
        st.iframe(page, height=640, alt=f"{VIEWER_NAMES[mode]}: {title}")


@st.cache_resource(max_entries=64)
def _viewer_page(url: str, slug: str, revision: int, mode: str, place: str | None, step: int,
                 tiles: str | None) -> str:
    return viewer_page(_story_map(url, slug, revision), vendor_assets(), mode=mode, place=place, step=step,
                       tiles=tiles, media_url=media_url())


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


def accounts() -> dict[str, str]:
    configured = dict(accounts_from_env())
    configured.update(secret_section("storymap").get("editors", {}))
    return configured


def oidc_editor() -> Editor | None:
    """An OpenID Connect user whose e-mail the deployment lists as an editor."""
    allowed = set(secret_section("storymap").get("oidc_editors", []))
    try:
        if allowed and st.user.is_logged_in and st.user.get("email") in allowed:
            return Editor(st.user.email, via="oidc")
    except (AttributeError, KeyError):
        pass
    return None


def sign_in(heading: str) -> Editor | None:
    """The signed-in editor; otherwise the sign-in form under ``heading``, and None."""
    editor = st.session_state.get("editor") or oidc_editor()
    if editor:
        with st.sidebar:
            st.caption(f"Signed in as {md(editor.name)}")
            if st.button("Sign out"):
                st.session_state.pop("editor", None)
                st.rerun()
        return editor
    st.title(md(heading))
    st.write("Readers can read every story; only signed-in editors can change one.")
    if not accounts():
        st.info("No editor accounts are set up. Make a password hash with `python -m storymap hash-password` "
                "and set `STORYMAP_EDITORS='name=HASH'` (or `[storymap.editors]` in Streamlit secrets).")
    with st.form("sign-in"):
        name = st.text_input("Name")
        password = st.text_input("Password", type="password")
        if st.form_submit_button("Sign in"):
            client = client_of(st.context.ip_address, st.session_state)
            outcome = SIGN_INS.sign_in(name, password, client, accounts())
            if isinstance(outcome, Editor):
                st.session_state["editor"] = outcome
                st.rerun()
            st.error(md(outcome.message()) if outcome else "That name and password do not match an editor account.")
    if secret_section("auth"):
        st.button("Sign in with your organisation", on_click=st.login)
    return None
