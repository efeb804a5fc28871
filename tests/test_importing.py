"""Import: files in any common encoding, .docx and HTML, and URL fetching behind its fences."""

import io

import pytest

from storymap.articles import StoryError
from storymap.importing import FetchError, fetch, story_from_file, story_from_text, story_from_url
from tests.servers import WebServer

ARTICLE = """<!doctype html><html><head><meta charset="utf-8"><title>Copper road | The Frontier Post</title>
<meta property="article:published_time" content="2026-02-03T08:00:00Z"><meta name="author" content="Sana Khan">
</head><body><nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<div class="ad">Subscribe now for only $1!</div>
<article><h1>Copper road</h1>
<p>Trucks carrying copper ore left Wana on Monday for the long drive to Islamabad, officials said.</p>
<p>The ore comes from the Muhammad Khel mine in North Waziristan, where output reached 22,000 tons last year.</p>
<p>Engineers say a second deposit nearby could hold ten times as much metal as the first one.</p>
</article><footer>© The Frontier Post. All rights reserved. Cookie settings.</footer></body></html>"""


@pytest.fixture
def web(monkeypatch):
    routes = {"/article": (200, {"Content-Type": "text/html; charset=utf-8"}, ARTICLE.encode())}
    server = WebServer(routes)
    port = server.httpd.server_port
    routes["/to-loopback"] = (302, {"Location": f"http://127.0.0.1:{port}/article"}, b"")
    routes["/to-localhost"] = (302, {"Location": f"http://localhost:{port}/article"}, b"")
    routes["/huge"] = (200, {"Content-Type": "text/html"}, b"<p>" + b"x" * (6 * 1024 * 1024) + b"</p>")
    routes["/missing"] = (404, {}, b"gone")
    routes["/image"] = (200, {"Content-Type": "image/png"}, b"\x89PNG....")
    routes["/plain"] = (200, {"Content-Type": "text/plain; charset=windows-1252"},
                        "Café owners in Zürich and Wana.".encode("cp1252"))
    monkeypatch.setenv("STORYMAP_FETCH_ALLOW", "localhost")  # the test server, by name only
    yield f"http://localhost:{port}"
    server.close()


def test_an_article_page_becomes_a_story_without_navigation_or_ads(web):
    story = story_from_url(f"{web}/article")
    assert story.title == "Copper road"
    assert story.date and story.date.isoformat() == "2026-02-03"
    assert "Sana Khan" in story.source
    assert story.text.startswith("Trucks carrying copper ore left Wana")
    assert "Subscribe" not in story.text and "Cookie" not in story.text and "Home" not in story.text
    assert len(story.paragraphs) == 3


def test_a_redirect_to_loopback_is_refused(web):
    with pytest.raises(FetchError, match="private or local address"):
        story_from_url(f"{web}/to-loopback")
    assert fetch(f"{web}/to-localhost").url.endswith("/article")  # allowed host, followed


@pytest.mark.parametrize("url,message", [
    ("file:///etc/passwd", "Only http"), ("ftp://example.org/x", "Only http"),
    ("http://127.0.0.1:1/x", "private or local"), ("http://169.254.169.254/latest/meta-data/", "private or local"),
    ("http://[::1]/", "private or local"), ("http://10.1.2.3/", "private or local"),
    ("http://nonexistent.invalid/", "could not be found"),
])
def test_unsafe_or_bad_addresses_are_refused(url, message, monkeypatch):
    monkeypatch.delenv("STORYMAP_FETCH_ALLOW", raising=False)
    with pytest.raises(FetchError, match=message):
        fetch(url)


def test_plain_text_page_in_its_declared_charset(web):
    assert "Café owners in Zürich" in story_from_url(f"{web}/plain").text


def test_size_status_and_type_are_checked(web):
    with pytest.raises(FetchError, match="larger than 5 MB|limit is 5 MB"):
        fetch(f"{web}/huge")
    with pytest.raises(FetchError, match="404"):
        fetch(f"{web}/missing")
    with pytest.raises(FetchError, match="not a web page"):
        story_from_url(f"{web}/image")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_text_files_in_common_encodings(encoding):
    text = "---\ntitle: Café in Zürich\n---\nThe café in Zürich and the mine near Wana — “quoted”."
    if encoding == "cp1252":
        text = text.replace("—", "-")
    story = story_from_file("story.txt", text.encode(encoding))
    assert story.title == "Café in Zürich" and "Zürich" in story.text


def test_non_latin_scripts_are_kept():
    urdu = "---\ntitle: وانا\n---\nوانا میں تانبے کی کان۔ Officials in Islamabad agreed."
    story = story_from_file("urdu.md", urdu.encode("utf-8"))
    assert story.title == "وانا" and "تانبے" in story.text


def test_docx_upload():
    import docx

    document = docx.Document()
    document.core_properties.title = "Copper report"
    document.add_paragraph("Copper report")
    document.add_paragraph("The mine near Wana shipped ore to China.")
    document.add_paragraph("Islamabad welcomed the figures.")
    buffer = io.BytesIO()
    document.save(buffer)
    story = story_from_file("report.docx", buffer.getvalue())
    assert story.title == "Copper report"
    assert story.text == "The mine near Wana shipped ore to China.\n\nIslamabad welcomed the figures."


def test_html_upload_and_bad_files():
    assert story_from_file("page.html", ARTICLE.encode()).title == "Copper road"
    with pytest.raises(StoryError, match="not a Word"):
        story_from_file("fake.docx", b"not a zip")
    with pytest.raises(StoryError, match="reads .txt"):
        story_from_file("photo.png", b"\x89PNG")
    with pytest.raises(StoryError, match="(?i)no (article )?text"):
        story_from_file("empty.html", b"<html><body><nav>Menu</nav></body></html>")


def test_pasted_text():
    story = story_from_text("Pasted", "Text about Wana.", dateline="Wana")
    assert (story.title, story.dateline, story.slug) == ("Pasted", "Wana", "pasted")
    with pytest.raises(StoryError):
        story_from_text("", "Text")
