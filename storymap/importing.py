"""Bringing any article in: pasted text, an uploaded file, or a web address.

Fetching a URL is a request made by the server on a user's behalf, so it is
fenced: http and https only; every address the host name resolves to must be
public (no loopback, private, link-local, metadata or reserved ranges), checked
again at every redirect; the connection goes to the address that was checked
(so DNS cannot be switched under us); the size is capped, and so is the time:
connecting, every read and the whole fetch share one deadline, so a server that
drips a byte at a time cannot hold an import open. A name and password in the
address are neither sent nor kept.

HTML is reduced to the article's own text, title, date and byline by
trafilatura; .docx is read as a stream of XML within size limits (a zip bomb is
refused before it is unpacked); text in UTF-8, UTF-16 or Windows-1252 comes out
right, in an unknown or wrong charset as best it can, and binary files are
refused as not text.
"""

from __future__ import annotations

import functools
import http.client
import io
import ipaddress
import re
import socket
import ssl
import time
import zipfile
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree

from storymap.articles import MAX_STORY_CHARS, Story, StoryError, decode_bytes, parse_story, slugify
from storymap.settings import current as current_settings

MAX_FETCH_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT = 15.0
MAX_REDIRECTS = 5
USER_AGENT = "Storymap/0.1 (article import; +https://github.com/storymap)"


class FetchError(Exception):
    """A URL that could not be fetched; the message says why, for the editor."""


def allowed_private_hosts() -> set[str]:
    """Hosts exempt from the public-address rule: ``STORYMAP_FETCH_ALLOW`` (tests, intranets)."""
    return set(current_settings().fetch_allow)


@dataclass(frozen=True)
class Fetched:
    url: str
    content_type: str
    charset: str | None
    body: bytes


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def _resolve(host: str, port: int) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise FetchError(f"The address {host} could not be found.") from None
    addresses = [info[4][0] for info in infos]
    if host not in allowed_private_hosts():
        refused = [a for a in addresses if not _public(a)]
        if refused:
            raise FetchError(f"{host} points to a private or local address ({refused[0]}); "
                             "Storymap only fetches public web pages.")
    return addresses[0]


def fetch(url: str, max_bytes: int = MAX_FETCH_BYTES, timeout: float = FETCH_TIMEOUT) -> Fetched:
    """GET ``url`` within the fences described above."""
    deadline = time.monotonic() + timeout
    too_slow = f"The site did not send the page within {timeout:g} s. Try again later, or paste the article's text."
    for _ in range(MAX_REDIRECTS + 1):
        url = _without_credentials(url)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError("Only http:// and https:// addresses can be fetched.")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:  # a port that is not a number from 0 to 65535
            port = None
        if not parts.hostname or port is None:
            raise FetchError("That is not a web address.")
        address = _resolve(parts.hostname, port)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if parts.scheme == "https":
            conn = _PinnedHTTPS(parts.hostname, address, port, deadline)
        else:
            conn = _PinnedHTTP(address, port, deadline)
        try:
            conn.request("GET", path, headers={"Host": parts.netloc, "User-Agent": USER_AGENT,
                                               "Accept": "text/html,text/plain,*/*;q=0.5"})
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchError("The page redirected without saying where.")
                url = urljoin(url, location)
                continue
            if response.status >= 400:
                raise FetchError(f"The site answered {response.status} {response.reason}.")
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"The page is {int(length) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB.")
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise FetchError(f"The page is larger than {max_bytes / 1e6:.0f} MB.")
            content_type = response.getheader("Content-Type", "")
            return Fetched(url, content_type.split(";")[0].strip().lower(), _charset(content_type), body)
        except TimeoutError:  # socket.timeout is TimeoutError
            raise FetchError(too_slow) from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"The page could not be fetched: {exc}.") from None
        finally:
            conn.close()
    raise FetchError(f"The page redirected more than {MAX_REDIRECTS} times.")


