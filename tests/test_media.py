"""A place's media (issue 18): uploads known by their content, each kind's size limit, addresses
http(s) only, YouTube and Vimeo links reduced to their video's id, alt text for images, a short
ordered list that travels in the story file and back, and the one image older Storymaps stored
(story files of version 1, databases before migration 0004) still read."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import wave

import pytest
from PIL import Image

from storymap.accounts import Editor
from storymap.analysis import from_record, stored_places
from storymap.media import MAX_BYTES, MB, Media, check_item, check_upload, video_link
from storymap.schema import SchemaError, check_place, read_story_file
from storymap.storage import Storage
from storymap.transfer import export_story, import_story

ALICE = Editor("alice")


def png() -> bytes:
    """A 320 x 180 picture: a sky over a ridge, big enough to see in a screenshot."""
    from PIL import ImageDraw

    image = Image.new("RGB", (320, 180), "#9cc9e6")
    ImageDraw.Draw(image).polygon([(0, 180), (0, 120), (90, 60), (170, 110), (250, 40), (320, 100), (320, 180)],
                                  fill="#7a5c3a")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def wav() -> bytes:
    """A real, playable WAV: a tenth of a second of silence."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(bytes(1600))
    return buffer.getvalue()


# Containers by their first bytes (what the check reads), padded as a file would be.
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(200)
M4A = b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A isom" + bytes(200)
WEBM = b"\x1aE\xdf\xa3\x9fB\x86\x81\x01B\xf7\x81\x01B\xf2\x81\x04B\xf3\x81\x08B\x82\x84webmB\x87\x81\x04" + bytes(200)
OGG_VORBIS = b"OggS\x00\x02" + bytes(22) + b"\x01\x1e\x01vorbis" + bytes(200)
OGG_THEORA = b"OggS\x00\x02" + bytes(22) + b"\x01\x2a\x80theora" + bytes(200)
MP3_ID3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(200)
MP3_FRAME = b"\xff\xfb\x90\x64" + bytes(400)


@pytest.mark.parametrize("data, mime", [
    (png(), "image/png"), (wav(), "audio/wav"), (MP4, "video/mp4"), (M4A, "audio/mp4"), (WEBM, "video/webm"),
    (OGG_VORBIS, "audio/ogg"), (OGG_THEORA, "video/ogg"), (MP3_ID3, "audio/mpeg"), (MP3_FRAME, "audio/mpeg"),
])
def test_uploads_are_known_by_their_content(data, mime):
    assert check_upload(data) == mime


@pytest.mark.parametrize("data, message", [
    (b"MZ\x90\x00\x03\x00\x00\x00" + bytes(500), "program"),  # a Windows executable named photo.jpg
    (b"\x7fELF\x02\x01\x01" + bytes(500), "program"),  # a Linux one
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
    (b'  <svg onload="alert(1)"></svg>', "SVG"),
    (b"\x1aE\xdf\xa3\x9fB\x86\x81\x01B\x82\x88matroska" + bytes(100), "Matroska"),
    (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00" + bytes(100), "MP4"),
    (b"\x00\x00\x00\x1cftypheic\x00\x00\x00\x00" + bytes(100), "HEIC"),
    (b"<html>not media</html>", "not one Storymap can show"),
    (b"\xff\xd8\xff\xe0 a JPEG's start and nothing after", "not an image"),  # the signature alone is not enough
    (b"", "empty"),
])
def test_uploads_that_are_not_what_they_claim_are_refused(data, message):
    with pytest.raises(ValueError, match=message):
        check_upload(data)


def test_a_huge_upload_is_refused_before_anything_is_decoded(monkeypatch):
    import PIL.Image

    def never(*args, **kwargs):
        raise AssertionError("decoded")

    monkeypatch.setattr(PIL.Image, "open", never)
    with pytest.raises(ValueError, match="50.0 MB; uploads are at most 40 MB"):
        check_upload(b"\xff\xd8\xff\xe0" + bytes(50 * MB - 4))
    with pytest.raises(ValueError, match="image is 12.0 MB; image files are at most 10 MB"):
        check_upload(b"\x89PNG\r\n\x1a\n" + bytes(12 * MB - 8))
    with pytest.raises(ValueError, match="audio files are at most 20 MB"):
        check_upload(MP3_ID3 + bytes(21 * MB))
    assert check_upload(MP4 + bytes(MAX_BYTES["video"] - len(MP4))) == "video/mp4"  # video's own limit: 40 MB


@pytest.mark.parametrize("url, provider, video", [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s", "YouTube", "dQw4w9WgXcQ"),
    ("https://youtu.be/dQw4w9WgXcQ?si=abc", "YouTube", "dQw4w9WgXcQ"),
    ("https://m.youtube.com/shorts/dQw4w9WgXcQ", "YouTube", "dQw4w9WgXcQ"),
    ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "YouTube", "dQw4w9WgXcQ"),
    ("https://vimeo.com/76979871", "Vimeo", "76979871"),
    ("https://player.vimeo.com/video/76979871?h=abc", "Vimeo", "76979871"),
])
def test_youtube_and_vimeo_links_are_reduced_to_their_video(url, provider, video):
    link = video_link(url)
    assert (link.provider, link.id) == (provider, video)
    assert link.player in (f"https://www.youtube-nocookie.com/embed/{video}",
                           f"https://player.vimeo.com/video/{video}?dnt=1")


