"""Editor: review, correct and annotate the places of a story; edit stories; see and undo history."""

import json

import streamlit as st
from streamlit_folium import st_folium

from pages._resources import (gazetteer, geocoder_chain, media_url, sign_in, storage, story_boundary, story_files,
                              vendor_assets)
from storymap import maps
from storymap.analysis import analyse, from_record, stored_places
from storymap.escaping import markdown_text as md
from storymap.importing import story_from_text
from storymap.library import look_up_online
from storymap.accounts import Editor
from storymap.places import KIND_LABELS, KINDS
from storymap.schema import SchemaError, read_story_file
from storymap.storage import ACCEPTED, ADDED, FOUND, REJECTED, ConflictError, NotFound

STATUS_LABELS = {FOUND: "Found (not reviewed)", ACCEPTED: "Accepted", REJECTED: "Rejected: not drawn",
                 ADDED: "Added by an editor"}


def parse_number(label: str, raw: str) -> float:
    try:
        return float(str(raw).strip())
    except ValueError:
        raise ValueError(f"The {label} must be a number, not “{raw}”.") from None  # shown through md()


def create_story(editor: Editor, **fields) -> object:
    """A new story from the form, geoparsed, its places waiting for review."""
    story = story_from_text(**fields)
    if story.warnings:
        raise ValueError(" ".join(story.warnings))
    return store.create_story(editor, story, stored_places(analyse(story, gazetteer())))


def tour_fields(place) -> tuple:
    """What the tour saves of a place: its step, whether it is hidden, its zoom."""
    return place.tour_order, place.tour_hidden, place.tour_zoom


def _int_or_none(value) -> int | None:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    return int(value)


def forget(prefix: str) -> None:
    """Drop a form's typed values, so it shows what is saved now."""
    for key in [k for k in st.session_state if str(k).startswith(f"{prefix}-")]:
        del st.session_state[key]


def save(write, prefix: str, done: str = "Saved.") -> bool:
    """Run one save. A conflict shows the other edit and offers to drop what was typed under
    ``prefix``; a bad value shows why. After a save the form forgets its typing and its version,
    and ``done`` is said once the page has been drawn again."""
    try:
        if not write():
            return False  # nothing had changed: nothing to save or to say
    except ConflictError as exc:
        show_conflict(exc)
        st.button("Discard my changes and load theirs", key=f"{prefix}-reload", on_click=forget, args=(prefix,))
        return False
    except (ValueError, NotFound) as exc:
        st.error(md(exc))
        return False
    forget(prefix)
    st.session_state["said"] = done
    return True


def show_conflict(exc: ConflictError) -> None:
    st.error(md(exc))
    change = exc.change
    if change:
        before, after = change.before or {}, change.after or {}
        st.markdown(f"What {md(change.editor)} saved at {change.at:%H:%M:%S}:\n" + "\n".join(
            f"- {md(field)}: {md(readable(before.get(field)))} → {md(readable(after.get(field)))}"
            for field in change.fields_changed))


def readable(value) -> str:
    """A stored value as an editor reads it (a status by its label)."""
    return STATUS_LABELS.get(value, "—" if value in (None, "") else str(value)) if isinstance(value, (str, type(None))) \
        else str(value)


def opened(key: str, current):
    """What a form was opened on (a record, with its version): it saves only what the editor
    changed since, against that version, so another editor's save is never silently undone."""
    return st.session_state.setdefault(f"{key}-opened", current)


def changed_since(key: str, changed: bool, what: str) -> None:
    """Say so when someone saved what this form shows, and offer to load it."""
    if changed:
        st.info(f"Someone saved {md(what)} since you opened it. Saving from here keeps their change "
                "unless you change the same thing; you can also load what is saved now.")
        st.button("Load what is saved now", key=f"{key}-load", on_click=forget, args=(key,))


def restore(slug: str) -> None:
    record = storage().restore_story(editor, slug)
    st.query_params["story"] = slug
    st.session_state["said"] = f"Restored “{record.title}”."


