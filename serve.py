"""The app's server: app.py behind Streamlit's st.App, with one route of its own and one
workaround (Streamlit 1.67).

``/story/SLUG`` is the story as one page (storymap.export.story_page): the address to share, since
it carries the title, description and image link previews show, which Streamlit's pages cannot.

Loaded straight at a page's address (/present, /editor), Streamlit's frontend cannot tell
where the app's base path ends: it asks ``/present/_stcore/health`` and ``host-config``
first, gets two 404s, then asks ``/_stcore/...`` (streamlit/streamlit#7074, open). The
frontend skips the guess when ``window.__streamlit.BACKEND_BASE_URL`` is set, a setting
meant for hosting platforms; this middleware sets it in the HTML shell Streamlit serves.
Remove it when Streamlit serves the base path itself. Run with ``streamlit run serve.py``.
"""

from functools import lru_cache

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.responses import HTMLResponse
from starlette.routing import Route
from streamlit import config

from storymap.export import story_page
from storymap.library import seeded_storage
from storymap.storage import NotFound, Storage


class BaseUrlHint:
    """ASGI middleware: put the app's base URL into every HTML page Streamlit serves."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers", []))
        if scope["type"] != "http" or scope["method"] != "GET" or b"text/html" not in headers.get(b"accept", b""):
            return await self.app(scope, receive, send)
        # Ask for the page uncompressed, so that it can be read and extended.
        scope = dict(scope, headers=[(k, v) for k, v in scope["headers"] if k != b"accept-encoding"])
        base = "/" + (config.get_option("server.baseUrlPath") or "").strip("/")
        hint = ("<script>window.__streamlit = Object.assign({}, window.__streamlit, "
                f"{{BACKEND_BASE_URL: location.origin + {(base.rstrip('/') + '/')!r}}});</script>").encode()
        start, body = {}, []

        async def send_with_hint(message):
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                return await send(message)
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            page, response_headers = b"".join(body), list(start.get("headers", []))
            kind = next((v for k, v in response_headers if k.lower() == b"content-type"), b"")
            if kind.startswith(b"text/html") and b"<head>" in page:
                page = page.replace(b"<head>", b"<head>" + hint, 1)
                response_headers = [(k, v) for k, v in response_headers if k.lower() != b"content-length"]
                response_headers.append((b"content-length", str(len(page)).encode()))
            await send({**start, "headers": response_headers})
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, send_with_hint)


@lru_cache(maxsize=1)
def _store() -> Storage:
    return seeded_storage()  # as the app opens it: the story library's files are in it


@lru_cache(maxsize=16)
def _page(slug: str, revision: int) -> str:
    """Built once per saved state of the story (its revision), not on every visit or preview fetch."""
    return story_page(_store(), slug)


def _current_page(slug: str) -> str:
    return _page(slug, _store().revision(slug))


async def story(request) -> HTMLResponse:
    """A story's own page, or a 404 that says so (the slug is not echoed back)."""
    try:
        page = await run_in_threadpool(_current_page, request.path_params["slug"])
    except NotFound:
        return HTMLResponse("<!doctype html><title>No such story</title><p>There is no such story.</p>",
                            status_code=404)
    return HTMLResponse(page, headers={"Cache-Control": "no-cache"})


app = st.App("app.py", routes=[Route("/story/{slug}", story)], middleware=[Middleware(BaseUrlHint)])
