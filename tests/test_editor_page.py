"""The editor page through AppTest: readers change nothing; editors correct, add, undo."""

import re

import pytest

from storymap.accounts import Editor
from storymap.storage import Storage
from storymap.transfer import export_story, import_story
from tests.apptest import app, editor_env, signed_in_editor

@pytest.fixture
def env(tmp_path, monkeypatch):
    return editor_env(tmp_path, monkeypatch)


def editor_page(session=None):
    return app("editor", session=session).run()


def signed_in():
    return signed_in_editor()


def test_a_reader_sees_only_the_sign_in_form(env):
    at = editor_page()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Name", "Password"]
    assert not at.tabs and not at.radio and not at.text_area


def test_a_wrong_password_is_refused(env):
    at = editor_page()
    at.text_input[0].input("alice")
    at.text_input[1].input("nope")
    at = at.button[0].click().run()
    assert "do not match" in at.error[0].value
    assert not at.tabs


def test_the_reader_page_offers_no_way_to_change_anything(env):
    at = app().run()
    assert not at.exception
    assert not at.text_input and not at.text_area and not at.file_uploader
    assert all("Save" not in b.label and "Undo" not in b.label for b in at.button)


def test_an_editor_corrects_a_place_and_the_history_can_undo_it(env):
    at = signed_in()
    assert not at.exception
    assert at.title[0].value.startswith("Edit: Copper under the frontier")
    at.selectbox(key="review-pakistan-copper").select_index(
        [o for o in at.selectbox(key="review-pakistan-copper").options].index("Muhammad Khel copper mine")).run()
    store = Storage(env)
    mine = next(p for p in store.load("pakistan-copper").places if p.key == "muhammad-khel-copper-mine")
    prefix = f"p{mine.stored.id}-v{mine.stored.version}"  # the form's widgets name the version it shows
    at.text_input(key=f"{prefix}-lat").input("33.1")
    at.text_input(key=f"{prefix}-lon").input("north")
    at = at.button(key=f"{prefix}-save").click().run()
    assert "must be a number" in at.error[0].value
    assert store.place(mine.stored.id).place.lat == mine.place.lat  # nothing saved
    at.text_input(key=f"{prefix}-lon").input("69.95")
    at.text_area(key=f"{prefix}-note").input("<script>alert(1)</script> checked")
    at = at.button(key=f"{prefix}-save").click().run()
    saved = store.place(mine.stored.id)
    assert (saved.place.lat, saved.place.lon, saved.place.note) == (33.1, 69.95, "<script>alert(1)</script> checked")
    change = store.history("pakistan-copper")[0]
    assert change.editor == "alice" and change.after["lat"] == 33.1
    # The History tab says what changed in words an editor reads, escaped, not as JSON.
    lines = [m.value for m in at.markdown if "→" in m.value]
    assert lines and "→ \\<script\\>alert\\(1\\)\\</script\\> checked" in lines[0], lines  # escaped
    assert "- lat: 33\\.03 → 33\\.1" in lines[0] and "- geocoder: offline gazetteer → editor" in lines[0]
    assert not at.json
    at.button(key=f"undo-{change.id}").click().run()
    assert store.place(mine.stored.id).place.lat == mine.place.lat


def test_an_editor_adds_a_place_tied_to_words(env):
    at = signed_in()
    at.text_input(key="add-words").input("a second deposit").run()
    at.text_input(key="add-lat").input("33.0")
    at.text_input(key="add-lon").input("69.9")
    at.text_input(key="add-precision").input("20")
    at = at.button(key="add-save").click().run()
    assert not at.error, [e.value for e in at.error]
    added = next(p for p in Storage(env).load("pakistan-copper").places if p.name == "a second deposit")
    assert added.status == "added" and added.mentions[0].text == "a second deposit"


def test_a_conflicting_save_shows_the_other_edit(env):
    at = signed_in()
    at.selectbox(key="review-pakistan-copper").select_index(
        [o for o in at.selectbox(key="review-pakistan-copper").options].index("Wana")).run()
    store = Storage(env)
    wana = next(p for p in store.load("pakistan-copper").places if p.key == "wana")
    store.update_place(Editor("bob"), wana.stored.id, wana.stored.version, note="Bob was here")  # bob saves first
    prefix = f"p{wana.stored.id}-v{wana.stored.version}"  # Alice's form still shows the version she opened
    at.text_area(key=f"{prefix}-note").input("Alice's note")
    at = at.button(key=f"{prefix}-save").click().run()
    assert "changed by someone else" in at.error[0].value
    assert store.place(wana.stored.id).place.note == "Bob was here"
    assert at.text_area(key=f"{prefix}-note").value == "Alice's note"  # her text is still there
    assert any("Bob was here" in m.value for m in at.markdown)  # their change, in words


