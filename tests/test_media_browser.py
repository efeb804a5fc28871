"""A place's media in the exported single HTML file, opened from disk with the network blocked
(issue 18), at a desk's window size and a phone's: an image, an audio and a video element from the
file itself (uploads inlined as data: URIs), and a YouTube video as a link card. Online (as the
browser judges, here with every outside request blocked) a "Play here" button puts the player's
frame above the card, on youtube-nocookie.com; offline, the card alone.

Screenshots are written to /tmp/storymap-shots (for a person to look at; nothing reads them).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from storymap.analysis import from_record, stored_places
from storymap.export import data_uri_media, export
from storymap.storage import Storage
from storymap.tours import build_tour
from tests.browsing import SIZES, Visit
from tests.test_media import ALICE, WEBM, every_kind

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/storymap-shots")
SETTLED = "() => storymap.settled() && storymap.step() === {}"


@pytest.fixture(scope="module")
def exported(tmp_path_factory, sample_map):
    """The sample story with Wana's four media (an image, a recording, a video, a YouTube link), as one file."""
    folder = tmp_path_factory.mktemp("media-export")
    store = Storage(f"sqlite:///{folder / 'store.sqlite3'}")
    store.create_story(ALICE, sample_map.story, stored_places(sample_map))
    wana = next(p for p in store.load("pakistan-copper").places if p.key == "wana")
    store.update_place(ALICE, wana.stored.id, wana.stored.version, media=every_kind(store))
    smap = from_record(store.load("pakistan-copper"))
    path = folder / "story.html"
    path.write_text(export(smap, "html", data_uri_media(store)), encoding="utf-8")
    step = next(s for s in build_tour(smap) if s.key == "wana")
    return path, step.number


@pytest.fixture(params=list(SIZES))
def size_name(request):
    return request.param


def check_media(scope, online: bool) -> None:
    """The four media of the place shown in ``scope``, in the editor's order."""
    figure = scope.locator(".sm-media")
    image = figure.locator('img[alt="Stalls under awnings"]')
    expect(image).to_be_visible()
    expect(image).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    assert image.evaluate("i => i.complete && i.naturalWidth") == 320  # decoded from the file itself
    audio = figure.locator("audio")
    expect(audio).to_be_visible()
    expect(audio).to_have_attribute("src", re.compile(r"^data:audio/wav;base64,"))
    audio.evaluate("a => a.readyState >= 1 || new Promise(done => a.addEventListener('loadedmetadata', done))")
    assert audio.evaluate("a => a.duration") == pytest.approx(0.1, abs=0.01)  # a real recording, read offline
    video = figure.locator("video")
    expect(video).to_be_visible()
    expect(video).to_have_attribute("src", re.compile(r"^data:video/webm;base64,"))
    card = figure.locator(".sm-video-link a.sm-link-card")
    expect(card).to_be_visible()
    expect(card).to_contain_text("The mine, filmed")
    expect(card).to_have_attribute("href", "https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    player, play = figure.locator(".sm-video-link iframe"), figure.locator(".sm-video-link .sm-play-here")
    expect(player).to_have_count(0)  # nothing is asked of YouTube until the reader wants the video
    if online:
        play.click()
        expect(player).to_have_attribute("src", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
        expect(play).to_have_count(0)
    else:
        expect(play).to_have_count(0)
    kinds = figure.locator("figure").evaluate_all(
        "fs => fs.map(f => f.querySelector('img, audio, video, a.sm-link-card').tagName)")
    assert kinds == ["A", "IMG", "AUDIO", "VIDEO"]  # the editor's order


def test_the_exported_file_shows_every_kind_of_media_offline(browser, exported, size_name):
    path, number = exported
    size = SIZES[size_name]
    SHOTS.mkdir(exist_ok=True)
    v = Visit(browser, path.as_uri(), size, touch=size_name == "phone")
    try:
        v.page.wait_for_function("() => window.storymap && storymap.settled()", polling="raf", timeout=30_000)
        v.page.get_by_role("button", name="Take the guided tour →").click()
        v.page.locator(".smv-steps").select_option(str(number - 1))
        v.page.wait_for_function(SETTLED.format(number), polling="raf", timeout=30_000)
        step = v.page.locator(".smv-step")
        expect(step.locator("h3")).to_have_text("Wana")
        check_media(step, online=True)
        for n, element in enumerate(("iframe", "audio", "video")):  # each in turn, where a phone's step scrolls
            step.locator(f".sm-media {element}").scroll_into_view_if_needed()
            v.page.screenshot(path=str(SHOTS / f"media-step-{size_name}-{n}.png"))
        # Offline, as the browser knows it: the card alone, no frame that would stay blank.
        v.page.context.set_offline(True)
        v.page.goto(f"{path.as_uri()}#place=wana")
        v.page.reload()
        v.page.wait_for_function("() => window.storymap && storymap.settled()", polling="raf", timeout=30_000)
        panel = v.page.locator(".smv-panel")
        expect(panel.locator("h2")).to_have_text("Wana")
        check_media(panel, online=False)
        panel.locator(".sm-media").scroll_into_view_if_needed()
        v.page.screenshot(path=str(SHOTS / f"media-panel-offline-{size_name}.png"))
        assert not v.errors
        outside = {url for _, url in v.blocked if not url.startswith("https://tile.openstreetmap.org/")}
        assert outside <= {"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"}, outside  # asked only online
    finally:
        v.close()


def test_the_video_stub_is_a_webm_by_its_signature():
    """The video above is a WebM header, not a playable film (no encoder here): the page shows its
    player, which is what is tested; the recording and the image are real files."""
    assert WEBM.startswith(b"\x1aE\xdf\xa3") and b"webm" in WEBM[:64]
