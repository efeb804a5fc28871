"""A shared exported file shows a preview (issue 18, item 6): Open Graph and Twitter card metadata
at the top of its head, every value escaped, and an image only where a previewer can fetch one."""

import html
import re
from dataclasses import replace

import pytest

from storymap.analysis import analyse
from storymap.articles import parse_story
from storymap.export import export
from storymap.places import Media
from storymap.sharing import MAX_DESCRIPTION, description, share_image

EVIL_TITLE = 'Copper "deal" <script>alert(1)</script> & \'more\' news'


def meta(page: str) -> dict[str, str]:
    """The head's <meta> elements, by property or name, their content unescaped."""
    head = page.split("</head>")[0]
    return {m.group(1): html.unescape(m.group(2))
            for m in re.finditer(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', head)}


def test_the_exported_file_carries_its_title_description_and_card(sample_map):
    page = export(sample_map, "html")
    tags = meta(page)
    title = sample_map.story.title
    assert tags["og:title"] == title and tags["twitter:title"] == title and tags["og:type"] == "article"
    assert f"<title>{html.escape(title, quote=True).replace('&#x27;', '&#39;')}</title>" in page
    assert tags["description"] == tags["og:description"] == tags["twitter:description"] == description(sample_map)
    assert tags["description"].startswith(sample_map.sentences[0].text.split()[0])
    assert 40 < len(tags["description"]) <= MAX_DESCRIPTION
    assert tags["twitter:card"] == "summary" and "og:image" not in tags  # no image: no og:image
    head = page.split("</head>")[0]
    assert head.index('property="og:title"') < head.index("<script")  # before a megabyte of script


def test_script_and_quotes_in_a_title_stay_text(gazetteer):
    story = parse_story(f"---\ntitle: {EVIL_TITLE}\n---\nIn Islamabad \"officials\" <b>met</b> & spoke.\n")
    page = export(analyse(story, gazetteer), "html")
    head = page.split("</head>")[0]
    assert "<script>alert" not in head and "<b>met" not in head
    tags = meta(page)
    assert tags["og:title"] == EVIL_TITLE == tags["twitter:title"]
    assert tags["og:description"] == 'In Islamabad "officials" <b>met</b> & spoke.'
    assert 'content="Copper &#34;deal&#34; &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;more&#39; news"' in head


def test_an_image_is_named_only_by_an_absolute_web_address(seeded_record_map, tmp_path):
    story_map, _ = seeded_record_map  # Wana has https://example.org/wana.jpg
    page = export(story_map, "html")
    tags = meta(page)
    assert tags["og:image"] == "https://example.org/wana.jpg" == tags["twitter:image"]
    assert tags["twitter:card"] == "summary_large_image"
    # An image stored in Storymap travels as a data: URI, which no previewer can fetch: no og:image.
    upload = (Media("media:" + "0" * 64, alt="Wana"),)
    stored = replace(story_map, places=[replace(rp, media=upload) if rp.media else rp for rp in story_map.places])
    assert share_image(stored, lambda ref: "data:image/png;base64,AAAA") == ""
    assert "og:image" not in meta(export(stored, "html", lambda ref: "data:image/png;base64,AAAA"))


def test_a_long_first_sentence_is_shortened_at_a_word(gazetteer):
    story = parse_story("---\ntitle: Long\n---\n" + "Karachi " + "word " * 80 + "end.\n")
    text = description(analyse(story, gazetteer))
    assert len(text) <= MAX_DESCRIPTION and text.endswith("word…")


@pytest.mark.browser
def test_a_story_has_a_page_of_its_own_that_link_previews_read(server):
    """The app's pages are one Streamlit shell with nothing in its head; /story/SLUG is the story's
    own page (the exported file, served), with its title, description and image for previews."""
    import urllib.error
    import urllib.request

    with urllib.request.urlopen(f"{server}/story/pakistan-copper", timeout=60) as response:
        assert response.status == 200 and response.headers["Content-Type"].startswith("text/html")
        page = response.read().decode()
    tags = meta(page)
    assert tags["og:title"].startswith("Copper under the frontier") and tags["og:type"] == "article"
    assert tags["og:description"].startswith("The mountains along Pakistan's border") and "storymapViewer" in page
    evil = meta(urllib.request.urlopen(f"{server}/story/evil", timeout=60).read().decode())
    assert evil["og:title"].startswith("Evil <script>")  # the text as written, escaped in the page
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{server}/story/no-such-story", timeout=60)
    assert missing.value.code == 404 and b"no-such-story" not in missing.value.read()
