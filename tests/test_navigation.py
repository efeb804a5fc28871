"""Every page runs through app.py's st.navigation, even on a fresh server's first visit.

pages/_navigation.py works around Streamlit 1.67, which runs a folder named ``pages/`` the
old way until st.navigation has been called once in the process. The first test fails
when Streamlit stops doing so: then the workaround (and tests/apptest.py's stand-in for it)
can go. The others check that it works, in AppTest and in a fresh server.
"""

import re
import shutil
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from storymap.accounts import hash_password

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "stories" / "pakistan-copper.md"


def test_streamlit_still_runs_a_pages_folder_the_old_way_until_st_navigation_is_called():
    saved = PagesManager.uses_pages_directory
    try:
        PagesManager.uses_pages_directory = None  # a fresh process
        PagesManager(str(ROOT / "app.py"))
        assert PagesManager.uses_pages_directory is True, (
            "Streamlit no longer treats pages/ the old way by itself: remove pages/_navigation.py, its "
            "calls in pages/*.py and tests/apptest.py's _Navigated, and check a first visit to /editor.")
    finally:
        PagesManager.uses_pages_directory = saved


def test_a_first_visit_straight_to_the_editor_runs_through_app_py(tmp_path, monkeypatch):
    from storymap.ner import configured

    shutil.copy(SAMPLE, tmp_path / "pakistan-copper.md")
    for key, value in {"STORYMAP_STORIES": str(tmp_path), "STORYMAP_TILES": "none",
                       "STORYMAP_DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite3'}",
                       "STORYMAP_EDITORS": f"alice={hash_password('pw', 1000)}",
                       "STORYMAP_SPACY_MODEL": "en_no_such_model"}.items():
        monkeypatch.setenv(key, value)
    configured.cache_clear()
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)  # as a fresh server: the old way first
        at.switch_page("pages/editor.py")
        at = at.run()
        assert not at.exception
        assert [t.label for t in at.text_input] == ["Name", "Password"]
        # Only app.py says this, in the sidebar: the page ran through it.
        assert any("en_no_such_model" in re.sub(r"\\(.)", r"\1", w.value) for w in at.sidebar.warning)
    finally:
        monkeypatch.delenv("STORYMAP_SPACY_MODEL")
        configured.cache_clear()


@pytest.mark.browser
def test_a_fresh_servers_first_visit_to_the_editor_shows_the_apps_menu_and_the_sign_in(browser, tmp_path):
    from tests.browsing import Visit, start_server, stop

    shutil.copy(SAMPLE, tmp_path / "pakistan-copper.md")
    url, proc = start_server(tmp_path, f"sqlite:///{tmp_path / 'store.sqlite3'}")
    try:
        visit = Visit(browser, f"{url}/editor")
        page = visit.page
        page.get_by_role("textbox", name="Password").wait_for(timeout=30_000)
        menu = page.locator('[data-testid="stSidebarNav"]')
        menu.get_by_text("Edit (editors)").wait_for(timeout=10_000)
        assert menu.get_by_text("Read a story").count() == 1
        assert menu.get_by_text(re.compile(r"^_?(resources|editor|importer)$")).count() == 0  # no file names
        assert page.get_by_label("Name").count() == 1
        assert not visit.errors
        visit.close()
    finally:
        stop(proc)
