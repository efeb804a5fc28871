import codecs
import datetime as dt

import pytest

from storymap.articles import MAX_STORY_CHARS, StoryError, load_library, parse_story, split_sentences

FRONT = "---\ntitle: A title\ndate: 2026-02-03\ndateline: Wana, Pakistan\nsource: Desk\n---\n"


def test_front_matter_is_read():
    story = parse_story(FRONT + "Body text here.\n\nSecond paragraph.", slug="s")
    assert (story.title, story.date, story.dateline, story.source) == (
        "A title", dt.date(2026, 2, 3), "Wana, Pakistan", "Desk")
    assert story.text.startswith("Body text")
    assert len(story.paragraphs) == 2
    assert story.warnings == []


def test_missing_front_matter_warns_and_uses_first_line_as_title():
    story = parse_story("Copper in the hills\n\nThe mine is busy.")
    assert story.title == "Copper in the hills"
    assert any("front matter" in w for w in story.warnings)


def test_broken_date_is_a_warning_not_a_failure():
    story = parse_story(FRONT.replace("2026-02-03", "3rd of Feb") + "Text.")
    assert story.date is None
    assert any("not a date" in w for w in story.warnings)


@pytest.mark.parametrize("body", ["", "   \n\n  ", FRONT])
def test_no_text_is_a_clear_error(body):
    with pytest.raises(StoryError, match="no text"):
        parse_story(body)


def test_huge_story_is_refused_with_its_size():
    with pytest.raises(StoryError, match="too long"):
        parse_story("word " * (MAX_STORY_CHARS // 5 + 10))


def test_encodings():
    text = FRONT + "Peshāwar and Zürich — “quoted”."
    assert "Peshāwar" in parse_story(text.encode("utf-16")).text
    assert "Peshāwar" in parse_story(codecs.BOM_UTF8 + text.encode("utf-8")).text
    cp = parse_story((FRONT + "Zürich café").encode("cp1252"))
    assert "Zürich café" in cp.text
    assert any("Windows-1252" in w for w in cp.warnings)


def test_binary_file_is_refused():
    with pytest.raises(StoryError, match="not text"):
        parse_story(b"\x89PNG\r\n\x1a\n\x00\x00\x00")


def test_non_http_url_is_not_linked():
    story = parse_story("---\ntitle: t\nurl: javascript:alert(1)\n---\nText.")
    assert story.url == ""


def test_sentences_respect_abbreviations_and_paragraphs():
    text = "Dr. Khan went to Wana. He met the U.S. envoy there.\n\nNew paragraph here."
    story = parse_story(text)
    sentences = split_sentences(story.text, story.paragraphs)
    assert [s.text for s in sentences] == [
        "Dr. Khan went to Wana.", "He met the U.S. envoy there.", "New paragraph here."]
    assert sentences[2].paragraph == 1


def test_a_broken_file_does_not_hide_the_rest_of_the_library(tmp_path):
    (tmp_path / "good.md").write_text(FRONT + "Islamabad is the capital.", encoding="utf-8")
    (tmp_path / "empty.md").write_text(FRONT, encoding="utf-8")
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    entries = {e.slug: e for e in load_library(tmp_path)}
    assert set(entries) == {"good", "empty"}
    assert entries["good"].story is not None and entries["good"].error is None
    assert "no text" in entries["empty"].error
