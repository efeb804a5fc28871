"""The editor's Tour tab: the order of the steps (arrows or numbers), the hidden ones, their zooms,
saved together."""

import streamlit as st

from pages._editor_forms import changed_since, forget, opened, save
from storymap import newsroom
from storymap.escaping import markdown_text as md
from storymap.newsroom import tour_fields
from storymap.schema import REJECTED
from storymap.tours import moved, tour_sequence


def _steps(places) -> tuple:
    return tuple((p.stored.id, tour_fields(p)) for p in places)


def _untouched(tour_key: str) -> bool:
    """No arrow pressed and nothing typed in the table since the tour was opened."""
    return not st.session_state.get(f"{tour_key}-moves") and not any(
        st.session_state[k].get("edited_rows") for k in st.session_state
        if str(k).startswith(f"{tour_key}-") and str(k).endswith("-table") and hasattr(st.session_state[k], "get"))


def _typed(draft: list[dict], table_key: str) -> list[dict]:
    """The draft's rows with what was typed in its table since."""
    rows = [dict(row) for row in draft]
    for i, typed in st.session_state.get(table_key, {}).get("edited_rows", {}).items():
        rows[int(i)].update(typed)
    return rows


def tour_tab(store, editor, record) -> None:
    st.write("The tour opens on a cover, visits the places in the article's order unless you reorder "
             "them (the arrows, or a number in the step column), and ends on the credits. A line joins "
             "the steps in order. Hidden places stay on the map but get no step; a zoom (1–18) overrides "
             "the one that suits the kind of place.")
    # Like the place form: the table keeps the tour as it was opened, and the whole tour is saved
    # in one transaction against those versions, so a save by someone else never swallows it.
    tour_key = f"tour-{record.slug}"
    live = [p for p in record.places if p.status != REJECTED]
    if _untouched(tour_key) and _steps(st.session_state.get(f"{tour_key}-opened", live)) != _steps(live):
        forget(tour_key)  # a place accepted, rejected or moved, and nothing changed here: show the tour as it is
    shown = opened(tour_key, live)
    opened_tour = _steps(shown)
    if _steps(live) != opened_tour:
        changed_since(tour_key, True, "the places of the tour", store.history(record.slug)[0], editor)
    # The draft: the table's rows in tour order, as the arrows leave them (forgotten after a save).
    draft = st.session_state.setdefault(f"{tour_key}-draft", [
        {"id": p.stored.id, "place": p.name, "step": p.tour.order, "hidden": p.tour.hidden, "zoom": p.tour.zoom}
        for p in tour_sequence(shown)])
    table_key = f"{tour_key}-{abs(hash(opened_tour))}-{st.session_state.get(f'{tour_key}-moves', 0)}-table"
    live_ids = {p.stored.id for p in live}
    if any(row["id"] not in live_ids for row in draft):
        # A place rejected since: it leaves the draft, which keeps the editor's order and typing.
        draft = [row for row in _typed(draft, table_key) if row["id"] in live_ids]
        st.session_state[f"{tour_key}-draft"] = draft
        st.session_state[f"{tour_key}-moves"] = st.session_state.get(f"{tour_key}-moves", 0) + 1
        table_key = f"{tour_key}-{abs(hash(opened_tour))}-{st.session_state[f'{tour_key}-moves']}-table"

    def move(index: int, by: int) -> None:
        """An arrow: keep what was typed in the table, move the step, number every step as it stands."""
        st.session_state[f"{tour_key}-draft"] = moved(_typed(draft, table_key), index, by)
        st.session_state[f"{tour_key}-moves"] = st.session_state.get(f"{tour_key}-moves", 0) + 1

    with st.expander("Reorder the steps with arrows", expanded=True):
        for i, row in enumerate(draft):
            # One row a step, its arrows beside its name on a phone too (columns would stack there).
            line = st.container(horizontal=True, wrap=False, vertical_alignment="center", gap="small")
            up, down, name = line.container(width="content"), line.container(width="content"), line.container()
            name.markdown(f"**{i + 1:d}** · {md(row['place'])}" + (" *(hidden)*" if row["hidden"] else ""))
            up.button("↑", key=f"{tour_key}-up-{row['id']}", help=f"Move {md(row['place'])} up", disabled=i == 0,
                      on_click=move, args=(i, -1))
            down.button("↓", key=f"{tour_key}-down-{row['id']}", help=f"Move {md(row['place'])} down",
                        disabled=i == len(draft) - 1, on_click=move, args=(i, 1))
    edited = st.data_editor(  # a new key for each tour opened or moved: no edit of an older table comes back
        draft, key=table_key, hide_index=True, disabled=["id", "place"],
        column_config={"step": st.column_config.NumberColumn("step", min_value=1, step=1),
                       "zoom": st.column_config.NumberColumn("zoom", min_value=1, max_value=18, step=1),
                       "id": None})
    by_id = {p.stored.id: p for p in shown}
    in_order = [by_id[row["id"]] for row in draft]
    if st.button("Save the tour", key="save-tour") and save(
            lambda: newsroom.save_tour(store, editor, record.slug, in_order, edited), tour_key, "Saved the tour."):
        st.rerun()
