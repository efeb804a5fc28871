"""The app's front door.

The sign-in form through AppTest: guessing meets a back-off, said plainly, with the password
unchecked. And the server's start, which asks nothing of the outside world.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from streamlit.runtime.context import ContextProxy

from storymap.accounts import SignInGuard, hash_password
from tests.apptest import app
from tests.browsing import free_port, stop

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "stories" / "pakistan-copper.md"


class Clock:
    now = 1000.0

    def __call__(self):
        return self.now


def shown(messages) -> list[str]:
    """Messages as Markdown renders them (the page escapes what it did not write itself)."""
    return [re.sub(r"\\(.)", r"\1", m.value) for m in messages]


@pytest.fixture
def clock(tmp_path, monkeypatch):
    """The editor page on a fresh store, its sign-ins through a new guard whose time the test sets."""
    shutil.copy(SAMPLE, tmp_path / "pakistan-copper.md")
    monkeypatch.setenv("STORYMAP_STORIES", str(tmp_path))
    monkeypatch.setenv("STORYMAP_TILES", "none")
    monkeypatch.setenv("STORYMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite3'}")
    monkeypatch.setenv("STORYMAP_EDITORS", f"alice={hash_password('copper-2026', 1000)}")
    clock = Clock()
    monkeypatch.setattr("pages._sign_in.SIGN_INS", SignInGuard(clock=clock))
    return clock


def sign_in(at, name, password):
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    return at.button[0].click().run()


def editor_page():
    return app("editor").run()


def test_after_five_wrong_passwords_the_name_must_wait_even_with_the_right_one(clock):
    at = editor_page()
    for i in range(5):
        at = sign_in(at, "alice", f"guess{i}")
        assert shown(at.error) == ["That name and password do not match an editor account."]
    clock.now += 0.4
    at = sign_in(editor_page(), "alice", "copper-2026")  # a new session does not escape the name's wait
    assert shown(at.error) == ["Too many failed sign-ins for this name; try again in 1 s."]
    assert not at.tabs and not at.sidebar.button  # not signed in
    clock.now += 1
    at = sign_in(at, "alice", "copper-2026")
    assert not at.exception and not at.error and at.tabs


def test_a_client_guessing_at_many_names_must_wait_too(clock, monkeypatch):
    # AppTest gives every run a stand-in address of its own; here the client comes from one.
    address = ["203.0.113.9"]
    monkeypatch.setattr(ContextProxy, "ip_address", property(lambda self: address[0]))
    at = editor_page()
    for name in ("bob", "carol", "dave", "erin", "frank"):
        at = sign_in(at, name, "guess")
    at = sign_in(at, "alice", "copper-2026")
    assert shown(at.error) == ["Too many failed sign-ins from this address; try again in 1 s."]
    address[0] = "198.51.100.7"  # another client, and alice has no failures
    at = sign_in(at, "alice", "copper-2026")
    assert not at.error and at.tabs


def test_the_server_starts_without_asking_the_outside_world_for_its_address(tmp_path):
    """`streamlit run serve.py` as `make run` starts it, its HTTP(S) proxy a local listener.

    Streamlit's lookup of the machine's public address (checkip.amazonaws.com, made with
    requests, which follows the proxy settings) happens while it prints its address, before it
    answers its health check; so any lookup has reached the listener by the time the server
    is up. Without ``browser.serverAddress`` in .streamlit/config.toml this fails: headless and
    no ``server.address`` is exactly the case where Streamlit looks (which is also why the
    server is not given ``--server.address`` here, and listens on every interface for the
    few seconds the test lasts).
    """
    proxy = socket.create_server(("127.0.0.1", 0))
    proxy_url = f"http://127.0.0.1:{proxy.getsockname()[1]}"
    env = {k: v for k, v in os.environ.items() if k.lower() not in {"no_proxy", "all_proxy"}}
    env.update(http_proxy=proxy_url, https_proxy=proxy_url, HTTP_PROXY=proxy_url, HTTPS_PROXY=proxy_url,
               STORYMAP_STORIES=str(tmp_path), STORYMAP_DATABASE_URL=f"sqlite:///{tmp_path / 'store.sqlite3'}")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "the app did not start"
                time.sleep(0.3)
        proxy.setblocking(False)
        try:
            asked, _ = proxy.accept()
        except BlockingIOError:
            asked = None
        if asked:
            asked.settimeout(2)
            pytest.fail(f"The server asked the outside world at start: {asked.recv(200)!r}")
    finally:
        stop(server)
        proxy.close()
    assert b"External URL" not in server.stdout.read()
