"""Bringing any article in: pasted text, an uploaded file, or a web address.

Fetching a URL is a request made by the server on a user's behalf, so it is
fenced: http and https only; every address the host name resolves to must be
public (no loopback, private, link-local, metadata or reserved ranges), checked
again at every redirect; the connection goes to the address that was checked
(so DNS cannot be switched under us); the size and the time are capped.

HTML is reduced to the article's own text, title, date and byline by
trafilatura; .docx is read with python-docx; text in UTF-8, UTF-16 or
Windows-1252 comes out right.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import os
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from storymap.articles import Story, StoryError, decode_bytes, parse_story, slugify

MAX_FETCH_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT = 15.0
MAX_REDIRECTS = 5
USER_AGENT = "Storymap/0.1 (article import; +https://github.com/storymap)"


class FetchError(Exception):
    """A URL that could not be fetched; the message says why, for the editor."""


def allowed_private_hosts() -> set[str]:
    """Hosts exempt from the public-address rule: ``STORYMAP_FETCH_ALLOW`` (tests, intranets)."""
    return {h.strip() for h in os.environ.get("STORYMAP_FETCH_ALLOW", "").split(",") if h.strip()}


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
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError("Only http:// and https:// addresses can be fetched.")
        if not parts.hostname:
            raise FetchError("That is not a web address.")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = _resolve(parts.hostname, port)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"The page took longer than {timeout:.0f} s to answer.")
        if parts.scheme == "https":
            conn = _PinnedHTTPS(parts.hostname, address, port, timeout=remaining)
        else:
            conn = http.client.HTTPConnection(address, port, timeout=remaining)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
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
        except (socket.timeout, TimeoutError):
            raise FetchError(f"The page took longer than {timeout:.0f} s to answer.") from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"The page could not be fetched: {exc}.") from None
        finally:
            conn.close()
    raise FetchError(f"The page redirected more than {MAX_REDIRECTS} times.")


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to an address we checked, with the certificate checked for the host name."""

    def __init__(self, host: str, address: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"'")
    return None


# --- turning documents into stories ---------------------------------------------


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
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises several kinds for a file that is not .docx
        raise StoryError("This file is not a Word (.docx) document.") from None
    paragraphs = [p.text.strip() for p in document.paragraphs if p.text.strip()]
    if not paragraphs:
        raise StoryError("This document has no text.")
    title = document.core_properties.title or paragraphs[0][:80]
    body = paragraphs[1:] if paragraphs[0] == title and len(paragraphs) > 1 else paragraphs
    date = document.core_properties.created.date().isoformat() if document.core_properties.created else ""
    return _story(title, "\n\n".join(body), date=date, source=document.core_properties.author or "", slug=slug)


def story_from_file(name: str, data: bytes) -> Story:
    """A story from an uploaded .txt, .md, .html or .docx file."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    slug = slugify(name.rsplit(".", 1)[0])
    if suffix == "docx":
        return story_from_docx(data, slug)
    if suffix in ("html", "htm"):
        return story_from_html(data, slug=slug)
    if suffix in ("txt", "md", "markdown", "text"):
        return parse_story(data, slug=slug)
    raise StoryError("Storymap reads .txt, .md, .html and .docx files.")


def story_from_url(url: str, slug: str | None = None) -> Story:
    page = fetch(url)
    if page.content_type in ("text/html", "application/xhtml+xml", ""):
        return story_from_html(page.body, url=page.url, slug=slug)
    if page.content_type.startswith("text/"):
        text = page.body.decode(page.charset) if page.charset else decode_bytes(page.body)[0]
        return parse_story(text, slug=slug or slugify(urlsplit(page.url).path.rsplit("/", 1)[-1] or "story"))
    raise FetchError(f"That address is not a web page or text ({page.content_type}).")


def story_from_text(title: str, text: str, **fields: str) -> Story:
    if not title.strip():
        raise StoryError("A story needs a title.")
    return _story(title, text, slug=None, **fields)


def _story(title: str, body: str, slug: str | None, **fields: str) -> Story:
    front = "".join(f"{k}: {v}\n" for k, v in {"title": title.replace("\n", " "), **fields}.items() if v)
    return parse_story(f"---\n{front}---\n{body}", slug=slug or slugify(title))