def _without_credentials(url: str) -> str:
    """``url`` less any ``name:password@``: never sent to the site, nor published as the story's link."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _time_left(deadline: float) -> float:
    """Seconds until ``deadline``, for a socket's timeout; TimeoutError once it has passed."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to an address we checked, connected and read within the fetch's deadline."""

    def __init__(self, address: str, port: int, deadline: float):
        super().__init__(address, port)
        self._deadline = deadline
        self.response_class = functools.partial(_BoundedResponse, deadline=deadline)

    def connect(self):
        self.timeout = _time_left(self._deadline)
        super().connect()


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to an address we checked, with the certificate checked for the host name, within the deadline."""

    def __init__(self, host: str, address: str, port: int, deadline: float):
        super().__init__(host, port, context=ssl.create_default_context())
        self._address = address
        self._deadline = deadline
        self.response_class = functools.partial(_BoundedResponse, deadline=deadline)

    def connect(self):
        sock = socket.create_connection((self._address, self.port), _time_left(self._deadline))
        sock.settimeout(_time_left(self._deadline))  # ssl counts it for the whole handshake, not per read
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _BoundedResponse(http.client.HTTPResponse):
    """A response read within the fetch's deadline: its head and its body alike.

    A socket's timeout bounds one read, and a server sending a byte a second never trips it;
    here every read is given only the time left.
    """

    def __init__(self, sock: socket.socket, *args, deadline: float, **kwargs):
        super().__init__(sock, *args, **kwargs)
        plain, self.fp = self.fp, io.BufferedReader(_ReaderUntil(sock, deadline))
        plain.close()


class _ReaderUntil(io.RawIOBase):
    """Reads of a socket that each wait only until the deadline."""

    def __init__(self, sock: socket.socket, deadline: float):
        self._sock = sock
        self._file = sock.makefile("rb", buffering=0)  # keeps the socket open until the response is closed
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self._sock.settimeout(_time_left(self._deadline))
        return self._file.readinto(buffer)

    def close(self):
        self._file.close()
        super().close()


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"'")
    return None


# --- turning documents into stories ---------------------------------------------

FILE_KINDS = {"docx": "docx", "html": "html", "htm": "html", "txt": "text", "md": "text", "markdown": "text",
              "text": "text"}
MAX_DOCX_BYTES = 20_000_000
"""A Word file with its photos; its text alone is far smaller. Other files have the limit of a fetched page."""
MAX_DOCX_XML_BYTES = 10 * MAX_STORY_CHARS
"""The body's XML once unpacked. Word's markup rarely takes ten bytes for each character of text, so a body
larger than this is over the story limit anyway, or a zip bomb: it is refused before it is unpacked."""
MAX_DOCX_PART_BYTES = 1_000_000
"""The package's table of contents, and its title and author."""
NOT_WORD = "This file is not a Word (.docx) document, or it is damaged."


def story_from_html(html: bytes | str, url: str = "", slug: str | None = None) -> Story:
    """The article inside a web page: main text, title, date, byline; no navigation or ads."""
    import trafilatura

    found = trafilatura.bare_extraction(html, url=url or None, with_metadata=True, include_comments=False,
                                        include_tables=False, favor_precision=True)
    data = found.as_dict() if found is not None and hasattr(found, "as_dict") else (found or {})
    text = (data.get("text") or "").strip()
    if not text:
        raise StoryError("No article text was found on that page.")
    title = (data.get("title") or "").strip() or text.splitlines()[0][:80]
    if text.startswith(title):
        text = text[len(title):].lstrip("\n")
    # One paragraph per line in trafilatura's output; stories separate paragraphs by blank lines.
    body = "\n\n".join(line.strip() for line in text.splitlines() if line.strip())
    source = ", ".join(x for x in (data.get("author"), data.get("sitename")) if x)
    return _story(title, body, date=data.get("date") or "", source=source, url=url, slug=slug)


