"""The editor's Tour tab: the order of the steps, the hidden ones, their zooms, saved together."""

import streamlit as st

from pages._editor_forms import changed_since, opened, save
from storymap import newsroom
from storymap.newsroom import tour_fields
from storymap.schema import REJECTED


def tour_tab(store, editor, record) -> None:
    st.write("The tour follows the article unless you number the steps. Hidden places stay on the map "
             "but get no step; a zoom (1–18) overrides the one that suits the kind of place.")
    # Like the place form: the table keeps the tour as it was opened, and the whole tour is saved
    # in one transaction against those versions, so a save by someone else never swallows it.
    tour_key = f"tour-{record.slug}"
    live = [p for p in record.places if p.status != REJECTED]
    shown = opened(tour_key, live)
    opened_tour = tuple((p.stored.id, tour_fields(p)) for p in shown)
    if tuple((p.stored.id, tour_fields(p)) for p in live) != opened_tour:
        changed_since(tour_key, True, "the tour", store.history(record.slug)[0], editor)
    table = [{"id": p.stored.id, "place": p.name, "step": p.tour.order, "hidden": p.tour.hidden,
              "zoom": p.tour.zoom} for p in shown]
    edited = st.data_editor(  # a new key for each tour opened: no edit of an older table comes back
        table, key=f"{tour_key}-{abs(hash(opened_tour))}-table", hide_index=True, disabled=["id", "place"],
        column_config={"step": st.column_config.NumberColumn("step", min_value=1, step=1),
                       "zoom": st.column_config.NumberColumn("zoom", min_value=1, max_value=18, step=1),
                       "id": None})
    if st.button("Save the tour", key="save-tour") and save(
            lambda: newsroom.save_tour(store, editor, record.slug, shown, edited), tour_key, "Saved the tour."):
        st.rerun()