def deleted_stories() -> None:
    """Deleted stories, each a button away from coming back."""
    deleted = storage().titles(deleted=True)
    if deleted:
        st.subheader("Deleted stories")
        for gone, gone_title in deleted.items():
            c1, c2 = st.columns([5, 1])
            c1.write(f"{md(gone_title)} ({md(gone)})")
            c2.button("Restore", key=f"restore-{gone}", on_click=restore, args=(gone,))


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
    st.button("Undo the deletion", key="undo-delete", on_click=restore, args=(gone[0],))
story_files()
labels = store.labels()
if not labels:  # every story deleted: they can still come back from here
    st.info("There are no stories: import one, add a file to the story library, or restore one below.")
    deleted_stories()
    st.stop()
wanted = st.query_params.get("story")
# Stories are told apart by slug (two may share a title): the picker's key names the slug in
# the address, so a rerun never lands on another story with the same label.
slug = st.sidebar.selectbox("Story", list(labels), format_func=labels.get,
                            index=list(labels).index(wanted) if wanted in labels else 0, key=f"story-pick-{wanted}")
st.query_params["story"] = slug
record = store.load(slug)
st.title(f"Edit: {md(record.title)}")
places_tab, add_tab, tour_tab, story_tab, history_tab, transfer_tab, new_tab = st.tabs(
    ["Places", "Add a place", "Tour", "Story", "History", "Export / import", "New story"])


def place_form(prefix: str, values: dict) -> dict | None:
    """Fields shared by correcting and adding a place; returns the new values or None."""
    kinds = list(KINDS)
    media = str(values.get("media_url", ""))
    defaults = {"name": values.get("name", ""), "kind": values.get("kind", "city"), "lat": str(values.get("lat", "")),
                "lon": str(values.get("lon", "")), "precision": str(values.get("precision_km", 0)),
                "note": values.get("note", ""), "source": values.get("source", ""),
                "media-url": "" if media.startswith("media:") else media,
                "caption": values.get("media_caption", ""), "credit": values.get("media_credit", "")}
    for field, default in defaults.items():
        st.session_state.setdefault(f"{prefix}-{field}", default)  # a map click may have set lat/lon already
    with st.container(border=True):
        name = st.text_input("Label", key=f"{prefix}-name")
        kind = st.selectbox("Kind", kinds, format_func=KIND_LABELS.get, key=f"{prefix}-kind")
        c1, c2, c3 = st.columns(3)
        lat = c1.text_input("Latitude", key=f"{prefix}-lat")
        lon = c2.text_input("Longitude", key=f"{prefix}-lon")
        precision = c3.text_input("Precision (km radius, 0 = exact)", key=f"{prefix}-precision")
        note = st.text_area("Note (shown to readers)", key=f"{prefix}-note")
        source = st.text_input("Source of the location", key=f"{prefix}-source")
        m1, m2 = st.columns(2)
        image_url = m1.text_input("Image address (http/https)", key=f"{prefix}-media-url")
        upload = m2.file_uploader("…or upload an image (5 MB at most)", type=None, key=f"{prefix}-upload")
        caption = m1.text_input("Image caption", key=f"{prefix}-caption")
        credit = m2.text_input("Image credit", key=f"{prefix}-credit")
        if not st.button("Save", key=f"{prefix}-save", type="primary"):
            return None
    try:
        out = {"name": name, "kind": kind, "lat": parse_number("latitude", lat),
               "lon": parse_number("longitude", lon), "precision_km": parse_number("precision", precision),
               "note": note, "source": source, "media_caption": caption, "media_credit": credit,
               "media_url": image_url.strip() or values.get("media_url", "")}
        if upload is not None:
            out["media_url"] = store.save_media(editor, upload.getvalue())
        return out
    except ValueError as exc:
        st.error(md(exc))
        return None


