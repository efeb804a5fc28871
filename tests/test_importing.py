"""Import: files in any common encoding, .docx and HTML, and URL fetching behind its fences."""

import datetime
import io
import socketserver
import threading
import time
import zipfile

import pytest

from storymap.articles import MAX_STORY_CHARS, StoryError
from storymap.importing import FetchError, fetch, story_from_file, story_from_text, story_from_url
from tests.servers import WebServer

ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + b"\x02\x00>\x00\x01\x00\x00\x00" + b"\x40\x10" * 40
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"  # all ASCII: only its first bytes say what it is

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
    routes["/unknown-charset"] = (200, {"Content-Type": "text/plain; charset=x-martian"},
                                  "Officials in Wana said the road is open.".encode())
    routes["/not-utf-8"] = (200, {"Content-Type": "text/plain; charset=utf-8"},
                            "Café owners in Zürich and Wana.".encode("cp1252"))
    routes["/elf"] = (200, {"Content-Type": "text/plain; charset=utf-8"}, ELF)
    routes["/elf-no-charset"] = (200, {"Content-Type": "text/plain"}, ELF)
    routes["/bytes-as-latin-1"] = (200, {"Content-Type": "text/plain; charset=iso-8859-1"}, bytes(range(256)) * 4)
    routes["/pdf"] = (200, {"Content-Type": "text/plain"}, PDF)
    routes["/pdf-as-html"] = (200, {"Content-Type": "text/html"}, PDF)
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
    ("http://nonexistent.invalid/", "could not be found"), ("http://example.org:99999/", "not a web address"),
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


def test_an_unknown_or_wrong_charset_is_read_as_best_it_can_be(web):
    assert story_from_url(f"{web}/unknown-charset").text == "Officials in Wana said the road is open."
    story = story_from_url(f"{web}/not-utf-8")
    assert "Café owners in Zürich" in story.text
    assert any("Windows-1252" in w for w in story.warnings)


@pytest.mark.parametrize("path", ["/elf", "/elf-no-charset", "/bytes-as-latin-1", "/pdf", "/pdf-as-html"])
def test_a_binary_file_served_as_text_is_refused(web, path):
    with pytest.raises(StoryError, match="not text"):
        story_from_url(f"{web}{path}")


@pytest.mark.parametrize("name,data", [("program.txt", ELF), ("report.md", PDF),
                                       ("archive.txt", b"PK\x03\x04" + b"x" * 40),
                                       ("noise.txt", b"Wana " + bytes(range(1, 9)) * 50)])
def test_a_binary_file_uploaded_as_text_is_refused(name, data):
    with pytest.raises(StoryError, match="not text"):
        story_from_file(name, data)


def test_empty_and_oversized_files_are_refused_before_they_are_read():
    for name in ("empty.txt", "empty.html", "empty.docx"):
        with pytest.raises(StoryError, match="The file is empty"):
            story_from_file(name, b"")
    with pytest.raises(StoryError, match="up to 5 MB"):
        story_from_file("long.txt", b"Wana. " * 1_000_000)
    with pytest.raises(StoryError, match="up to 20 MB"):
        story_from_file("huge.docx", b"PK" * 10_000_001)


class RawServer:
    """A loopback server answering each request with ``reply(head, write)``; it keeps the request heads.

    For what WebServer cannot do: drip a reply byte by byte, or show what the client sent. With
    ``http=False`` it answers as soon as a client connects (a TLS client sends no HTTP head first).
    """

    def __init__(self, reply, http: bool = True):
        self.heads: list[bytes] = []
        heads = self.heads

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                head = b""
                while http and not head.endswith(b"\r\n\r\n"):
                    line = self.rfile.readline(65536)
                    if not line:
                        return
                    head += line
                heads.append(head)
                try:
                    reply(head, self.wfile.write)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should

        self.tcp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.tcp.daemon_threads = True
        self.port = self.tcp.server_address[1]
        threading.Thread(target=self.tcp.serve_forever, daemon=True).start()

    def close(self):
        self.tcp.shutdown()
        self.tcp.server_close()


@pytest.fixture
def raw_server(monkeypatch):
    monkeypatch.setenv("STORYMAP_FETCH_ALLOW", "localhost")
    servers = []

    def start(reply, http=True):
        servers.append(RawServer(reply, http))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.mark.parametrize("dripped", ["head", "body"])