@pytest.mark.parametrize("url, message", [
    ("https://www.youtube.com/channel/UCabcdefghijk", "names no video"),
    ("https://www.youtube.com/watch?v=short", "names no video"),
    ('https://www.youtube.com/watch?v=dQw4w9WgXc"', "names no video"),
    ("https://vimeo.com/about", "names no video"),
    ("https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ", "Only YouTube and Vimeo"),
    ("javascript:alert('youtube.com')", "https://"),
    ("data:text/html,<script>alert(1)</script>", "https://"),
])
def test_other_addresses_on_video_hosts_are_refused(url, message):
    with pytest.raises(ValueError, match=message):
        video_link(url)


@pytest.mark.parametrize("item, message", [
    ({"kind": "image", "url": "javascript:alert(1)", "alt": "x"}, r"media\[1\]\.url: a media address"),
    ({"kind": "audio", "url": "data:audio/wav;base64,AAAA"}, r"media\[1\]\.url"),
    ({"kind": "image", "url": "https://example.org/a.png"}, "alt text"),
    ({"kind": "image", "url": "https://example.org/a.png", "alt": "   "}, "alt text"),
    ({"kind": "link", "url": "https://www.youtube.com/feed/trending"}, "names no video"),
    ({"kind": "link", "url": "media:" + "0" * 64}, "not uploaded"),
    ({"kind": "image", "url": "https://example.org/a.png", "alt": "x" * 301}, r"alt: longer than 300"),
    ({"kind": "video", "url": "https://example.org/a.mp4", "caption": "x" * 501}, r"caption: longer than 500"),
    ({"kind": "audio", "url": "https://example.org/a.mp3", "credit": "x" * 201}, r"credit: longer than 200"),
    ({"kind": "gallery", "url": "https://example.org/"}, "not one of image, video, audio, link"),
])
def test_each_item_is_checked_with_a_clear_message(item, message):
    with pytest.raises(SchemaError, match=message):
        check_place({"media": [item]})


def test_a_place_has_at_most_four_media():
    item = {"kind": "audio", "url": "https://example.org/a.mp3"}
    check_place({"media": [item] * 4})
    with pytest.raises(SchemaError, match="5 items; between 0 and 4"):
        check_place({"media": [item] * 5})


def test_check_item_says_what_the_schema_cannot():
    check_item({"kind": "link", "url": "https://youtu.be/dQw4w9WgXcQ"})
    with pytest.raises(ValueError, match="alt text"):
        check_item({"kind": "image", "url": "https://example.org/a.png", "alt": ""})


@pytest.fixture
def store(tmp_path, sample_map):
    store = Storage(f"sqlite:///{tmp_path / 'media.sqlite3'}")
    store.create_story(ALICE, sample_map.story, stored_places(sample_map))
    return store


def every_kind(store: Storage) -> list[dict]:
    """One item of each kind, uploaded and by address, in an order that is not the kinds' own."""
    return [
        {"kind": "link", "url": "https://youtu.be/dQw4w9WgXcQ", "caption": "The mine, filmed", "credit": "AP",
         "alt": ""},
        Media(store.save_media(ALICE, png()), "The bazaar", "Reuters", "Stalls under awnings").to_dict(),
        Media(store.save_media(ALICE, wav()), "The foreman, recorded", "", "", "audio").to_dict(),
        Media(store.save_media(ALICE, WEBM), "The convoy", "Storymap", "", "video").to_dict(),
    ]