def pick_on_map(prefix: str, lat: float, lon: float, kind: str, precision_km: float) -> None:
    """A small map of the story opened on this place, at a zoom that suits it (a country whole,
    a mine close up): a click sets the latitude and longitude fields."""
    from storymap.places import Place

    here = Place("here", "here", kind, lat, lon, precision_km=precision_km)
    fmap = maps.build_map(maps_story, vendor_assets(), tiles=maps.tiles_setting(), height=320, focus=here,
                          media_url=media_url())
    st.caption("Click the map to set the position.")
    state = st_folium(fmap, key=f"{prefix}-map", height=320, use_container_width=True,
                      returned_objects=["last_clicked"])
    clicked = (state or {}).get("last_clicked")
    if clicked and clicked != st.session_state.get(f"{prefix}-clicked"):
        st.session_state[f"{prefix}-clicked"] = clicked
        st.session_state[f"{prefix}-lat"] = f"{clicked['lat']:.5f}"
        st.session_state[f"{prefix}-lon"] = f"{clicked['lng']:.5f}"
        st.rerun()


maps_story = None  # what the review map draws; None when the stored story cannot be drawn
with story_boundary(slug, stop=False):
    maps_story = from_record(record)
search_chain, geocoders_off = geocoder_chain()

with places_tab:
    for name, why in maps_story.broken if maps_story else ():
        st.warning(f"“{md(name)}” cannot be drawn ({md(why)}): correct it below or reject it.")
    if geocoders_off:
        st.warning(f"Online geocoders are off: {md(geocoders_off)}")
    if search_chain.online and st.button("Look up names the gazetteer lacks, online", key="online-again"):
        added, problems = look_up_online(store, editor, slug, search_chain, gazetteer())
        for place in added:
            st.success(f"Found “{md(place.name)}” with {md(place.geocoder)}.")
        for problem in problems:
            st.warning(f"“{md(problem.name)}” could not be looked up with {md(problem.geocoder)}: {md(problem.reason)}.")
    if not record.places:
        st.info("No places yet: add one.")
    rows = [{"place": p.name, "kind": KIND_LABELS.get(p.kind, p.kind), "status": STATUS_LABELS.get(p.status, p.status),
             "confidence": f"{p.confidence:.0%}", "lat": p.lat, "lon": p.lon, "mentions": len(p.mentions),
             "placed by": p.geocoder, "when": p.located_at}
            for p in record.places]
    st.dataframe(rows, hide_index=True, width="stretch")
    by_id = {p.id: p for p in record.places}
    chosen_id = st.selectbox("Review a place", list(by_id), format_func=lambda i: by_id[i].name, key="review")
    place = by_id.get(chosen_id)
    if place:
        # The form keeps the place as it was opened: it saves only what this editor changed, against
        # that version; if someone saved meanwhile, the save is refused with their change shown,
        # and nothing typed here is lost.
        prefix = f"p{place.id}"
        was = opened(prefix, place)
        changed_since(prefix, place.version != was.version, f"“{place.name}”")
        st.write(f"**{md(was.name)}** — {STATUS_LABELS[was.status]}; confidence {was.confidence:.0%}")
        if was.reason:
            st.caption(f"Why: {md(was.reason)}")
        status_options = [ADDED] if was.status == ADDED else [FOUND, ACCEPTED, REJECTED]
        status = st.radio("Decision", status_options, index=status_options.index(was.status),
                          format_func=STATUS_LABELS.get, horizontal=True, key=f"{prefix}-status")
        if status != was.status and save(lambda: store.update_place(editor, place.id, was.version, status=status),
                                         prefix, f"“{place.name}”: {STATUS_LABELS[status]}."):
            st.rerun()
        alternatives = {f"{r['name']} ({r['country']}, {KIND_LABELS[r['kind']]})": r for r in was.runners_up}
        query = st.text_input("Search the gazetteer for another place", key=f"{prefix}-search")
        if query:
            for found in search_chain.search(query):
                alternatives[f"{found.name} ({found.country}, {KIND_LABELS[found.kind]}) — search"] = found.to_dict()
            if not any(k.endswith("— search") for k in alternatives):
                st.warning(f"Nothing called “{md(query)}” in the gazetteer"
                           + (" or online." if search_chain.online else "."))
            for problem in search_chain.problems:
                st.warning(f"{md(problem.geocoder)} could not look up “{md(problem.name)}”: {md(problem.reason)}.")
        if alternatives:
            pick = st.selectbox("Use another place instead", ["—"] + list(alternatives), key=f"{prefix}-alt")
            if pick != "—" and st.button("Use it", key=f"{prefix}-use"):
                alt = alternatives[pick]
                if save(lambda: store.update_place(
                        editor, place.id, was.version, name=alt["name"], kind=alt["kind"], lat=alt["lat"],
                        lon=alt["lon"], precision_km=alt["precision_km"], country=alt["country"],
                        gazetteer_id=alt["id"], source=alt["source"], geocoder="editor's choice",
                        status=ACCEPTED), prefix, f"“{place.name}” is now {alt['name']}."):
                    st.rerun()
        if maps_story is not None:
            pick_on_map(prefix, was.lat, was.lon, was.kind, was.precision_km)
        new = place_form(prefix, was.values())
        if new is not None:
            changes = {k: v for k, v in new.items() if v != getattr(was, k)}
            if {"lat", "lon"} & set(changes):
                changes["geocoder"] = "editor"
            if save(lambda: changes and store.update_place(editor, place.id, was.version, **changes), prefix,
                    f"Saved “{new['name']}”."):
                st.rerun()

