"""Editor: review, correct and annotate the places of a story; edit stories; see and undo history.

Each tab is drawn by a module of its own (pages/_editor_*.py); what a save does is in storymap.newsroom.
"""

import streamlit as st

from pages._editor_history import history_tab, transfer_tab
from pages._editor_place_form import add_tab
from pages._editor_places import places_tab
from pages._editor_story import deleted_stories, new_story_tab, restore, story_tab
from pages._editor_tour import tour_tab
from pages._navigation import through_app
from pages._resources import geocoder_chain, storage
from pages._sign_in import sign_in
from pages._viewer import story_boundary
from storymap.analysis import from_record
from storymap.escaping import markdown_text as md

through_app()
editor = sign_in("Editors")
if editor is None:
    st.stop()

store = storage()
said = st.session_state.pop("said", None)
if said:
    st.toast(md(said), icon=":material/check:")
gone = st.session_state.pop("deleted-story", None)
if gone:
    st.success(f"Deleted “{md(gone[1])}”.")
    st.button("Undo the deletion", key="undo-delete", on_click=restore, args=(store, editor, gone[0]))
labels = store.labels()
if not labels:  # every story deleted: they can still come back from here
    st.info("There are no stories: import one, add a file to the story library, or restore one below.")
    deleted_stories(store, editor)
    st.stop()
wanted = st.query_params.get("story")
# Stories are told apart by slug (two may share a title): the picker's key names the slug in
# the address, so a rerun never lands on another story with the same label.
slug = st.sidebar.selectbox("Story", list(labels), format_func=labels.get,
                            index=list(labels).index(wanted) if wanted in labels else 0, key=f"story-pick-{wanted}")
st.query_params["story"] = slug
record = store.load(slug)
st.title(f"Edit: {md(record.title)}")
story_map = None  # what the review map draws; None when the stored story cannot be drawn
with story_boundary(slug, stop=False):
    story_map = from_record(record)
chain, geocoders_off = geocoder_chain()

places, add, tour, story, history, transfer, new = st.tabs(
    ["Places", "Add a place", "Tour", "Story", "History", "Export / import", "New story"])
with places:
    places_tab(store, editor, record, story_map, chain, geocoders_off)
with add:
    add_tab(store, editor, record)
with tour:
    tour_tab(store, editor, record)
with story:
    story_tab(store, editor, record)
with history:
    history_tab(store, editor, record)
with transfer:
    transfer_tab(store, editor, slug)
with new:
    new_story_tab(store, editor)