def test_a_server_dripping_bytes_is_cut_off_at_the_deadline(raw_server, dripped):
    """One byte every 0.1 s: each read is quick, so only a deadline on the whole fetch stops it."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 30\r\n\r\n"
    body = b"Officials in Wana said so. End"

    def reply(_, write):
        if dripped == "body":
            write(head)
        for byte in (head + body if dripped == "head" else body):
            write(bytes([byte]))
            time.sleep(0.1)

    server = raw_server(reply)
    started = time.monotonic()
    with pytest.raises(FetchError, match="within 1 s"):
        fetch(f"http://localhost:{server.port}/slow", timeout=1.0)
    assert time.monotonic() - started < 2.0


def test_a_tls_handshake_dripped_byte_by_byte_is_cut_off_at_the_deadline(raw_server):
    """https too: a handshake record announced, then a byte every 0.1 s."""
    def reply(_, write):
        for byte in b"\x16\x03\x03\x40\x00" + b"\x02" * 40:
            write(bytes([byte]))
            time.sleep(0.1)

    server = raw_server(reply, http=False)
    started = time.monotonic()
    with pytest.raises(FetchError, match="within 1 s"):
        fetch(f"https://localhost:{server.port}/", timeout=1.0)
    assert time.monotonic() - started < 2.0


def test_a_name_and_password_in_the_address_are_neither_sent_nor_kept(raw_server):
    def reply(head, write):
        if head.startswith(b"GET /old "):
            write(b"HTTP/1.1 302 Found\r\nLocation: http://bob:hunter2@localhost:%d/article\r\n"
                  b"Content-Length: 0\r\n\r\n" % server.port)
        else:
            page = ARTICLE.encode()
            write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s" % (len(page), page))

    server = raw_server(reply)
    story = story_from_url(f"http://alice:secret@localhost:{server.port}/old")
    assert story.url == f"http://localhost:{server.port}/article"
    assert any("name and password" in w for w in story.warnings)
    sent = b"".join(server.heads).lower()
    assert len(server.heads) == 2 and b"localhost" in sent
    assert not any(word in sent for word in (b"alice", b"secret", b"bob", b"hunter2", b"authorization"))


# --- .docx within limits ---------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(body_xml: str) -> bytes:
    """A .docx whose body is ``body_xml``, compressed as Word does (a zip bomb is one of these)."""
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    template = zipfile.ZipFile(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in template.infolist():
            data = template.read(item.filename)
            if item.filename == "word/document.xml":
                data = f'<w:document xmlns:w="{W}"><w:body>{body_xml}</w:body></w:document>'.encode()
            z.writestr(item.filename, data)
    return out.getvalue()


def test_a_docx_of_many_small_paragraphs_is_refused_fast():
    """The reported bomb: a small file of tiny paragraphs that python-docx took half a minute and 550 MB on."""
    bomb = docx_bytes("<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 400_000)
    assert len(bomb) < 200_000
    started = time.monotonic()
    with pytest.raises(StoryError, match="too large|too long"):
        story_from_file("bomb.docx", bomb)
    assert time.monotonic() - started < 1.5


def test_a_docx_whose_text_is_over_the_story_limit_is_refused_while_reading():
    paragraph = "<w:p><w:r><w:t>" + "Wana " * 20 + "</w:t></w:r></w:p>"
    long = docx_bytes(paragraph * (MAX_STORY_CHARS // 100 + 100))
    with pytest.raises(StoryError, match="too long"):
        story_from_file("long.docx", long)


def test_a_docx_reads_as_word_shows_it():
    """Runs, links, tabs and line breaks make a paragraph's text; tables and deleted text are left out."""
    import docx

    document = docx.Document()
    document.core_properties.author = "Sana Khan"
    document.core_properties.created = datetime.datetime(2026, 2, 3, 8, 0)
    document.add_paragraph("Trucks left Wana\tat dawn.").add_run().add_break()
    document.add_table(rows=1, cols=1).cell(0, 0).text = "A table cell"
    document.add_paragraph("")
    buffer = io.BytesIO()
    document.save(buffer)
    data = zipfile.ZipFile(buffer)
    xml = data.read("word/document.xml").decode()
    link = ('<w:p><w:r><w:t xml:space="preserve">They reached </w:t></w:r><w:hyperlink><w:r><w:t>Islamabad</w:t>'
            '</w:r></w:hyperlink><w:del><w:r><w:delText>Karachi</w:delText></w:r></w:del>'
            '<w:r><w:t>.</w:t></w:r></w:p>')
    xml = xml.replace("<w:sectPr", link + "<w:sectPr", 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for item in data.infolist():
            z.writestr(item.filename, xml if item.filename == "word/document.xml" else data.read(item.filename))
    story = story_from_file("report.docx", out.getvalue())
    assert story.title == "Trucks left Wana\tat dawn."
    assert story.text == "They reached Islamabad."
    assert story.source == "Sana Khan"
    assert story.date == datetime.date(2026, 2, 3)


@pytest.mark.parametrize("name,data,message", [
    ("fake.docx", b"not a zip", "not a Word"),
    ("sheet.docx", docx_bytes("").replace(b"word/document.xml", b"word/docu_ent.xml"), "not a Word"),
])
def test_damaged_docx_files_are_explained(name, data, message):
    with pytest.raises(StoryError, match=message):
        story_from_file(name, data)