with add_tab:
    st.write("Add a place the finder missed, tied to words of the text, or a free annotation tied to none.")
    words = st.text_input("The words in the text (leave empty for a free annotation)", key="add-words")
    occurrence = st.number_input("Which occurrence of these words", min_value=1, value=1, step=1, key="add-nth")
    mentions = []
    if words:
        starts = [i for i in range(len(record.text)) if record.text.startswith(words, i)]
        if len(starts) < occurrence:
            st.warning(f"“{md(words)}” occurs {len(starts)} time(s) in the text.")
        else:
            start = starts[occurrence - 1]
            mentions = [[start, start + len(words), words]]
            st.caption(f"…{md(record.text[max(0, start - 60):start + len(words) + 60])}…")
    new = place_form("add", {"name": words, "kind": "site", "lat": "", "lon": "", "precision_km": 0})
    if new is not None:
        try:
            new["name"] = new["name"].strip() or words
            added = store.add_place(editor, slug, {**new, "mentions": mentions, "geocoder": "editor"})
            forget("add")
            st.session_state["said"] = f"Added “{added.name}”."
            st.rerun()
        except ValueError as exc:
            st.error(md(exc))

with tour_tab:
    st.write("The tour follows the article unless you number the steps. Hidden places stay on the map "
             "but get no step; a zoom (1–18) overrides the one that suits the kind of place.")
    # Like the place form: the table keeps the tour as it was opened, and the whole tour is saved
    # in one transaction against those versions, so a save by someone else never swallows it.
    tour_key = f"tour-{slug}"
    live = [p for p in record.places if p.status != REJECTED]
    shown = opened(tour_key, live)
    if [(p.id, tour_fields(p)) for p in live] != [(p.id, tour_fields(p)) for p in shown]:
        changed_since(tour_key, True, "the tour")
    table = [{"id": p.id, "place": p.name, "step": p.tour_order, "hidden": p.tour_hidden, "zoom": p.tour_zoom}
             for p in shown]
    edited = st.data_editor(
        table, key=f"{tour_key}-table", hide_index=True, disabled=["id", "place"],
        column_config={"step": st.column_config.NumberColumn("step", min_value=1, step=1),
                       "zoom": st.column_config.NumberColumn("zoom", min_value=1, max_value=18, step=1),
                       "id": None})

    def save_tour():
        changes = {}
        for row, place in zip(edited, shown):
            values = {"tour_order": _int_or_none(row["step"]), "tour_hidden": bool(row["hidden"]),
                      "tour_zoom": _int_or_none(row["zoom"])}
            changed = {k: v for k, v in values.items() if v != getattr(place, k)}
            if changed:
                changes[place.id] = changed
        return changes and store.save_tour(editor, slug, {p.id: tour_fields(p) for p in shown}, changes)

    if st.button("Save the tour", key="save-tour") and save(save_tour, tour_key, "Saved the tour."):
        st.rerun()

