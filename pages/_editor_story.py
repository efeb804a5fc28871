"""The editor's Story tab (edit or delete the story) and New story tab (write one, restore one)."""

import streamlit as st

from pages._editor_forms import changed_since, fields_key, opened, save, say
from pages._resources import gazetteer
from storymap import newsroom, tiles
from storymap.escaping import markdown_text as md
from storymap.importing import story_from_text


def story_tab(store, editor, record) -> None:
    # As with places: the form keeps the story as it was opened, saves only the fields changed
    # since, against that version; a racing save is refused with the other edit shown, and the
    # text typed here stays in the form.
    slug, story_key = record.slug, f"story-{record.slug}"
    was = opened(story_key, record)
    changed_since(story_key, record.version != was.version, "the story",
                  store.last_change(slug=slug) if record.version != was.version else None, editor)
    fields = fields_key(story_key, was)
    base_maps = tiles.options()
    with st.form(story_key):
        values = {"title": st.text_input("Title", was.title, key=f"{fields}-title"),
                  "date": st.text_input("Date (YYYY-MM-DD)", was.date or "", key=f"{fields}-date"),
                  "dateline": st.text_input("Dateline", was.dateline, key=f"{fields}-dateline"),
                  "source": st.text_input("Source", was.source, key=f"{fields}-source"),
                  "url": st.text_input("URL", was.url, key=f"{fields}-url"),
                  "text": st.text_area("Text", was.text, height=400, key=f"{fields}-text"),
                  "basemap": st.selectbox("Base map", list(base_maps), list(base_maps).index(was.basemap),
                                          format_func=base_maps.get, key=f"{fields}-basemap",
                                          help="The map's background in every view and the export. The "
                                               "country outlines stay beneath: offline, they are the map."),
                  "tour_line": st.checkbox("Join the tour's stops with a line", was.tour_line,
                                           key=f"{fields}-tour-line",
                                           help="Drawn in the presenter, the embed and the exported file, "
                                                "stop to stop in the tour's order.")}
        if tiles.offline_only():
            st.caption("This deployment draws every map offline (STORYMAP_TILES=none): the base map is saved "
                       "with the story, and its story file carries it to a deployment with a network.")
        submitted = st.form_submit_button("Save the story")
    if submitted and save(lambda: newsroom.edit_story(store, editor, was, values), story_key, "Saved the story."):
        st.rerun()
    with st.expander("Delete this story"):
        st.write("Readers will no longer find it. Nothing is erased: it can be restored from "
                 "*Deleted stories* in the New story tab, or by undoing the deletion.")
        sure = st.checkbox(f"Yes, delete “{md(record.title)}”", key=f"{story_key}-sure")
        if st.button("Delete the story", key=f"{story_key}-delete", disabled=not sure, type="primary"):
            if save(lambda: store.delete_story(editor, slug, was.version), story_key, "Deleted."):
                st.session_state.pop("said", None)  # the deletion is said with its undo button instead
                st.session_state["deleted-story"] = (slug, record.title)
                st.query_params.clear()
                st.rerun()


def new_story_tab(store, editor) -> None:
    with st.form("new-story", clear_on_submit=False):
        st.write("Write or paste a new story; its places are found when you save it.")
        fields = {"title": st.text_input("Title", key="new-title"),
                  "date": st.text_input("Date (YYYY-MM-DD)", key="new-date"),
                  "dateline": st.text_input("Dateline", key="new-dateline"),
                  "source": st.text_input("Source", key="new-source"),
                  "text": st.text_area("Text", height=300, key="new-text")}
        if st.form_submit_button("Create the story"):
            try:
                story = story_from_text(**fields)
                if story.warnings:  # a date the editor typed wrong: said, to be corrected here
                    raise ValueError(" ".join(story.warnings))
                created = newsroom.add_story(store, editor, story, gazetteer(), rename=False).record
                st.success(f"Created “{md(created.title)}”.")
                st.page_link("pages/reader.py", label="Read it", query_params={"story": created.slug})
                st.page_link("pages/editor.py", label="Review its places", query_params={"story": created.slug})
            except ValueError as exc:
                st.error(md(exc))
    deleted_stories(store, editor)


def restore(store, editor, slug: str) -> None:
    record = store.restore_story(editor, slug)
    st.query_params["story"] = slug
    say(f"Restored “{record.title}”.")


def deleted_stories(store, editor) -> None:
    """Deleted stories, each a button away from coming back."""
    deleted = store.titles(deleted=True)
    if deleted:
        st.subheader("Deleted stories")
        for gone, gone_title in deleted.items():
            c1, c2 = st.columns([5, 1])
            c1.write(f"{md(gone_title)} ({md(gone)})")
            c2.button("Restore", key=f"restore-{gone}", on_click=restore, args=(store, editor, gone))