def test_an_editor_writes_a_new_story_and_its_places_are_found(env):
    at = signed_in()
    at.text_input(key="new-title").input("Floods near Peshawar")
    at.text_input(key="new-date").input("2026-03-01")
    at.text_area(key="new-text").input("Rivers rose in Peshawar and Charsadda, officials in Islamabad said.")
    at = at.button(key="FormSubmitter:new-story-Create the story").click().run()
    assert not at.error, [e.value for e in at.error]
    record = Storage(env).load("floods-near-peshawar")
    assert {p.key for p in record.places} >= {"peshawar", "islamabad"}
    assert record.date == "2026-03-01"


def test_a_new_story_without_text_is_refused(env):
    at = signed_in()
    at.text_input(key="new-title").input("Empty")
    at = at.button(key="FormSubmitter:new-story-Create the story").click().run()
    assert "no text" in at.error[0].value


def test_a_racing_story_edit_is_refused_and_the_typed_title_kept(env):
    at = signed_in()
    store = Storage(env)
    record = store.load("pakistan-copper")
    store.update_story(Editor("bob"), "pakistan-copper", record.version, title="Bob's title")
    at.text_input(key=f"story-pakistan-copper-v{record.version}-title").input("Alice's title")
    at = at.button(key="FormSubmitter:story-pakistan-copper-Save the story").click().run()
    assert not at.exception  # the "discard" button stands outside the form
    assert "changed by someone else" in at.error[0].value
    assert store.load("pakistan-copper").title == "Bob's title"
    assert at.text_input(key=f"story-pakistan-copper-v{record.version}-title").value == "Alice's title"


def test_the_review_map_opens_at_a_zoom_that_suits_the_place(env):
    # A country seen whole, a town close up: the map used to open every place at a mine's zoom.
    def zoom(at):
        args = at.get("component_instance")[0].proto.json_args
        return int(re.search(r'\\"zoom\\": (\d+)', args).group(1))

    at = signed_in()
    options = list(at.selectbox(key="review-pakistan-copper").options)
    assert options[0] == "Pakistan" and zoom(at) == 5  # the first place is under review
    at = at.selectbox(key="review-pakistan-copper").select_index(options.index("Wana")).run()
    assert zoom(at) == 11


def review(at, name):
    options = list(at.selectbox(key="review-pakistan-copper").options)
    return at.selectbox(key="review-pakistan-copper").select_index(options.index(name)).run()


def test_another_editors_decision_is_not_undone_by_a_rerun(env):
    # Alice has Wana open; Bob accepts it; Alice only types in the search box. Her page used to
    # save its stale "found" over Bob's decision, against the new version, with no warning.
    at = review(signed_in(), "Wana")
    store = Storage(env)
    wana = next(p for p in store.load("pakistan-copper").places if p.key == "wana")
    store.update_place(Editor("bob"), wana.stored.id, wana.stored.version, status="accepted")
    opened = f"p{wana.stored.id}-v{wana.stored.version}"
    at.text_input(key=f"{opened}-search").input("Wana").run()
    assert store.place(wana.stored.id).status == "accepted"
    assert any("bob saved" in i.value and "since this form was opened" in i.value for i in at.info)
    # Her own decision now is refused, with Bob's shown, rather than silently replacing his.
    at = at.radio(key=f"{opened}-status").set_value("rejected").run()
    assert "changed by someone else" in at.error[0].value
    assert store.place(wana.stored.id).status == "accepted"
    # She loads what is saved (a new form, of the new version), and then decides.
    at = at.button(key=f"p{wana.stored.id}-reload").click().run()
    now = f"p{wana.stored.id}-v{store.place(wana.stored.id).stored.version}"
    assert at.radio(key=f"{now}-status").value == "accepted"
    at = at.radio(key=f"{now}-status").set_value("rejected").run()
    assert not at.error and store.place(wana.stored.id).status == "rejected"