with story_tab:
    # As with places: the form keeps the story as it was opened, saves only the fields changed
    # since, against that version; a racing save is refused with the other edit shown, and the
    # text typed here stays in the form.
    story_key = f"story-{slug}"
    was_story = opened(story_key, record)
    changed_since(story_key, record.version != was_story.version, "the story")
    with st.form(story_key):
        title = st.text_input("Title", was_story.title, key=f"{story_key}-title")
        date = st.text_input("Date (YYYY-MM-DD)", was_story.date or "", key=f"{story_key}-date")
        dateline = st.text_input("Dateline", was_story.dateline, key=f"{story_key}-dateline")
        source = st.text_input("Source", was_story.source, key=f"{story_key}-source")
        url = st.text_input("URL", was_story.url, key=f"{story_key}-url")
        text = st.text_area("Text", was_story.text, height=400, key=f"{story_key}-text")
        submitted = st.form_submit_button("Save the story")
    if submitted:
        changes = {k: v for k, v in dict(title=title, date=date or None, dateline=dateline, source=source,
                                          url=url, text=text).items() if v != getattr(was_story, k)}
        if save(lambda: changes and store.update_story(editor, slug, was_story.version, **changes), story_key,
                "Saved the story."):
            st.rerun()
    with st.expander("Delete this story"):
        st.write("Readers will no longer find it. Nothing is erased: it can be restored from "
                 "*Deleted stories* in the New story tab, or by undoing the deletion.")
        sure = st.checkbox(f"Yes, delete “{md(record.title)}”", key=f"{story_key}-sure")
        if st.button("Delete the story", key=f"{story_key}-delete", disabled=not sure, type="primary"):
            if save(lambda: store.delete_story(editor, slug, was_story.version), story_key, "Deleted."):
                st.session_state.pop("said", None)  # the deletion is said with its undo button instead
                st.session_state["deleted-story"] = (slug, record.title)
                st.query_params.clear()
                st.rerun()

with history_tab:
    for change in store.history(slug)[:200]:
        with st.container(border=True):
            c1, c2 = st.columns([5, 1])
            subject = by_id[change.place_id].name if change.place_id in by_id else "the story"
            c1.write(f"**{md(change.action)}** · {md(subject)} · {md(change.editor)} · {change.at:%Y-%m-%d %H:%M:%S}")
            if change.before or change.after:
                c1.json({"before": change.before, "after": change.after}, expanded=False)
            if change.action != "create story" and c2.button("Undo", key=f"undo-{change.id}"):
                try:
                    store.undo(editor, change.id)
                    st.session_state["said"] = f"Undid “{change.action}”."
                    st.rerun()
                except (ConflictError, ValueError, NotFound) as exc:
                    st.error(md(exc))

with transfer_tab:
    st.download_button("Download this story as JSON", json.dumps(store.export_json(slug), ensure_ascii=False,
                                                                   indent=1),
                       file_name=f"{slug}.storymap.json", mime="application/json")
    upload = st.file_uploader("Import a story exported from Storymap", type=["json"], key="import-json")
    if upload is not None and st.button("Import"):
        try:
            imported = store.import_json(editor, read_story_file(upload.getvalue()))
            st.success(f"Imported “{md(imported.title)}” as “{md(imported.slug)}”.")
            st.link_button("Edit it", f"/editor?story={imported.slug}")
        except SchemaError as exc:
            st.error("This file cannot be imported; nothing was stored:")
            st.markdown("\n".join(f"- {md(problem)}" for problem in exc.problems))
        except ValueError as exc:
            st.error(f"This file cannot be imported; nothing was stored. {md(exc)}")

with new_tab:
    with st.form("new-story", clear_on_submit=False):
        st.write("Write or paste a new story; its places are found when you save it.")
        title = st.text_input("Title", key="new-title")
        date = st.text_input("Date (YYYY-MM-DD)", key="new-date")
        dateline = st.text_input("Dateline", key="new-dateline")
        source = st.text_input("Source", key="new-source")
        text = st.text_area("Text", height=300, key="new-text")
        if st.form_submit_button("Create the story"):
            try:
                created = create_story(editor, title=title, date=date, dateline=dateline, source=source, text=text)
                st.success(f"Created “{md(created.title)}”.")
                st.link_button("Read it", f"/?story={created.slug}")
            except ValueError as exc:
                st.error(md(exc))
    deleted_stories()
