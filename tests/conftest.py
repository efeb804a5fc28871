"""Shared fixtures: the real gazetteer and the bundled sample story, loaded once."""

import os
from pathlib import Path

import pytest

from storymap.analysis import analyse
from storymap.articles import load_story
from storymap.gazetteer import default_gazetteer

# A GeoNames import in the user's cache would change what the tests find; tests that want one make their own.
os.environ["STORYMAP_GEONAMES"] = "off"

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "stories" / "pakistan-copper.md"


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The app on loopback, with the sample story and one whose every field carries script."""
    from tests.browsing import EVIL, start_server, stop

    library = tmp_path_factory.mktemp("stories")
    (library / "pakistan-copper.md").write_bytes(SAMPLE.read_bytes())
    (library / "evil.md").write_text(
        f"---\ntitle: Evil {EVIL}\ndateline: Islamabad\n---\n"
        f"Officials in Islamabad said {EVIL} nothing.\n\nKarachi stayed calm {EVIL}.\n", encoding="utf-8")
    url, proc = start_server(library, f"sqlite:///{library / 'store.sqlite3'}")
    yield url
    stop(proc)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browsing import CHROMIUM

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM)
        yield b
        b.close()


@pytest.fixture
def visit(browser, server):
    """Open a path of the app: visit(path, size=SIZES[...], touch=False)."""
    from tests.browsing import SIZES, Visit

    opened = []

    def open_(path, size=SIZES["desk"], touch=False):
        v = Visit(browser, server + path, size, touch)
        opened.append(v)
        return v

    yield open_
    for v in opened:
        v.close()


@pytest.fixture(scope="session")
def gazetteer():
    return default_gazetteer()


@pytest.fixture(scope="session")
def sample_map(gazetteer):
    return analyse(load_story(SAMPLE), gazetteer)


@pytest.fixture
def seeded_record_map(tmp_path, sample_map):
    """The sample story stored, with an editor's note and image on Wana."""
    from storymap.accounts import Editor
    from storymap.analysis import from_record, stored_places
    from storymap.storage import Storage

    store = Storage(f"sqlite:///{tmp_path / 'maps.sqlite3'}")
    store.create_story(Editor("t"), sample_map.story, stored_places(sample_map))
    wana = next(p for p in store.load("pakistan-copper").places if p.key == "wana")
    store.update_place(Editor("t"), wana.stored.id, wana.stored.version, note="<script>note</script>",
                       media=[{"kind": "image", "url": "https://example.org/wana.jpg", "caption": "<b>cap</b>",
                               "credit": "Credit & co", "alt": "<b>alt</b>"}])
    return from_record(store.load("pakistan-copper")), "wana"


POSTGRES_URL = os.environ.get("STORYMAP_TEST_POSTGRES_URL", "")


def fresh_postgres_database(migrated: bool = True) -> str:
    """A new database on the test server, migrated as a deployment would (or left empty); its URL."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    if migrated:
        from storymap.__main__ import main

        assert main(["migrate", "--database", url]) == 0  # a deployment's step before the app starts
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Each storage test runs on SQLite, and on PostgreSQL when a test server is configured."""
    return _database(request.param, tmp_path, migrated=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    """An empty database, for a migration's test to fill as an older Storymap would have."""
    return _database(request.param, tmp_path, migrated=False)


def _database(kind: str, tmp_path, migrated: bool) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"  # a new file: migrated when a Storage opens it
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL: set STORYMAP_TEST_POSTGRES_URL to a server's URL (.ci/run starts one)")
    return fresh_postgres_database(migrated)
