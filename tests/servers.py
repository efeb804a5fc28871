"""Local HTTP servers that speak real protocols, for the online paths (no mocks of geopy)."""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# Answers in Nominatim's /search?format=json shape (addressdetails=1).
NOMINATIM_PLACES = {
    "boya": [{
        "place_id": 1, "licence": "Data © OpenStreetMap contributors, ODbL 1.0.", "osm_type": "node",
        "osm_id": 5001, "lat": "33.0412", "lon": "69.8815", "class": "place", "type": "village",
        "place_rank": 19, "importance": 0.21, "addresstype": "village", "name": "Boya",
        "display_name": "Boya, North Waziristan, Khyber Pakhtunkhwa, Pakistan",
        "address": {"village": "Boya", "state": "Khyber Pakhtunkhwa", "country": "Pakistan", "country_code": "pk"},
        "boundingbox": ["33.0212", "33.0612", "69.8615", "69.9015"],
    }],
    "shawal valley": [{
        "place_id": 2, "osm_type": "way", "osm_id": 77, "lat": "32.55", "lon": "69.55", "class": "natural",
        "type": "valley", "addresstype": "valley", "name": "Shawal Valley", "importance": 0.3,
        "display_name": "Shawal Valley, Pakistan", "address": {"country_code": "pk"},
        "boundingbox": ["32.45", "32.65", "69.45", "69.65"],
    }],
    "mars base": [{"place_id": 3, "osm_type": "node", "osm_id": 9, "lat": "123.0", "lon": "500.0",
                   "display_name": "Impossible", "addresstype": "village", "name": "Mars base"}],
}


def _send(handler: BaseHTTPRequestHandler, status: int, headers: dict, body: bytes) -> None:
    handler.send_response(status)
    for key, value in headers.items():
        handler.send_header(key, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    try:
        handler.wfile.write(body)
    except BrokenPipeError:
        pass  # the client gave up (a timeout test)


class _Server(ThreadingHTTPServer):
    """A loopback server that lets a client hang up mid-answer quietly: tests of time limits and
    of size caps do it on purpose, and the traceback socketserver prints would look like a failure."""

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


class NominatimServer:
    """Answers /search like Nominatim; some names misbehave on purpose."""

    def __init__(self):
        self.requests: list[dict] = []
        # normalised query, or "*" for every query -> "slow" | "hang" | "429" | "429 for an hour" | "403" | "garbage"
        self.fail: dict[str, str] = {}
        self.closed = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                q = query.get("q", [""])[0].lower()
                server.requests.append({"q": q, "at": time.monotonic(), "agent": self.headers.get("User-Agent"),
                                        "path": parts.path, "format": query.get("format", [""])[0]})
                mode = server.fail.get(q, server.fail.get("*"))
                if mode == "slow":
                    time.sleep(2.5)
                if mode == "hang":  # accepts, reads the request, never answers (until the server closes)
                    server.closed.wait()
                    return
                if mode in ("429", "403"):
                    _send(self, int(mode), {}, b"")
                    return
                if mode == "429 for an hour":
                    _send(self, 429, {"Retry-After": "3600"}, b"")
                    return
                body = b"{not json" if mode == "garbage" else json.dumps(NOMINATIM_PLACES.get(q, [])).encode()
                _send(self, 200, {"Content-Type": "application/json"}, body)

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.domain = f"127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.closed.set()
        self.httpd.shutdown()


class WebServer:
    """Serves fixed pages and redirects: {path: (status, headers, body)}."""

    def __init__(self, routes: dict):
        routes_ = routes

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                _send(self, *routes_.get(self.path, (404, {}, b"not found")))

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