def test_a_story_with_every_kind_of_media_goes_out_and_comes_back_equal(store, tmp_path):
    wana = next(p for p in store.load("pakistan-copper").places if p.key == "wana")
    khel = next(p for p in store.load("pakistan-copper").places if p.key != "wana")
    media = every_kind(store)
    store.update_place(ALICE, wana.stored.id, wana.stored.version, media=media)
    store.update_place(ALICE, khel.stored.id, khel.stored.version, media=[
        {"kind": "image", "url": "https://example.org/a.png", "alt": "A map", "caption": "", "credit": ""},
        {"kind": "video", "url": "https://example.org/a.mp4", "alt": "", "caption": "", "credit": ""},
        {"kind": "audio", "url": "http://example.org/a.mp3", "alt": "", "caption": "", "credit": ""},
        {"kind": "link", "url": "https://vimeo.com/76979871", "alt": "", "caption": "", "credit": ""}])
    document = export_story(store, "pakistan-copper")
    assert next(p for p in document["places"] if p["key"] == "wana")["media"] == media
    raw = json.dumps(document).encode()
    assert read_story_file(raw) == document  # version 2, valid as it is
    copy = import_story(store, ALICE, json.loads(raw))
    again = export_story(store, copy.slug)
    assert again["places"] == document["places"] and again["story"] == {**document["story"], "slug": copy.slug}
    place = next(p for p in store.load(copy.slug).places if p.key == "wana")
    assert [m.kind for m in place.media] == ["link", "image", "audio", "video"]
    assert [m.caption for m in place.media] == ["The mine, filmed", "The bazaar", "The foreman, recorded", "The convoy"]
    # Another Storymap that shares nothing: the uploads travel in the file, byte for byte.
    assert set(document["uploads"]) == {m["url"][6:] for m in media if m["url"].startswith("media:")}
    elsewhere = Storage(f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}")
    moved = import_story(elsewhere, ALICE, json.loads(raw))
    assert export_story(elsewhere, moved.slug)["places"] == document["places"]
    for digest in document["uploads"]:
        assert elsewhere.media(digest) == store.media(digest)


def test_a_story_file_whose_uploads_were_changed_cut_or_disguised_stores_nothing(store, tmp_path):
    wana = next(p for p in store.load("pakistan-copper").places if p.key == "wana")
    url = store.save_media(ALICE, png())
    store.update_place(ALICE, wana.stored.id, wana.stored.version,
                       media=[{"kind": "image", "url": url, "alt": "The bazaar", "caption": "", "credit": ""}])
    document = export_story(store, "pakistan-copper")
    digest = url[6:]
    program = b"MZ\x90\x00" + bytes(200)
    cases = {"does not match its address": base64.b64encode(png()[:-10]).decode(),
             "not base64": "not base64 at all!",
             "refused": base64.b64encode(program).decode()}
    for why, data in cases.items():
        bad = json.loads(json.dumps(document))
        bad["uploads"][digest]["data"] = data
        if why == "refused":  # a program under its own true address, claiming to be a PNG
            bad["uploads"] = {hashlib.sha256(program).hexdigest(): {"mime": "image/png", "data": data}}
        elsewhere = Storage(f"sqlite:///{tmp_path / f'{why}.sqlite3'}")
        with pytest.raises(ValueError, match=why):
            import_story(elsewhere, ALICE, bad)
        assert elsewhere.slugs() == [] and elsewhere.uploads({digest, hashlib.sha256(program).hexdigest()}) == []
    named_only = {k: v for k, v in document.items() if k != "uploads"}  # an older file: named, not carried
    elsewhere = Storage(f"sqlite:///{tmp_path / 'older.sqlite3'}")
    with pytest.raises(ValueError, match="Wana: its upload media:.* is not in the store"):
        import_story(elsewhere, ALICE, named_only)
    assert elsewhere.slugs() == []


def test_an_upload_claiming_another_kind_is_refused(store):
    wana = next(p for p in store.load("pakistan-copper").places if p.key == "wana")
    ref = store.save_media(ALICE, wav())
    with pytest.raises(ValueError, match="audio, not video"):
        store.update_place(ALICE, wana.stored.id, wana.stored.version, media=[{"kind": "video", "url": ref}])


