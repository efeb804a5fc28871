"""Reader: a story's text beside its map, with its figures; every click answered in the browser."""

import streamlit as st

from pages._navigation import through_app
from pages._resources import NO_STORIES, storage, story_files, story_map
from pages._viewer import show_viewer, story_boundary
from storymap.escaping import markdown_text as md
from storymap.viewer import READ

through_app()

files = story_files()
labels = storage().labels()
slugs = list(labels)
broken = {slug: (name, error) for slug, (name, error, _) in files.items() if error}
with st.sidebar:
    if broken:
        with st.expander(f"{len(broken)} story file(s) could not be read"):
            for name, error in broken.values():
                st.text(f"{name}: {error}")
if not slugs:
    st.info(NO_STORIES)
    st.stop()

# The address names the story; without one (a click in the menu), the story last read or presented.
wanted = st.query_params.get("story", st.session_state.get("story", slugs[0]))
slug = wanted if wanted in slugs else slugs[0]
if wanted != slug:
    # The address keeps what was asked for, so this message stays until the reader picks a story.
    if wanted in broken:
        st.error(f"“{md(broken[wanted][0])}” cannot be shown. {md(broken[wanted][1])}", icon=":material/error:")
        st.stop()
    st.warning(f"There is no story called “{md(wanted)}”; showing the first story instead.")


def pick_story() -> None:
    st.query_params.clear()
    st.query_params["story"] = st.session_state["story-picker"]


with st.sidebar:
    st.selectbox("Story", slugs, index=slugs.index(slug), format_func=labels.get, key="story-picker",
                 on_change=pick_story)

chosen = st.query_params.get("place")
with story_boundary(slug):
    smap = story_map(slug)
if chosen and not smap.place(chosen):
    st.warning(f"This story names no place called “{md(chosen)}”.")
    chosen = None
for warning in files.get(slug, ("", None, ()))[2]:
    st.warning(md(warning))
if smap.broken:
    st.warning(f"{len(smap.broken)} place(s) of this story could not be drawn: "
               f"{md(', '.join(name for name, _ in smap.broken))}.")
st.session_state["story"] = slug
show_viewer(slug, READ, place=chosen)
