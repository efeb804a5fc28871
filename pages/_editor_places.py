"""The editor's Places tab: every place of the story, and the review of one."""

from dataclasses import astuple

import streamlit as st

from pages import _editor_shape as drawing
from pages._editor_forms import changed_since, fields_key, opened, save
from pages._editor_place_form import pick_on_map, place_form
from pages._resources import gazetteer
from storymap import newsroom
from storymap.escaping import markdown_text as md
from storymap.places import KIND_LABELS
from storymap.records import Broken, place_values
from storymap.schema import ACCEPTED, ADDED, FOUND, REJECTED, STATUS_LABELS


def places_tab(store, editor, record, story_map, chain, geocoders_off) -> None:
    for name, why in story_map.broken if story_map else ():
        st.warning(f"“{md(name)}” cannot be drawn ({md(why)}): correct it below or reject it.")
    if geocoders_off:
        st.warning(f"Online geocoders are off: {md(geocoders_off)}")
    if chain.online and st.button("Look up names the gazetteer lacks, online", key="online-again"):
        added, problems = newsroom.look_up_online(store, editor, record.slug, chain, gazetteer())
        for place in added:
            st.success(f"Found “{md(place.name)}” with {md(place.geocoder)}.")
        for problem in problems:
            st.warning(f"“{md(problem.name)}” could not be looked up with {md(problem.geocoder)}: {md(problem.reason)}.")
    if not record.places and not record.broken:
        st.info("No places yet: add one.")
    rows = [{"place": p.name, "kind": KIND_LABELS[p.place.kind], "status": STATUS_LABELS.get(p.status, p.status),
             "confidence": f"{p.confidence:.0%}", "lat": p.place.lat, "lon": p.place.lon,
             "mentions": len(p.mentions), "placed by": p.geocoder, "when": p.located_at}
            for p in record.places]
    st.dataframe(rows, hide_index=True, width="stretch")
    by_id = {p.stored.id: p for p in (*record.places, *record.broken)}
    chosen_id = st.selectbox("Review a place", list(by_id), format_func=lambda i: by_id[i].name,
                             key=f"review-{record.slug}")  # each story its own choice
    if chosen_id in by_id and isinstance(by_id[chosen_id], Broken):
        review_broken(store, editor, by_id[chosen_id])
    elif chosen_id in by_id:
        review(store, editor, by_id[chosen_id], story_map, chain)


def described(place: dict) -> str:
    """A gazetteer entry as an editor tells it from its namesakes: "Washington (UT, US, City or town)".
    (A first-level code that is only digits, as GeoNames has outside a few countries, says nothing.)"""
    region = place.get("admin1", "")
    where = ", ".join(x for x in (region if not region.isdigit() else "", place["country"]) if x)
    return f"{place['name']} ({where + ', ' if where else ''}{KIND_LABELS[place['kind']]})"


def review(store, editor, place, story_map, chain) -> None:
    """One place: the decision, another place instead, the map and the form.

    The form keeps the place as it was opened: it saves only what this editor changed, against
    that version; if someone saved meanwhile, the save is refused with their change shown, and
    nothing typed here is lost."""
    prefix = f"p{place.stored.id}"
    was = opened(prefix, place)
    form = fields_key(prefix, was.stored)
    moved_on = place.stored.version != was.stored.version
    changed_since(prefix, moved_on, f"“{place.name}”",
                  store.last_change(place_id=place.stored.id) if moved_on else None, editor)
    st.write(f"**{md(was.name)}** — {STATUS_LABELS[was.status]}; confidence {was.confidence:.0%}")
    if was.reason:
        st.caption(f"Why: {md(was.reason)}")
    status_options = [ADDED] if was.status == ADDED else [FOUND, ACCEPTED, REJECTED]
    status = st.radio("Decision", status_options, index=status_options.index(was.status),
                      format_func=STATUS_LABELS.get, horizontal=True, key=f"{form}-status")
    if status != was.status and save(lambda: store.update_place(editor, *astuple(was.stored), status=status),
                                     prefix, f"“{place.name}”: {STATUS_LABELS[status]}."):
        st.rerun()
    alternatives = {described(r.to_dict()): r.to_dict() for r in was.runners_up}
    query = st.text_input("Search the gazetteer for another place", key=f"{form}-search")
    if query:
        for found in chain.search(query):
            alternatives[described(found.to_dict()) + " — search"] = found.to_dict()
        if not any(k.endswith("— search") for k in alternatives):
            st.warning(f"Nothing called “{md(query)}” in the gazetteer" + (" or online." if chain.online else "."))
        for problem in chain.problems:
            st.warning(f"{md(problem.geocoder)} could not look up “{md(problem.name)}”: {md(problem.reason)}.")
    if alternatives:
        pick = st.selectbox("Use another place instead", ["—"] + list(alternatives), key=f"{form}-alt")
        if pick != "—" and st.button("Use it", key=f"{form}-use"):
            alt = alternatives[pick]
            if save(lambda: newsroom.use_alternative(store, editor, was, alt), prefix,
                    f"“{place.name}” is now {described(alt)}."):
                st.rerun()
    if story_map is not None:
        pick_on_map(story_map, form, was.place.lat, was.place.lon, was.place.kind, was.place.precision_km, was.shape)
    new = place_form(store, editor, form, place_values(was))
    if new is not None and story_map is not None:
        try:
            new["shape"] = drawing.drawn(form)
        except ValueError as exc:
            st.error(md(exc))
            new = None
    if new is not None and save(lambda: newsroom.correct_place(store, editor, was, new), prefix,
                                f"Saved “{new['name']}”."):
        st.rerun()


def review_broken(store, editor, broken) -> None:
    """A place stored with values no place can have (an older Storymap let them in): say what is
    wrong, and let the editor reject it or correct it."""
    prefix = f"p{broken.stored.id}"
    form = fields_key(prefix, broken.stored)
    st.error(f"“{md(broken.name)}” cannot be drawn: {md(broken.why)}. Correct it below, or reject it.")
    if st.button("Reject it", key=f"{form}-reject") and save(
            lambda: store.update_place(editor, *astuple(broken.stored), status=REJECTED), prefix,
            f"“{broken.name}”: {STATUS_LABELS[REJECTED]}."):
        st.rerun()
    values = {**broken.values, "kind": broken.values["kind"] if broken.values["kind"] in KIND_LABELS else "city"}
    new = place_form(store, editor, form, values)
    if new is not None and save(lambda: newsroom.correct_broken(store, editor, broken, new), prefix,
                                f"Saved “{new['name']}”."):
        st.rerun()
