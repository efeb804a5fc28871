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
# The address names the story; without one (a click in the menu), the story last read or presented.
wanted = st.query_params.get("story", st.session_state.get("story"))
if wanted not in labels:
    wanted = next(iter(labels))
if st.session_state.get("story-pick") != wanted:
    st.session_state["story-pick"] = wanted  # a new address wins over the picker's last choice


def pick_story() -> None:
    st.query_params["story"] = st.session_state["story-pick"]  # before the rerun reads the address


# Options are slugs, labelled so two stories with one title are told apart.
slug = st.sidebar.selectbox("Story", list(labels), format_func=labels.get, key="story-pick", on_change=pick_story)
st.query_params["story"] = st.session_state["story"] = slug
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