def test_a_refused_upload_stores_nothing(store):
    from sqlalchemy import func, select

    from storymap.newsroom import upload_medium
    from storymap.tables import MediaRow

    for data, alt, message in ((b"MZ" + bytes(100), "x", "program"), (png(), "", "alt text"),
                               (b"<svg onload=alert(1)>", "x", "SVG")):
        with pytest.raises(ValueError, match=message):
            upload_medium(store, ALICE, data, alt=alt)
    with store._sessions() as s:
        assert s.scalar(select(func.count()).select_from(MediaRow)) == 0
    item = upload_medium(store, ALICE, wav(), "A recording")
    assert item["kind"] == "audio" and item["url"].startswith("media:")  # the kind is the content's


def test_every_kind_is_drawn_in_the_popup_the_panel_and_the_tour_step(store):
    from storymap.export import data_uri_media
    from storymap.maps import popup_html
    from storymap.tours import build_tour
    from storymap.viewer import place_data

    wana = next(p for p in store.load("pakistan-copper").places if p.key == "wana")
    store.update_place(ALICE, wana.stored.id, wana.stored.version, media=every_kind(store))
    smap = from_record(store.load("pakistan-copper"))
    inline = data_uri_media(store)
    step = next(s for s in build_tour(smap, inline) if s.key == "wana")
    index = {s.start: i for i, s in enumerate(smap.sentences)}
    for html in (str(popup_html(smap, smap.place("wana"), inline)), step.html,
                 place_data(smap, smap.place("wana"), index, inline)["media"]):
        assert '<img src="data:image/png;base64,' in html and 'alt="Stalls under awnings"' in html
        assert '<audio src="data:audio/wav;base64,' in html and '<video src="data:video/webm;base64,' in html
        assert 'data-player="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
        assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in html and "youtu.be" not in html
        assert "<iframe" not in html  # the player is the browser's to add, online
        assert html.index("The mine, filmed") < html.index("The bazaar") < html.index("The convoy")
    cover = build_tour(smap, inline)[0].html
    assert 'alt="Stalls under awnings"' in cover and "<audio" not in cover  # the lead image: the first image


def test_a_version_1_story_file_is_read_with_its_one_image():
    from tests.test_schema import GOOD

    place = {k: v for k, v in GOOD["places"][0].items() if k != "media"}
    old = {**GOOD, "version": 1, "places": [
        {**place, "media_url": "https://example.org/w.jpg", "media_caption": "Wana", "media_credit": "AP"},
        {**place, "key": "bare", "media_url": "", "media_caption": "", "media_credit": ""}]}
    document = read_story_file(json.dumps(old).encode())
    assert document["version"] == 2
    assert document["places"][0]["media"] == [{"url": "https://example.org/w.jpg", "caption": "Wana", "credit": "AP",
                                               "alt": "Wana", "kind": "image"}]
    assert document["places"][1]["media"] == []
    store = Storage("sqlite://")  # the store's own door reads it too, not only the file's
    record = import_story(store, ALICE, old)
    assert [p.media for p in record.places] == [(Media("https://example.org/w.jpg", "Wana", "AP", "Wana"),), ()]
    old["places"][0]["media_url"] = "javascript:alert(1)"
    with pytest.raises(SchemaError, match=r"places\[1\]\.media\[1\]\.url"):
        read_story_file(json.dumps(old).encode())


