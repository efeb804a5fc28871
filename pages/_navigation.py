"""Every page runs through app.py's st.navigation: the one workaround for Streamlit 1.67 here.

Streamlit still treats a folder named ``pages/`` beside the main script the old
(multipage v1) way until some script calls ``st.navigation`` in the process: its
``PagesManager.uses_pages_directory`` flag starts True, and while it is, a visit runs the
page's file alone, without app.py, under a menu made of the file names. So the first
visit of a fresh server straight to ``/editor`` (or AppTest's ``switch_page``, which
resets the flag on every run) would miss app.py's page config, menu and messages. There
is no public setting for it: ``client.showSidebarNavigation`` only hides the old menu,
and Streamlit's own notes call the flag "a relic" kept for old apps (streamlit#10276).
The project's layout keeps the folder named ``pages/``, so each page calls
:func:`through_app` first: it turns the flag off, as ``st.navigation`` itself does, and
reruns, so the visit goes through app.py to the same page.

tests/test_navigation.py fails when Streamlit stops behaving this way (then delete this
module and its calls), and checks, in a fresh server, that a first visit to /editor shows
the app's own menu and the sign-in form.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager  # private: Streamlit 1.67


def through_app() -> None:
    """Hand this run to app.py when Streamlit ran the page alone (the old ``pages/`` way)."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
