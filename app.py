"""Storymap: turn a news article into an interactive map story."""

import streamlit as st

st.set_page_config(page_title="Storymap", page_icon="🗺️", layout="wide")

reader = st.Page("pages/reader.py", title="Read a story", icon=":material/map:", default=True)
editor = st.Page("pages/editor.py", title="Edit (editors)", icon=":material/edit_location_alt:")
importer = st.Page("pages/importer.py", title="Import (editors)", icon=":material/upload_file:")
st.navigation([reader, editor, importer]).run()
