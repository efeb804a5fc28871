"""Stories: plain-text or Markdown files with a small front matter block.

A story file looks like::

    ---
    title: Copper under the frontier
    date: 2026-02-03
    dateline: South Waziristan, Pakistan
    source: Storymap sample
    url: https://example.org/story
    ---
    Body text, paragraphs separated by blank lines.

Reading never raises for a recoverable problem (missing front matter, a broken
date, an odd encoding): the story loads and carries a warning for the page to
show. Problems that leave nothing to show (no text, too much text, not text at
all) raise :class:`StoryError` with a message written for the newsroom.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

MAX_STORY_CHARS = 1_000_000
"""About 150,000 words: far beyond any article, small enough to geoparse in seconds."""

FRONT_MATTER_KEYS = ("title", "date", "dateline", "source", "url")


def library_dir() -> Path:
    """The story library: ``STORYMAP_STORIES``, or the bundled ``data/stories``."""
    from storymap.paths import data_dir
    from storymap.settings import current

    return Path(current().stories or data_dir() / "stories")


class StoryError(ValueError):
    """A story that cannot be shown; the message is meant for the reader."""


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int


@dataclass
class Story:
    slug: str
    title: str
    text: str
    date: dt.date | None = None
    dateline: str = ""
    source: str = ""
    url: str = ""
    basemap: str = ""  # the map's tiles, an editor's choice (storymap.tiles); "" the deployment's default
    tour_line: bool = True  # the tour's stops joined by a line, in order (an editor may leave it out)
    warnings: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[tuple[int, int]]:
        """(start, end) offsets of each paragraph in ``text``."""
        spans = []
        for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", self.text):
            if m.group().strip():
                spans.append((m.start(), m.end()))
        return spans

    def sentences(self) -> list[Sentence]:
        return split_sentences(self.text, self.paragraphs)

    @property
    def byline(self) -> str:
        """Dateline, date and source as every view shows them: "Islamabad · 3 February 2026 · Dawn"."""
        date = f"{self.date.day} {self.date:%B %Y}" if self.date else ""
        return " · ".join(x for x in (self.dateline, date, self.source) if x)


def slugify(value: str) -> str:
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    value = re.sub(r"[^a-zA-Z0-9]+", "-", value).strip("-").lower()
    return value or "story"


def free_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name-2``, ``name-3``... whichever is not taken (slugs, place keys)."""
    base, n = name, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


def decode_bytes(raw: bytes) -> tuple[str, str | None]:
    """Decode story bytes; returns the text and a warning when we had to guess."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8"), None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), None
    if b"\x00" in raw[:4096]:
        raise StoryError("This file is not text (it contains binary data).")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        # Windows-1252 is what newsroom tools most often produce when not UTF-8.
        return raw.decode("cp1252", errors="replace"), (
            "The file is not UTF-8; it was read as Windows-1252. Check accented letters."
        )


def parse_story(raw: str | bytes, slug: str = "story") -> Story:
    """Parse story text (with optional front matter) into a :class:`Story`."""
    warnings: list[str] = []
    if isinstance(raw, bytes):
        raw, warning = decode_bytes(raw)
        if warning:
            warnings.append(warning)
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if len(raw) > MAX_STORY_CHARS:
        raise StoryError(
            f"This story is too long to map ({len(raw) / 1e6:.1f} million characters; "
            f"the limit is {MAX_STORY_CHARS / 1e6:.0f} million). Split it into parts."
        )
    meta, body = _split_front_matter(raw)
    if meta is None:
        warnings.append("The file has no front matter (title, date, dateline); defaults are used.")
        meta = {}
    body = body.strip("\n")
    if not body.strip():
        raise StoryError("This story has no text to map.")

    date = None
    if meta.get("date"):
        try:
            date = dt.date.fromisoformat(meta["date"][:10])
        except ValueError:
            warnings.append(f"The date {meta['date']!r} is not a date (expected YYYY-MM-DD); it is left out.")
    title = meta.get("title") or _first_line_title(body)
    url = meta.get("url", "")
    if url and not re.match(r"https?://", url, re.I):
        warnings.append("The source URL is not an http(s) address; it is not linked.")
        url = ""
    return Story(
        slug=slug,
        title=title,
        text=body,
        date=date,
        dateline=meta.get("dateline", ""),
        source=meta.get("source", ""),
        url=url,
        warnings=warnings,
    )


def load_story(path: Path) -> Story:
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_STORY_CHARS * 4:
        raise StoryError(
            f"This story file is too large to map ({size / 1e6:.1f} MB). Split it into parts."
        )
    return parse_story(path.read_bytes(), slug=slugify(path.stem))


@dataclass(frozen=True)
class LibraryEntry:
    """One file of the story library: a story, or the reason it could not be read."""

    slug: str
    path: Path
    story: Story | None = None
    error: str | None = None


def load_library(directory: Path) -> list[LibraryEntry]:
    """Every story file in ``directory``; a broken file never hides the others."""
    entries = []
    for path in sorted(Path(directory).glob("*")):
        if path.suffix.lower() not in (".md", ".txt", ".markdown") or not path.is_file():
            continue
        slug = slugify(path.stem)
        try:
            entries.append(LibraryEntry(slug, path, story=load_story(path)))
        except (StoryError, OSError) as exc:
            entries.append(LibraryEntry(slug, path, error=str(exc)))
    return entries


def _split_front_matter(raw: str) -> tuple[dict[str, str] | None, str]:
    text = raw.lstrip("\ufeff")
    if not text.startswith("---"):
        return None, text
    end = re.search(r"^---[ \t]*$", text[3:], re.M)
    if end is None:
        return None, text
    block = text[3 : 3 + end.start()]
    meta: dict[str, str] = {}
    for line in block.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in FRONT_MATTER_KEYS:
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, text[3 + end.end():]


def _first_line_title(body: str) -> str:
    first = body.strip().splitlines()[0].lstrip("# ").strip()
    return first[:80] + ("…" if len(first) > 80 else "")


# Abbreviations that end with a full stop. Titles never end a sentence ("Dr. Khan");
# the others end one only when a capital letter follows ("made in the U.S. Officials said").
_TITLES = {"mr", "mrs", "ms", "dr", "st", "gen", "col", "lt", "sgt", "gov", "sen", "rep", "mt", "ft", "no", "vs"}
_ABBREVIATIONS = {"govt", "u.s", "u.k", "u.n", "inc", "co", "corp", "ltd", "e.g", "i.e", "approx", "jan",
                  "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec"}
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s|$)")


def split_sentences(text: str, paragraphs: list[tuple[int, int]]) -> list[Sentence]:
    """Sentences with their offsets; never crosses a paragraph boundary."""
    out: list[Sentence] = []
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        start = p_start
        for m in _SENTENCE_END.finditer(text, p_start, p_end):
            if m.group() == "." and _is_abbreviation(text, start, m):
                continue
            _add_sentence(out, text, start, m.end(), p_index)
            start = m.end()
        _add_sentence(out, text, start, p_end, p_index)
    return out


def _is_abbreviation(text: str, start: int, m: re.Match) -> bool:
    word = re.search(r"([\w.]+)$", text[start : m.start()])
    if not word:
        return False
    token = word.group(1).lower()
    if token in _TITLES or len(token) == 1:
        return True
    following = text[m.end() : m.end() + 3].lstrip()
    return token in _ABBREVIATIONS and not (following[:1].isupper())


def _add_sentence(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, text[start:end], paragraph))