def story_from_docx(data: bytes, slug: str | None = None) -> Story:
    """The text of a Word file's body, read as a stream within limits.

    python-docx builds the whole document as objects first: a small file of many tiny paragraphs took
    half a minute and half a gigabyte before it could be refused. Here the body's XML is checked for size
    before it is unpacked, and read without keeping a tree, stopping at the story limit.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = _package_parts(package)
            if _MAIN_PART not in parts:
                raise StoryError(NOT_WORD)
            paragraphs = _docx_paragraphs(package, parts[_MAIN_PART])
            about = _core_properties(package, parts[_CORE_PART]) if _CORE_PART in parts else {}
    except (zipfile.BadZipFile, KeyError, NotImplementedError, RuntimeError, EOFError, zlib.error,
            etree.XMLSyntaxError):
        # what a file that is not a .docx, or a damaged or encrypted one, raises in zipfile and lxml
        raise StoryError(NOT_WORD) from None
    if not paragraphs:
        raise StoryError("This document has no text.")
    title = about.get("title") or paragraphs[0][:80]
    body = paragraphs[1:] if paragraphs[0] == title and len(paragraphs) > 1 else paragraphs
    return _story(title, "\n\n".join(body), date=about.get("created", "")[:10], source=about.get("creator", ""),
                  slug=slug)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BODY, _P, _R, _T, _BR, _BR_TYPE = (f"{_W}{name}" for name in ("body", "p", "r", "t", "br", "type"))
_RUN_PATHS = ([_R], [f"{_W}hyperlink", _R])  # where a paragraph's text is: its runs, and its links' runs
_MAIN_PART = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_CORE_PART = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_RUN_CHARACTERS = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}


def _xml_parser(**kwargs) -> etree.XMLParser:
    """No entities expanded, nothing fetched, no giant nodes: the file is untrusted."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, **kwargs)


def _small_part(package: zipfile.ZipFile, name: str) -> etree._Element:
    info = package.getinfo(name)
    if info.file_size > MAX_DOCX_PART_BYTES:
        raise StoryError(NOT_WORD)
    return etree.fromstring(package.read(info), _xml_parser())


def _package_parts(package: zipfile.ZipFile) -> dict[str, str]:
    """The package's parts by relationship type (where its document and its properties are)."""
    return {rel.get("Type"): rel.get("Target", "").lstrip("/") for rel in _small_part(package, "_rels/.rels")
            if rel.get("TargetMode") != "External"}


def _core_properties(package: zipfile.ZipFile, name: str) -> dict[str, str]:
    """Title, creator and created date, by local name (dc: and dcterms: elements)."""
    return {etree.QName(element).localname: (element.text or "").strip() for element in _small_part(package, name)
            if isinstance(element.tag, str)}


def _docx_paragraphs(package: zipfile.ZipFile, name: str) -> list[str]:
    info = package.getinfo(name)
    if info.file_size > MAX_DOCX_XML_BYTES:
        raise StoryError(f"This document is too large to import ({info.file_size / 1e6:.0f} MB of text and "
                         f"formatting once unpacked; the limit is {MAX_DOCX_XML_BYTES / 1e6:.0f} MB). "
                         "Split it into parts, or paste the article's text.")
    body = _BodyText()
    parser = _xml_parser(target=body)
    with package.open(info) as xml:  # zipfile stops at the size the file declares, checked above
        while chunk := xml.read(64 * 1024):
            parser.feed(chunk)
            if body.characters > MAX_STORY_CHARS:
                raise StoryError(f"This document is too long to map (more than {MAX_STORY_CHARS / 1e6:.0f} "
                                 "million characters). Split it into parts.")
    return parser.close()


class _BodyText:
    """lxml parser target: the text of the body's paragraphs as the XML streams by; no tree is kept.

    As python-docx reads it: a paragraph's text is that of its runs, links' runs included, with tabs and
    line breaks; tables, text boxes and deleted text are left out.
    """

    def __init__(self):
        self.paragraphs: list[str] = []
        self.characters = 0
        self._path: list[str] = []  # tags from the root to the current element
        self._pieces: list[str] | None = None  # the open body paragraph's text
        self._in_text = False

    def start(self, tag: str, attrib) -> None:
        self._path.append(tag)
        if self._pieces is None:
            if tag == _P and len(self._path) == 3 and self._path[1] == _BODY:
                self._pieces = []
        elif self._path[3:-1] in _RUN_PATHS:  # a run's own content
            if tag == _T:
                self._in_text = True
            elif tag in _RUN_CHARACTERS:
                self._pieces.append(_RUN_CHARACTERS[tag])
            elif tag == _BR and attrib.get(_BR_TYPE, "textWrapping") == "textWrapping":
                self._pieces.append("\n")  # page and column breaks are no text

    def data(self, text: str) -> None:
        if self._in_text:
            self._pieces.append(text)

    def end(self, tag: str) -> None:
        self._path.pop()
        self._in_text = False
        if self._pieces is not None and len(self._path) == 2:
            text = "".join(self._pieces).strip()
            if text:
                self.paragraphs.append(text)
                self.characters += len(text) + 2
            self._pieces = None

    def close(self) -> list[str]:
        return self.paragraphs


