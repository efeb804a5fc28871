"""Shared fixtures: the real gazetteer and the bundled sample story, loaded once."""

from pathlib import Path

import pytest

from storymap.analysis import analyse
from storymap.articles import load_story
from storymap.gazetteer import default_gazetteer

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "stories" / "pakistan-copper.md"


@pytest.fixture(scope="session")
def gazetteer():
    return default_gazetteer()


@pytest.fixture(scope="session")
def sample_map(gazetteer):
    return analyse(load_story(SAMPLE), gazetteer)
