"""A place's media in the editor's form (AppTest): an item added by its address, an image refused
without alt text, the list reordered and an item removed, each saved as the place's list."""

import pytest

from storymap.accounts import Editor
from storymap.storage import Storage
from tests.apptest import editor_env, signed_in_editor


@pytest.fixture
def env(tmp_path, monkeypatch):
    return editor_env(tmp_path, monkeypatch)


def wana_form(at, store):
    options = list(at.selectbox(key="review-pakistan-copper").options)
    at = at.selectbox(key="review-pakistan-copper").select_index(options.index("Wana")).run()
    wana = next(p for p in store.load("pakistan-copper").places if p.key == "wana")
    return at, wana, f"p{wana.stored.id}-v{wana.stored.version}"


def test_an_editor_adds_a_video_link_and_an_image_needs_alt_text(env):
    store = Storage(env)
    at, wana, prefix = wana_form(signed_in_editor(), store)
    at.selectbox(key=f"{prefix}-new-kind").select("image")
    at.text_input(key=f"{prefix}-new-url").input("https://example.org/bazaar.jpg")
    at.text_input(key=f"{prefix}-new-caption").input("The bazaar")
    at = at.button(key=f"{prefix}-save").click().run()
    assert "alt text" in at.error[0].value
    assert store.place(wana.stored.id).media == ()  # nothing saved
    at.selectbox(key=f"{prefix}-new-kind").select("link")
    at.text_input(key=f"{prefix}-new-url").input("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    at = at.button(key=f"{prefix}-save").click().run()
    assert not at.error, [e.value for e in at.error]
    saved = store.place(wana.stored.id)
    assert [(m.kind, m.url, m.caption) for m in saved.media] == [
        ("link", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "The bazaar")]


def test_an_editor_reorders_and_removes_media(env):
    at = signed_in_editor()  # the store is seeded from the story files
    store = Storage(env)
    wana = next(p for p in store.load("pakistan-copper").places if p.key == "wana")
    items = [{"kind": "image", "url": "https://example.org/a.jpg", "alt": "A", "caption": "first", "credit": ""},
             {"kind": "audio", "url": "https://example.org/b.mp3", "alt": "", "caption": "second", "credit": ""},
             {"kind": "video", "url": "https://example.org/c.mp4", "alt": "", "caption": "third", "credit": ""}]
    store.update_place(Editor("bob"), wana.stored.id, wana.stored.version, media=items)
    at, wana, prefix = wana_form(at, store)
    at.number_input(key=f"{prefix}-m2-position").set_value(1)
    at.checkbox(key=f"{prefix}-m1-remove").check()
    at.text_input(key=f"{prefix}-m0-credit").input("AP")
    at = at.button(key=f"{prefix}-save").click().run()
    assert not at.error, [e.value for e in at.error]
    saved = store.place(wana.stored.id)
    assert [(m.caption, m.credit) for m in saved.media] == [("third", ""), ("first", "AP")]
    assert store.history("pakistan-copper")[0].fields_changed == ["media"]


def test_a_caption_longer_than_its_limit_is_refused_by_name_and_what_was_typed_stays(env):
    """A new-user session pasted a long caption and saw it vanish (the field's own limit dropped it):
    the field takes it, the save says which field is too long, and the typing is still there."""
    from storymap.media import MAX_CAPTION

    store = Storage(env)
    at, wana, prefix = wana_form(signed_in_editor(), store)
    at.selectbox(key=f"{prefix}-new-kind").select("link")
    at.text_input(key=f"{prefix}-new-url").input("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    long = "A caption that goes on. " * 30
    assert len(long) > MAX_CAPTION
    at.text_input(key=f"{prefix}-new-caption").input(long)
    at = at.button(key=f"{prefix}-save").click().run()
    assert "media[1].caption: longer than 500 characters" in at.error[0].value.replace("\\", "")  # markdown-escaped
    assert store.place(wana.stored.id).media == ()
    assert at.text_input(key=f"{prefix}-new-caption").value == long