def check_file(name: str, size: int) -> None:
    """Refuse, before reading it, a file that cannot be imported: not a kind Storymap reads, empty, too large."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in FILE_KINDS:
        raise StoryError("Storymap reads .txt, .md, .html and .docx files.")
    if size == 0:
        raise StoryError("The file is empty: there is nothing in it to import.")
    limit = MAX_DOCX_BYTES if FILE_KINDS[suffix] == "docx" else MAX_FETCH_BYTES
    if size > limit:
        raise StoryError(f"The file is {size / 1e6:.1f} MB; Storymap imports files of this kind up to "
                         f"{limit / 1e6:.0f} MB. Split it, or paste the article's text.")


def story_from_file(name: str, data: bytes) -> Story:
    """A story from an uploaded .txt, .md, .html or .docx file."""
    check_file(name, len(data))
    kind = FILE_KINDS[name.rsplit(".", 1)[-1].lower()]
    slug = slugify(name.rsplit(".", 1)[0])
    if kind == "docx":
        return story_from_docx(data, slug)
    if kind == "html":
        _refuse_known_binary(data, "This file")
        return story_from_html(data, slug=slug)
    return _story_from_text_bytes(data, None, "This file", slug)


def story_from_url(url: str, slug: str | None = None) -> Story:
    page = fetch(url)
    if page.content_type in ("text/html", "application/xhtml+xml", ""):
        _refuse_known_binary(page.body, "The page")
        story = story_from_html(page.body, url=page.url, slug=slug)
    elif page.content_type.startswith("text/"):
        story = _story_from_text_bytes(page.body, page.charset, "The page",
                                       slug or slugify(urlsplit(page.url).path.rsplit("/", 1)[-1] or "story"))
    else:
        raise FetchError(f"That address is not a web page or text ({page.content_type}).")
    if "@" in urlsplit(url).netloc:
        story.warnings.append("The address held a name and password: they were not sent to the site, "
                              "and are not kept with the story.")
    return story


# What a file is, by its first bytes, for those that can look like text.
_MAGIC_NUMBERS = {b"\x7fELF": "a program", b"MZ\x90\x00": "a program", b"%PDF-": "a PDF document",
                  b"PK\x03\x04": "a ZIP archive or an Office document", b"\x1f\x8b": "a compressed (gzip) file",
                  b"\x89PNG": "an image", b"\xff\xd8\xff": "an image", b"GIF8": "an image",
                  b"\xd0\xcf\x11\xe0": "an old Office document"}
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # tab, line and page breaks are text


def _refuse_known_binary(data: bytes, what: str) -> None:
    for magic, kind in _MAGIC_NUMBERS.items():
        if data.startswith(magic):
            raise StoryError(f"{what} is {kind}, not text. Storymap imports articles as text, web pages "
                             "and Word (.docx) files.")


def _story_from_text_bytes(data: bytes, charset: str | None, what: str, slug: str) -> Story:
    """A story from text in its declared charset when that works, otherwise decoded as a file would be; never
    from a binary file (a program served as text/plain once became a story titled with its bytes)."""
    _refuse_known_binary(data, what)
    text = warning = None
    if charset:
        try:
            text = data.decode(charset).removeprefix("\ufeff")
        except (LookupError, UnicodeDecodeError):  # a charset Python does not know, or one the bytes are not in
            pass
    if text is None:
        text, warning = decode_bytes(data)
    sample = text[:4096]
    controls = len(_CONTROL_CHARACTERS.findall(sample))
    if "\x00" in sample or controls > max(1, len(sample) // 100):
        raise StoryError(f"{what} is not text: it holds binary data, as a program, an image or an archive does.")
    story = parse_story(text, slug=slug)
    if warning:
        story.warnings.insert(0, warning)
    return story


def story_from_text(title: str, text: str, **fields: str) -> Story:
    if not title.strip():
        raise StoryError("A story needs a title.")
    return _story(title, text, slug=None, **fields)


def _story(title: str, body: str, slug: str | None, **fields: str) -> Story:
    front = "".join(f"{k}: {v}\n" for k, v in {"title": title.replace("\n", " "), **fields}.items() if v)
    return parse_story(f"---\n{front}---\n{body}", slug=slug or slugify(title))