def test_a_form_saves_only_what_the_editor_changed(env):
    at = review(signed_in(), "Wana")
    store = Storage(env)
    wana = next(p for p in store.load("pakistan-copper").places if p.key == "wana")
    at.text_area(key=f"p{wana.stored.id}-v{wana.stored.version}-note").input("Alice's note")
    at = at.button(key=f"p{wana.stored.id}-v{wana.stored.version}-save").click().run()
    assert not at.error
    saved = store.place(wana.stored.id)
    assert saved.place.note == "Alice's note" and (saved.place.lat, saved.place.source) == (wana.place.lat, wana.place.source)
    assert store.history("pakistan-copper")[0].fields_changed == ["note"]
    store.update_place(Editor("bob"), saved.stored.id, saved.stored.version, source="Bob's source")
    assert store.place(wana.stored.id).place.note == "Alice's note"


def test_two_stories_with_one_title_are_told_apart_by_slug(env):
    at = signed_in()
    store = Storage(env)
    import_story(store, Editor("bob"), export_story(store, "pakistan-copper"))
    at = editor_page({"editor": at.session_state["editor"]})
    at.query_params["story"] = "pakistan-copper"
    at = at.run()
    labels = at.sidebar.selectbox[0].options
    assert len(set(labels)) == len(labels) == 2 and any("pakistan-copper-2" in label for label in labels)
    at = review(at, "Wana")
    assert at.query_params["story"] == "pakistan-copper"
    assert at.title[0].value.startswith("Edit: Copper")
    wana = next(p for p in store.load("pakistan-copper").places if p.key == "wana")
    assert at.text_input(key=f"p{wana.stored.id}-v{wana.stored.version}-name").value == "Wana"  # the original's, not the copy's


def test_an_editor_deletes_a_story_and_undoes_it(env):
    at = signed_in()
    store = Storage(env)
    at.checkbox(key="story-pakistan-copper-sure").check().run()
    at = at.button(key="story-pakistan-copper-delete").click().run()
    assert store.titles() == {} and not at.exception
    assert "Deleted" in at.success[0].value
    at = at.button(key="undo-delete").click().run()
    assert list(store.titles()) == ["pakistan-copper"] and not at.exception
    assert at.title[0].value.startswith("Edit: Copper")
    assert [c.action for c in store.history("pakistan-copper")[:2]] == ["restore story", "delete story"]


def test_a_hostile_title_shows_as_text(env):
    at = signed_in()
    store = Storage(env)
    record = store.load("pakistan-copper")
    store.update_story(Editor("bob"), "pakistan-copper", record.version,
                       title="**Breaking:** [withdrawn](https://evil.example) ![x](http://evil.example/x.png)")
    at = editor_page({"editor": at.session_state["editor"]})
    title = at.title[0].value
    assert "\\*\\*Breaking" in title and "\\[withdrawn\\]\\(https\u2060\\:" in title and "\\!\\[x\\]" in title


def test_an_editor_can_still_delete_a_story_that_cannot_be_drawn(env):
    from tests.test_app import store_broken_story

    at = signed_in()
    store_broken_story(env, date="yesterday")
    at = editor_page({"editor": at.session_state["editor"]})
    at.query_params["story"] = "aaa-broken"
    at = at.run()
    assert not at.exception and "cannot be shown" in at.error[0].value
    at.checkbox(key="story-aaa-broken-sure").check().run()
    at = at.button(key="story-aaa-broken-delete").click().run()
    assert list(Storage(env).titles()) == ["pakistan-copper"]


def test_a_place_stored_broken_is_named_and_can_be_corrected_or_rejected(env):
    from tests.test_app import store_broken_story

    at = signed_in()
    store_broken_story(env, kind="planet")
    at = editor_page({"editor": at.session_state["editor"]})
    at.query_params["story"] = "aaa-broken"
    at = at.run()
    assert not at.exception and "Wana" in at.warning[0].value and "planet" in at.warning[0].value
    (broken,) = Storage(env).load("aaa-broken").broken
    form = f"p{broken.stored.id}-v{broken.stored.version}"
    assert "cannot be drawn" in at.error[0].value and at.text_input(key=f"{form}-name").value == "Wana"
    at.selectbox(key=f"{form}-kind").set_value("site")
    at = at.button(key=f"{form}-save").click().run()
    record = Storage(env).load("aaa-broken")
    assert not at.exception and record.broken == () and [p.place.kind for p in record.places] == ["site"]
    store_broken_story(env, kind="planet", slug="aaa-broken-2")
    at.query_params["story"] = "aaa-broken-2"
    at = at.run()
    (broken,) = Storage(env).load("aaa-broken-2").broken
    at = at.button(key=f"p{broken.stored.id}-v{broken.stored.version}-reject").click().run()
    (rejected,) = Storage(env).load("aaa-broken-2").broken
    assert rejected.values["status"] == "rejected" and not at.exception


