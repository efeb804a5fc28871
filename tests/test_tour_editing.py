"""The editor's Tour tab through AppTest: steps reordered by arrows, saved in one transaction
through newsroom.save_tour, refused whole when someone else changed the tour meanwhile."""


import pytest

from storymap.accounts import Editor
from storymap.analysis import from_record
from storymap.storage import Storage
from storymap.tours import build_tour, moved, ordered_places
from tests.apptest import editor_env, signed_in_editor

@pytest.fixture
def env(tmp_path, monkeypatch):
    return editor_env(tmp_path, monkeypatch)


def signed_in():
    return signed_in_editor()


def arrow(at, direction, place_id):
    return at.button(key=f"tour-pakistan-copper-{direction}-{place_id}").click().run()


def listed(at) -> list[str]:
    """The arrows' list as the editor reads it: '1 · Pakistan', ..."""
    arrows = next(e for e in at.expander if e.label == "Reorder the steps with arrows")
    return [m.value.replace("**", "") for m in arrows.markdown]


def test_arrows_reorder_the_steps_and_one_save_keeps_the_order(env):
    at = signed_in()
    assert not at.exception
    store = Storage(env)
    places = {p.key: p for p in store.load("pakistan-copper").places}
    before = [rp.key for rp in ordered_places(from_record(store.load("pakistan-copper")))]
    assert before[:2] == ["pakistan", "afghanistan"]
    assert listed(at)[:2] == ["1 · Pakistan", "2 · Afghanistan"]
    assert at.button(key=f"tour-pakistan-copper-up-{places['pakistan'].stored.id}").disabled  # first: no way up
    at = arrow(at, "down", places["pakistan"].stored.id)  # Pakistan after Afghanistan
    wana = places["wana"].stored.id
    for _ in range(3):
        at = arrow(at, "up", wana)  # Wana three steps earlier
    assert not at.exception
    assert listed(at)[:2] == ["1 · Afghanistan", "2 · Pakistan"]
    expected = ["afghanistan", "pakistan"] + [k for k in before[2:] if k != "wana"]
    expected.insert(before.index("wana") - 3, "wana")
    assert [line.split(" · ")[1] for line in listed(at)] == [places[k].name for k in expected]
    assert [rp.key for rp in ordered_places(from_record(store.load("pakistan-copper")))] == before  # not saved yet
    changes_before = len(store.history("pakistan-copper"))

    at = at.button(key="save-tour").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    smap = from_record(store.load("pakistan-copper"))
    assert [rp.key for rp in ordered_places(smap)] == expected
    assert [rp.tour.order for rp in ordered_places(smap)] == list(range(1, len(expected) + 1))
    # The tour as readers get it: the cover, the stops numbered as the editor left them, the credits.
    steps = build_tour(smap)
    assert [s.key for s in steps[1:-1]] == expected and [s.stop for s in steps[1:-1]] == list(range(1, 20))
    history = store.history("pakistan-copper")
    assert {c.action for c in history[:len(history) - changes_before]} == {"edit tour"}
    assert listed(at)[:2] == ["1 · Afghanistan", "2 · Pakistan"]  # the tab shows what is saved now


def test_a_tour_changed_meanwhile_is_not_overwritten(env):
    at = signed_in()
    store = Storage(env)
    places = {p.key: p for p in store.load("pakistan-copper").places}
    china = places["china"]
    store.update_place(Editor("bob"), china.stored.id, china.stored.version, tour_order=1)  # bob saves first
    at = arrow(at, "down", places["pakistan"].stored.id)
    at = at.button(key="save-tour").click().run()
    assert any("changed by someone else" in e.value for e in at.error), [e.value for e in at.error]
    smap = from_record(store.load("pakistan-copper"))
    assert ordered_places(smap)[0].key == "china"  # bob's order stands, nothing of alice's was saved
    assert {rp.key: rp.tour.order for rp in smap.places if rp.tour.order is not None} == {"china": 1}


def test_moved_renumbers_every_row_and_stops_at_the_ends():
    rows = [{"id": i, "step": None} for i in range(4)]
    assert [r["id"] for r in moved(rows, 0, 1)] == [1, 0, 2, 3]
    assert [r["id"] for r in moved(rows, 3, -1)] == [0, 1, 3, 2]
    assert [r["step"] for r in moved(rows, 2, 1)] == [1, 2, 3, 4]
    assert [r["id"] for r in moved(rows, 0, -1)] == [0, 1, 2, 3]  # nothing above the first
    assert [r["id"] for r in moved(rows, 3, 1)] == [0, 1, 2, 3]  # nothing below the last
    assert rows[0] == {"id": 0, "step": None}  # the table it was given is left as it was


def test_a_place_rejected_elsewhere_leaves_an_untouched_tour_current_and_quiet(env):
    at = signed_in()
    store = Storage(env)
    washington = next(p for p in store.load("pakistan-copper").places if p.key == "washington")
    assert any(line.endswith("· Washington") for line in listed(at))
    store.update_place(Editor("alice"), washington.stored.id, washington.stored.version, status="rejected")
    at = at.run()
    # Nothing was changed in the tour tab: it follows the places as they are, without a warning
    # that cannot be cleared (Save had nothing to save).
    assert not any("since this form was opened" in i.value for i in at.info), [i.value for i in at.info]
    assert not any(line.endswith("· Washington") for line in listed(at))


def test_a_place_rejected_while_the_tour_is_being_reordered_is_said_and_the_order_kept(env):
    at = signed_in()
    store = Storage(env)
    places = {p.key: p for p in store.load("pakistan-copper").places}
    at = arrow(at, "down", places["pakistan"].stored.id)
    washington = places["washington"]
    store.update_place(Editor("bob"), washington.stored.id, washington.stored.version, status="rejected")
    at = at.run()
    assert any("bob saved the places of the tour" in i.value and "since this form was opened" in i.value
               for i in at.info), [i.value for i in at.info]
    assert listed(at)[:2] == ["1 · Afghanistan", "2 · Pakistan"]  # the editor's unsaved order is kept
    assert not any(line.endswith("· Washington") for line in listed(at))  # but not the rejected place
    at = at.button(key="save-tour").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    smap = from_record(store.load("pakistan-copper"))
    assert [rp.key for rp in ordered_places(smap)][:2] == ["afghanistan", "pakistan"]
    assert "washington" not in [rp.key for rp in ordered_places(smap)]
    washington = next(p for p in store.load("pakistan-copper").places if p.key == "washington")
    assert washington.tour.order is None  # the rejected place's tour was left alone
