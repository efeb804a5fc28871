"""Storymap: turn a news article into an interactive map story."""

import streamlit as st

from pages._resources import story_files
from storymap.escaping import markdown_text as md
from storymap.ner import configured as configured_ner

st.set_page_config(page_title="Storymap", page_icon="🗺️", layout="wide")
_, ner_problem = configured_ner()  # loaded once per process
if ner_problem:  # a spaCy model was asked for and cannot be loaded: say so, read on without it
    st.sidebar.warning(md(ner_problem))
story_files()  # the story library seeds the store: once per process, and again when a file changes

reader = st.Page("pages/reader.py", title="Read a story", icon=":material/map:", default=True)
present = st.Page("pages/present.py", title="Present the story", icon=":material/slideshow:")
editor = st.Page("pages/editor.py", title="Edit (editors)", icon=":material/edit_location_alt:")
importer = st.Page("pages/importer.py", title="Import (editors)", icon=":material/upload_file:")
# Embedded in another page (?embed=true), the app shows no menu: only the story.
st.navigation([reader, present, editor, importer], position="hidden" if st.context.is_embedded else "sidebar").run()
