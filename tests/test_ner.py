"""The optional spaCy backend, driven through a real spaCy pipeline.

No statistical model can be downloaded here, so the pipeline is a blank English
one with an entity ruler: real spaCy entities, from rules we write.
"""

import spacy  # in the test extra: `make test` installs it

from storymap.analysis import analyse
from storymap.articles import parse_story
from storymap.geoparsing import geoparse
from storymap.ner import configured

TEXT = "Flooding hit Reading overnight. Convoys crossed from Spinwam into the Shawal Valley, said officials in Islamabad."


def pipeline():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GPE", "pattern": "Reading"}, {"label": "GPE", "pattern": "Spinwam"},
                        {"label": "LOC", "pattern": "the Shawal Valley"}, {"label": "GPE", "pattern": "Islamabad"},
                        {"label": "PERSON", "pattern": "Convoys"}])
    return nlp


def test_without_a_model_storymap_reads_on_its_own(gazetteer):
    assert [m.text for m in geoparse(TEXT, gazetteer).mentions] == ["Islamabad"]


def test_the_models_places_are_added_as_candidates(gazetteer):
    parsed = geoparse(TEXT, gazetteer, ner=pipeline())
    # Each once, in reading order; the article is not part of the name; people are not places.
    assert [m.text for m in parsed.mentions] == ["Reading", "Spinwam", "Shawal Valley", "Islamabad"]
    places = {p.name: p.place.country for p in parsed.places}
    assert places["Reading"] == "GB" and places["Islamabad"] == "PK"
    # What the gazetteer does not know stays unplaced, for an online geocoder or an editor.
    assert {m.text for m in parsed.unresolved} == {"Spinwam", "Shawal Valley"}


def test_a_model_named_in_the_environment_is_used_and_a_missing_one_is_explained(gazetteer, tmp_path, monkeypatch):
    pipeline().to_disk(tmp_path / "model")
    monkeypatch.setenv("STORYMAP_SPACY_MODEL", str(tmp_path / "model"))
    configured.cache_clear()
    try:
        keys = {p.key for p in analyse(parse_story(TEXT), gazetteer).places}
        assert "reading" in keys
        monkeypatch.setenv("STORYMAP_SPACY_MODEL", "en_no_such_model")
        configured.cache_clear()
        nlp, problem = configured()
        assert nlp is None and "python -m spacy download en_no_such_model" in problem
        assert "reading" not in {p.key for p in analyse(parse_story(TEXT), gazetteer).places}
    finally:
        monkeypatch.delenv("STORYMAP_SPACY_MODEL")
        configured.cache_clear()
