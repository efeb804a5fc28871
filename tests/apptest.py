"""The app as the page tests drive it: app.py through Streamlit's AppTest.

Streamlit 1.67's AppTest starts every run as a fresh server's first visit: it resets
``PagesManager.uses_pages_directory``, so a page reached with ``switch_page`` would run
alone, the old ``pages/`` way, until pages/_navigation.py hands it to app.py with a rerun,
and a rerun drops the click being tested. :class:`App` runs each script as a server does
after its first visit, through app.py's st.navigation; tests/test_navigation.py checks the
first visit itself.

Both stand-ins reach into AppTest's private parts (Streamlit 1.67); after an upgrade, start
with tests/test_navigation.py.
"""

from pathlib import Path
from unittest import mock

from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest, app_test

ROOT = Path(__file__).resolve().parent.parent


class _Navigated(PagesManager):
    """The pages of a server whose app.py has called st.navigation already."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


class App(AppTest):
    # Each new AppTest scans every installed package for Streamlit components (1-2 s a test);
    # the packages do not change while the tests run, so the first scan serves them all.
    _components = None

    def _run(self, widget_state=None, timeout=None):
        if self._bidi_component_manager is None:
            self._bidi_component_manager = App._components
        with mock.patch.object(app_test, "PagesManager", _Navigated):
            ran = super()._run(widget_state, timeout)
        App._components = self._bidi_component_manager
        return ran


def app(page: str | None = None, query: dict | None = None, session: dict | None = None) -> AppTest:
    """app.py, opened on ``page`` (e.g. "editor"), with an address's ``query`` and a session's
    values set; not run yet."""
    at = App(str(ROOT / "app.py"), default_timeout=60)
    if page:
        at.switch_page(f"pages/{page}.py")
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (session or {}).items():
        at.session_state[key] = value
    return at


SAMPLE = ROOT / "data" / "stories" / "pakistan-copper.md"


def editor_env(tmp_path, monkeypatch) -> str:
    """An empty store beside the sample story, offline, with one editor (alice); the store's URL."""
    import shutil

    from storymap.accounts import hash_password

    shutil.copy(SAMPLE, tmp_path / "pakistan-copper.md")
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    monkeypatch.setenv("STORYMAP_STORIES", str(tmp_path))
    monkeypatch.setenv("STORYMAP_TILES", "none")
    monkeypatch.setenv("STORYMAP_DATABASE_URL", url)
    monkeypatch.setenv("STORYMAP_EDITORS", f"alice={hash_password('copper-2026', 1000)}")
    return url


def signed_in_editor():
    """The editor page after alice signed in."""
    at = app("editor").run()
    at.text_input[0].input("alice")
    at.text_input[1].input("copper-2026")
    return at.button[0].click().run()
