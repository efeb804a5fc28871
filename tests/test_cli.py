"""The command line on a fresh machine: an empty store, the bundled story library."""

import json

import pytest

from storymap.__main__ import main
from storymap.storage import Storage
from storymap.transfer import export_story


@pytest.fixture
def empty_store(tmp_path, monkeypatch, gazetteer):
    """A store with nothing in it, and the story library the package ships (no STORYMAP_STORIES)."""
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    monkeypatch.setenv("STORYMAP_DATABASE_URL", url)
    monkeypatch.delenv("STORYMAP_STORIES", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("STORYMAP_TILES", "none")
    return url


def test_export_of_the_sample_story_seeds_an_empty_store(empty_store, tmp_path, capsys):
    assert Storage(empty_store).slugs() == []
    out = tmp_path / "story.html"
    assert main(["export", "pakistan-copper", "--format", "html", "--out", str(out)]) == 0, capsys.readouterr().err
    page = out.read_text(encoding="utf-8")
    assert "Copper under the frontier" in page and "storymapViewer(" in page and "Wana" in page
    assert Storage(empty_store).slugs() == ["pakistan-copper"]


def test_seeding_leaves_stored_work_alone(empty_store, tmp_path):
    from storymap.accounts import Editor
    from storymap.library import seeded_storage

    store = seeded_storage()
    wana = next(p for p in store.load("pakistan-copper").places if p.key == "wana")
    store.update_place(Editor("t"), wana.stored.id, wana.stored.version, note="Checked by the desk")
    out = tmp_path / "places.geojson"
    assert main(["export", "pakistan-copper", "--format", "geojson", "--out", str(out)]) == 0
    notes = {f["properties"]["key"]: f["properties"]["note"] for f in json.loads(out.read_text())["features"]}
    assert notes["wana"] == "Checked by the desk"


def test_an_unknown_story_is_still_explained_after_seeding(empty_store, tmp_path, capsys):
    assert main(["export", "atlantis", "--format", "csv", "--out", str(tmp_path / "x.csv")]) == 2
    assert "no story called “atlantis”" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_import_checks_a_story_file_and_stores_it_or_nothing(empty_store, tmp_path, capsys):
    from storymap.library import seeded_storage

    document = export_story(seeded_storage(), "pakistan-copper")
    good, bad = tmp_path / "good.storymap.json", tmp_path / "bad.storymap.json"
    good.write_text(json.dumps(document), encoding="utf-8")
    document["places"][0]["key"] = "</script><script>alert(1)</script>"
    document["places"][1]["media"] = [{"kind": "image", "url": "media:anything", "alt": "A mine"}]
    bad.write_text(json.dumps(document), encoding="utf-8")
    assert main(["import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "nothing was stored" in err and "places[1].key" in err and "places[2].media[1].url" in err
    assert Storage(empty_store).slugs() == ["pakistan-copper"]
    assert main(["import", str(good)]) == 0
    assert "as pakistan-copper-2" in capsys.readouterr().err
    assert Storage(empty_store).slugs() == ["pakistan-copper", "pakistan-copper-2"]


def test_every_setting_is_read_through_storymap_settings_and_listed_in_the_readme():
    """No module but storymap.settings reads the environment; every STORYMAP_ name it knows is in the README."""
    import ast
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    readers = []
    for path in sorted((root / "storymap").rglob("*.py")):
        if path.name == "settings.py" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv"):
                readers.append(f"{path.relative_to(root)}:{node.lineno}")
    assert readers == []
    named = set(re.findall(r"STORYMAP_[A-Z_]+[A-Z]", (root / "storymap" / "settings.py").read_text()
                           + (root / "storymap" / "geocoders.py").read_text()))
    readme = (root / "README.md").read_text()
    assert {n for n in named if n not in readme} == set()