def test_the_last_story_deleted_can_still_be_restored(env):
    at = signed_in()
    at.checkbox(key="story-pakistan-copper-sure").check().run()
    at = at.button(key="story-pakistan-copper-delete").click().run()
    assert "Copper under the frontier" in at.success[0].value  # the title, not the slug
    at = editor_page({"editor": at.session_state["editor"]})  # the undo button is gone after a reload
    assert not at.exception and "restore one below" in at.info[0].value
    at = at.button(key="restore-pakistan-copper").click().run()
    assert list(Storage(env).titles()) == ["pakistan-copper"]
    assert at.title[0].value.startswith("Edit: Copper")


def test_after_an_undo_the_form_shows_what_is_saved_and_a_later_save_keeps_it(env):
    # The Story tab kept the undone dateline in its field, and the next save of another field
    # silently put it back (a new-user session found it).
    at = signed_in()
    store = Storage(env)
    first = store.load("pakistan-copper")
    key = f"story-pakistan-copper-v{first.version}"
    at.text_input(key=f"{key}-dateline").input("KARACHI")
    at = at.button(key="FormSubmitter:story-pakistan-copper-Save the story").click().run()
    assert store.load("pakistan-copper").dateline == "KARACHI"
    undo = store.history("pakistan-copper")[0]
    at = at.button(key=f"undo-{undo.id}").click().run()
    now = store.load("pakistan-copper")
    assert now.dateline == first.dateline
    at = at.button(key="story-pakistan-copper-load").click().run() if any(
        b.key == "story-pakistan-copper-load" for b in at.button) else at
    key = f"story-pakistan-copper-v{now.version}"
    assert at.text_input(key=f"{key}-dateline").value == first.dateline
    at.text_input(key=f"{key}-source").input("Desk")
    at = at.button(key="FormSubmitter:story-pakistan-copper-Save the story").click().run()
    saved = store.load("pakistan-copper")
    assert (saved.source, saved.dateline) == ("Desk", first.dateline)


def test_a_decision_shown_is_the_one_saved_after_using_another_place(env):
    # After "Use it", the Decision still showed "Found" and the next rerun (a click on the map)
    # saved it over the new "Accepted".
    at = review(signed_in(), "Wana")
    store = Storage(env)
    wana = next(p for p in store.load("pakistan-copper").places if p.key == "wana")
    at.selectbox(key=f"p{wana.stored.id}-v{wana.stored.version}-alt").select_index(1).run()
    at = at.button(key=f"p{wana.stored.id}-v{wana.stored.version}-use").click().run()
    used = store.place(wana.stored.id)
    assert used.status == "accepted" and used.stored.version == wana.stored.version + 1
    assert at.radio(key=f"p{wana.stored.id}-v{used.stored.version}-status").value == "accepted"
    at = at.run()  # any rerun: nothing is saved behind the editor's back
    assert store.place(wana.stored.id) == used


def test_namesakes_are_told_apart_by_their_state(env):
    at = review(signed_in(), "Washington")
    store = Storage(env)
    washington = next(p for p in store.load("pakistan-copper").places if p.key == "washington")
    options = at.selectbox(key=f"p{washington.stored.id}-v{washington.stored.version}-alt").options
    us_towns = [o for o in options if ", US, " in o]
    assert us_towns and len(set(us_towns)) == len(us_towns)  # no two alike
    assert all(re.search(r"\((?:[A-Z]{2,3}, )?US, ", o) for o in us_towns)


def test_the_editor_opens_the_story_being_read_and_the_first_pick_of_another_is_kept(env):
    at = signed_in()
    store = Storage(env)
    import_story(store, Editor("bob"), export_story(store, "pakistan-copper"))
    # From the reader's menu (no address): the story last read, not the first in the list.
    at = editor_page({"editor": at.session_state["editor"], "story": "pakistan-copper-2"}).run()
    assert at.query_params["story"] == "pakistan-copper-2" and at.sidebar.selectbox[0].value == "pakistan-copper-2"
    at = at.sidebar.selectbox[0].select("pakistan-copper").run()  # the first pick counts
    assert at.query_params["story"] == "pakistan-copper" and at.sidebar.selectbox[0].value == "pakistan-copper"
    at = at.run()  # and stays on a rerun
    assert at.sidebar.selectbox[0].value == "pakistan-copper" and at.session_state["story"] == "pakistan-copper"
