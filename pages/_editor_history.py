"""The editor's History tab (every change, each one undoable) and Export / import tab."""

import json

import streamlit as st

from pages._editor_forms import forget, say
from storymap.escaping import markdown_text as md
from storymap.schema import MAX_FILE_BYTES, SchemaError, read_story_file
from storymap.storage import ConflictError, NotFound
from storymap.transfer import export_story, import_story


def history_tab(store, editor, record) -> None:
    names = {p.stored.id: p.name for p in (*record.places, *record.broken)}
    for change in store.history(record.slug)[:200]:
        with st.container(border=True):
            c1, c2 = st.columns([5, 1])
            subject = names.get(change.place_id, "the story")
            c1.write(f"**{md(change.action)}** · {md(subject)} · {md(change.editor)} · {change.at:%Y-%m-%d %H:%M:%S}")
            if change.before:  # an edit: what it changed (a creation is the place or story itself)
                c1.markdown("\n".join(f"- {md(field)}: {md(was)} → {md(now)}"
                                       for field, was, now in change.described()))
            if change.action != "create story" and c2.button("Undo", key=f"undo-{change.id}"):
                try:
                    store.undo(editor, change.id)
                    # The editor wants to see what the undo put back: the form it touched reloads.
                    forget(f"p{change.place_id}" if change.place_id is not None else f"story-{record.slug}")
                    forget(f"tour-{record.slug}")
                    say(f"Undid “{change.action}”.")
                    st.rerun()
                except (ConflictError, ValueError, NotFound) as exc:
                    st.error(md(exc))


def transfer_tab(store, editor, slug: str) -> None:
    st.download_button("Download this story as JSON",
                       json.dumps(export_story(store, slug), ensure_ascii=False, indent=1),
                       file_name=f"{slug}.storymap.json", mime="application/json")
    upload = st.file_uploader("Import a story exported from Storymap", type=["json"], key="import-json",
                              max_upload_size=MAX_FILE_BYTES // 2**20)
    if upload is not None and st.button("Import"):
        try:
            imported = import_story(store, editor, read_story_file(upload.getvalue()))
            say(f"Imported “{imported.title}” as {imported.slug}: it is open here now.")
            st.query_params["story"] = imported.slug  # the picker shows it, and the editor opens it
            st.rerun()
        except SchemaError as exc:
            st.error("This file cannot be imported; nothing was stored:")
            st.markdown("\n".join(f"- {md(problem)}" for problem in exc.problems))
        except ValueError as exc:
            st.error(f"This file cannot be imported; nothing was stored. {md(exc)}")