def test_a_store_of_one_image_a_place_is_migrated_to_lists_and_its_history_still_undoes(empty_database_url):
    """Migration 0004 on a database an older Storymap (revision 0002) filled: the image becomes the
    place's first medium, and a change to it made back then can still be undone."""
    import sqlalchemy as sa

    from storymap import migrations

    url = empty_database_url
    engine = sa.create_engine(url)
    migrations.upgrade(engine, "0002")
    now = "2026-01-01 00:00:00"
    with engine.begin() as db:
        db.execute(sa.text("INSERT INTO stories (slug, title, date, dateline, source, url, text, deleted, version) "
                           "VALUES ('old', 'Old', NULL, '', '', '', 'Wana.', false, 1)"))
        story = db.execute(sa.text("SELECT id FROM stories")).scalar()
        db.execute(sa.text(
            "INSERT INTO places (story_id, key, gazetteer_id, name, kind, lat, lon, country, precision_km, status, "
            "mentions, confidence, reason, runners_up, note, source, geocoder, located_at, media_url, media_caption, "
            "media_credit, tour_order, tour_hidden, tour_zoom, version) VALUES (:story, 'wana', '', 'Wana', 'city', "
            "32.3, 69.6, '', 0, 'found', '[]', 1, '', '[]', '', '', '', '', 'https://example.org/new.jpg', "
            "'The bazaar', 'AP', NULL, false, NULL, 2)"), {"story": story})
        place = db.execute(sa.text("SELECT id FROM places")).scalar()
        changes = [(None, {"name": "Wana", "media_url": "https://example.org/old.jpg", "media_caption": "",
                              "media_credit": "AP"}, "found"),
                   ({"media_url": "https://example.org/old.jpg", "media_caption": ""},
                    {"media_url": "https://example.org/new.jpg", "media_caption": "The bazaar"}, "edit place")]
        for before, after, action in changes:
            db.execute(sa.text("INSERT INTO changes (story_id, place_id, editor, at, action, before, after) "
                               "VALUES (:story, :place, 'bob', :at, :action, :before, :after)"),
                       {"story": story, "place": place, "at": now, "action": action, "after": json.dumps(after),
                        "before": None if before is None else json.dumps(before)})
    migrations.upgrade(engine)  # what `python -m storymap migrate` does (and a SQLite store when opened)
    engine.dispose()
    store = Storage(url)
    assert migrations.current(store.engine) == migrations.head()
    place = store.load("old").places[0]
    assert place.media == (Media("https://example.org/new.jpg", "The bazaar", "AP", "The bazaar"),)
    history = store.history("old")
    assert history[0].before == {"media": [Media("https://example.org/old.jpg", "", "AP", "Image of Wana").to_dict()]}
    store.undo(ALICE, history[0].id)
    assert store.load("old").places[0].media == (Media("https://example.org/old.jpg", "", "AP", "Image of Wana"),)
    from alembic import command  # back down, as an operator would to run the older Storymap again

    config = migrations.config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    with store.engine.connect() as db:
        assert db.execute(sa.text("SELECT media_url, media_caption, media_credit FROM places")).one() == \
            ("https://example.org/old.jpg", "", "AP")


@pytest.mark.parametrize("typed, order", [
    ((1, 2, 3), "abc"), ((3, 2, 3), "bca"), ((1, 2, 1), "cab"), ((2, 2, 3), "bac"), ((1, 1, 3), "bac"),
])
def test_media_are_ordered_as_the_editor_typed(typed, order):
    from storymap.newsroom import ordered_media

    kept = [(position, had, {"caption": name}) for position, had, name in zip(typed, (1, 2, 3), "abc")]
    assert "".join(m["caption"] for m in ordered_media(kept, None)) == order
    with pytest.raises(ValueError, match="at most 4"):
        ordered_media(kept + [(4, 4, {})], {"caption": "new"})


def test_the_server_takes_uploads_as_large_as_a_story_file_and_no_larger():
    """The server's cap is the largest file any uploader takes (a story file carrying its uploads);
    each uploader refuses more than its own limit before the file is sent."""
    import tomllib
    from pathlib import Path

    from storymap.schema import MAX_FILE_BYTES

    root = Path(__file__).resolve().parent.parent
    config = tomllib.loads((root / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * MB == MAX_FILE_BYTES > 3 * max(MAX_BYTES.values()) * 4 // 3


def test_the_exported_file_carries_each_upload_once(store):
    """A medium is shown in its place's panel, its tour step and (an image) on the cover: the file
    holds its data: URI once, which the page names, so an upload costs its base64 size, no more."""
    import base64
    import re

    from storymap.export import data_uri_media, export

    wana = next(p for p in store.load("pakistan-copper").places if p.key == "wana")
    store.update_place(ALICE, wana.stored.id, wana.stored.version, media=every_kind(store))
    html = export(from_record(store.load("pakistan-copper")), "html", data_uri_media(store))
    for data in (png(), wav(), WEBM):
        assert html.count(base64.b64encode(data).decode()) == 1
    named = set(re.findall(r"data-upload=[^0-9a-f]{1,12}([0-9a-f]{64})", html))
    assert len(named) == 3 and not re.search(r"src=[^a-z]{1,12}data:", html)


def test_an_image_quoting_svg_markup_in_its_metadata_is_still_an_image():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="JPEG", comment=b'<svg onload="alert(1)">')
    assert b"<svg" in buffer.getvalue()[:1024] and check_upload(buffer.getvalue()) == "image/jpeg"
