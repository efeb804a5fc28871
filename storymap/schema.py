"""One schema for a story: what a story file may hold, checked at every door.

A story file (``.storymap.json``, what the editor's export writes and its import
reads) is a JSON document that anyone may have edited. It is checked against this
JSON Schema (Draft 2020-12) before anything is stored, and so is every place an
editor's form saves (:func:`check_place`, with the same property rules): nothing
invalid reaches the store, so nothing stored can break a page.

Identifiers are generated, not free text: a story's slug and a place's key match
:data:`KEY_PATTERN`. Errors are listed field by field, in words for an editor.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from jsonschema import Draft202012Validator

from storymap.articles import MAX_STORY_CHARS, StoryError
from storymap.media import (EXTENSIONS, MAX_ALT, MAX_CAPTION, MAX_CREDIT, MAX_ITEMS, MAX_UPLOAD_BYTES, MEDIA_KINDS,
                            check_item, legacy_media)
from storymap.places import KINDS, check_coordinates
from storymap.shapes import AREA, LINE, MAX_VERTICES, check_shape
from storymap.tiles import CHOICES, DEFAULT, OUTLINE

FORMAT = "storymap-story"
VERSION = 2
"""Version 2: a place has a list of media (version 1: one image, ``media_url``); both are read."""
FOUND, ACCEPTED, REJECTED, ADDED = "found", "accepted", "rejected", "added"
STATUS_LABELS = {FOUND: "Found (not reviewed)", ACCEPTED: "Accepted", REJECTED: "Rejected: not drawn",
                 ADDED: "Added by an editor"}
STATUSES = (FOUND, ACCEPTED, REJECTED, ADDED)
KEY_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
"""A slug: what :func:`storymap.articles.slugify` makes. Safe in an address, a CSS class and a script."""
MEDIA_PATTERN = r"^(https?://[^\s\"'<>]+|media:[0-9a-f]{64})$"
MAX_LABEL = 200
MAX_NOTE = 5000
MAX_SHORT = 1000
MAX_PRECISION_KM = 20_000
"""The widest radius a drawn area may have: about half the Earth's circumference, so an ocean fits
(the Pacific is drawn 11,200 km wide), while a typing slip of a million is refused."""
MAX_FILE_BYTES = 200 * 1024 * 1024
"""A story file carries its uploads (a 40 MB video is 53 MB in base64); this is Streamlit's own default cap."""

_text = lambda most, least=0: {"type": "string", "minLength": least, "maxLength": most}  # noqa: E731
_key = {"type": "string", "pattern": KEY_PATTERN, "maxLength": 200}

GAZETTEER_PLACE = {
    "type": "object",
    "required": ["id", "name", "kind", "lat", "lon"],
    "properties": {
        "id": _text(200), "name": _text(MAX_LABEL, 1), "kind": {"enum": list(KINDS)},
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "lon": {"type": "number", "minimum": -180, "maximum": 180},
        "country": _text(8), "admin1": _text(MAX_SHORT), "population": {"type": "integer", "minimum": 0},
        "precision_km": {"type": "number", "minimum": 0, "maximum": MAX_PRECISION_KM},
        "source": _text(MAX_SHORT), "note": _text(MAX_NOTE),
        "names": {"type": "array", "items": _text(MAX_LABEL), "maxItems": 500},
    },
    "additionalProperties": False,
}
"""A runner-up: a gazetteer entry the resolver weighed (``Place.to_dict()``)."""

MEDIA_ITEM = {
    "type": "object",
    "required": ["kind", "url"],
    "properties": {"kind": {"enum": list(MEDIA_KINDS)},
                   "url": {"type": "string", "pattern": MEDIA_PATTERN, "maxLength": 2000},
                   "caption": _text(MAX_CAPTION), "credit": _text(MAX_CREDIT), "alt": _text(MAX_ALT)},
    "additionalProperties": False,
}
"""One of a place's media (``media.Media``); :func:`media.check_item` says the rest (alt text, video links)."""

PLACE_PROPERTIES = {
    "key": _key,
    "gazetteer_id": _text(200),
    "name": _text(MAX_LABEL, 1),
    "kind": {"enum": list(KINDS)},
    "lat": {"type": "number", "minimum": -90, "maximum": 90},
    "lon": {"type": "number", "minimum": -180, "maximum": 180},
    "country": _text(8),
    "precision_km": {"type": "number", "minimum": 0, "maximum": MAX_PRECISION_KM},
    "status": {"enum": list(STATUSES)},
    "mentions": {"type": "array", "maxItems": 10_000, "items": {
        "type": "array", "minItems": 3, "maxItems": 3,
        "prefixItems": [{"type": "integer", "minimum": 0}, {"type": "integer", "minimum": 1}, _text(MAX_LABEL, 1)]}},
    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
    "reason": _text(MAX_SHORT),
    "runners_up": {"type": "array", "items": GAZETTEER_PLACE, "maxItems": 10},
    "note": _text(MAX_NOTE),
    "source": _text(MAX_SHORT),
    "geocoder": _text(100),
    "located_at": _text(40),
    "media": {"type": "array", "maxItems": MAX_ITEMS, "items": MEDIA_ITEM},
    "tour_order": {"type": ["integer", "null"], "minimum": 1, "maximum": 100_000},
    "tour_hidden": {"type": "boolean"},
    "tour_zoom": {"type": ["integer", "null"], "minimum": 1, "maximum": 18},
    "shape": {"anyOf": [{"type": "null"}, {  # its points are checked by storymap.shapes.check_shape
        "type": "object", "required": ["type", "coordinates"], "additionalProperties": False,
        "properties": {"type": {"enum": [LINE, AREA]},
                       "coordinates": {"type": "array", "maxItems": MAX_VERTICES + 1}}}]},
}

STORY = {
    "type": "object",
    "required": ["slug", "title", "text"],
    "properties": {
        "slug": _key,
        "title": _text(MAX_SHORT, 1),
        "date": {"anyOf": [{"type": "null"}, {"const": ""},
                           {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}]},
        "dateline": _text(MAX_SHORT),
        "source": _text(MAX_SHORT),
        "url": {"anyOf": [{"const": ""}, {"type": "string", "pattern": r"^https?://[^\s\"'<>]+$",
                                          "maxLength": 2000}]},
        "text": _text(MAX_STORY_CHARS, 1),
        "basemap": {"enum": [DEFAULT, OUTLINE, *CHOICES]},
        "tour_line": {"type": "boolean"},
    },
    "additionalProperties": False,
}

STORY_FILE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": f"https://storymap.example/schema/story-v{VERSION}.json",
    "title": "A Storymap story",
    "type": "object",
    "required": ["format", "version", "story", "places"],
    "properties": {
        "format": {"const": FORMAT},
        "version": {"const": VERSION},
        "story": STORY,
        "places": {"type": "array", "maxItems": 20_000, "items": {
            "type": "object", "required": ["key", "name", "kind", "lat", "lon"],
            "properties": PLACE_PROPERTIES, "additionalProperties": False}},
        "uploads": {"type": "object", "propertyNames": {"pattern": "^[0-9a-f]{64}$"}, "additionalProperties": {
            "type": "object", "required": ["mime", "data"], "additionalProperties": False,
            "properties": {"mime": {"enum": list(EXTENSIONS)},
                           "data": {"type": "string", "maxLength": 4 * -(-MAX_UPLOAD_BYTES // 3)}}}},
    },
    "additionalProperties": False,
}

_FILE = Draft202012Validator(STORY_FILE)
_PLACE = Draft202012Validator({"type": "object", "properties": PLACE_PROPERTIES, "additionalProperties": False})
_STORY_VALUES = Draft202012Validator({**STORY, "required": []})


@dataclass
class SchemaError(ValueError):
    """What is wrong with a story file or a place, one line per field."""

    problems: list[str]

    def __str__(self) -> str:
        return " ".join(self.problems) if len(self.problems) == 1 else \
            f"{len(self.problems)} problems: " + " ".join(f"({i}) {p}" for i, p in enumerate(self.problems, 1))


def _where(path) -> str:
    parts = []
    for step in path:
        parts.append(f"[{step + 1}]" if isinstance(step, int) else (f".{step}" if parts else str(step)))
    return "".join(parts).replace(".[", "[") or "the file"


_TYPE_WORDS = {"string": "text", "number": "a number", "integer": "a whole number", "boolean": "true or false",
               "array": "a list", "object": "an object", "null": "empty"}


def _shown(value) -> str:
    """A short picture of a bad value (never the whole of a long text or a deep structure)."""
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, (dict, list)):
        return "a list" if isinstance(value, list) else "an object"
    return repr(value)


def _problem(error) -> str:
    where, v, schema = _where(error.absolute_path), error.validator, error.schema
    field_name = error.absolute_path[-1] if error.absolute_path else None
    if v == "additionalProperties":
        extra = sorted(set(error.instance) - set(schema.get("properties", {})))
        return f"{where}: unknown field{'s' if len(extra) > 1 else ''} {', '.join(map(repr, extra))}."
    if v == "required":
        missing = [k for k in schema["required"] if k not in error.instance]
        return f"{where}: {', '.join(map(repr, missing))} {'is' if len(missing) == 1 else 'are'} missing."
    if field_name in ("key", "slug") and v in ("pattern", "type", "maxLength"):
        return f"{where}: {_shown(error.instance)} is not an identifier (lower-case letters, digits and hyphens)."
    if field_name == "url" and "media" in error.absolute_path:
        return f"{where}: a media address is an http(s):// address or a file uploaded to Storymap."
    if field_name == "url":
        return f"{where}: a story's address starts with http:// or https://."
    if field_name == "date":
        return f"{where}: a date is written YYYY-MM-DD."
    if v == "type":
        wanted = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        return f"{where}: {_shown(error.instance)} should be {' or '.join(_TYPE_WORDS[t] for t in wanted)}."
    if v in ("enum", "const"):
        allowed = schema.get("enum", [schema.get("const")])
        return f"{where}: {_shown(error.instance)} is not one of {', '.join(map(str, allowed))}."
    if v in ("minimum", "maximum"):
        return f"{where}: {_shown(error.instance)} is outside {schema.get('minimum', '…')} to {schema.get('maximum', '…')}."
    if v == "maxLength":
        return f"{where}: longer than {schema['maxLength']} characters."
    if v == "minLength":
        return f"{where}: empty."
    if v in ("maxItems", "minItems"):
        return f"{where}: {len(error.instance)} items; between {schema.get('minItems', 0)} and " \
               f"{schema.get('maxItems', 'any number of')} are allowed."
    return f"{where}: {_shown(error.instance)} is not allowed here."


MAX_DEPTH = 12
"""A story file nests five levels; a file nesting far deeper is not one (and would exhaust the stack)."""


def _depth(document) -> int:
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def _check(validator: Draft202012Validator, document) -> None:
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    problems = list(dict.fromkeys(_problem(e) for e in errors))  # one line for all that a place lacks
    if problems:
        raise SchemaError(problems[:20] + ([f"…and {len(problems) - 20} more."] if len(problems) > 20 else []))


def check_story_file(document) -> dict:
    """The document when it is a valid story file; SchemaError listing every problem otherwise."""
    if _depth(document) > MAX_DEPTH:
        raise SchemaError(["The file nests too deeply to be a Storymap story file."])
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SchemaError(["This is not a Storymap story file (its “format” is not “storymap-story”)."])
    if document.get("version") == 1:
        document = _from_version_1(document)
    if document.get("version") != VERSION:
        raise SchemaError([f"This story file is version {document.get('version')!r}; "
                           f"this Storymap reads versions 1 and {VERSION}."])
    _check(_FILE, document)
    _check_media_items(document["places"], "places")
    return document


def _from_version_1(document: dict) -> dict:
    """A version 1 file as version 2: each place's one image (``media_url``, ``media_caption``,
    ``media_credit``) becomes its list of media. Anything else is left for the schema to judge."""
    places = document.get("places")
    if not isinstance(places, list):
        return {**document, "version": VERSION}
    upgraded = []
    for place in places:
        if isinstance(place, dict) and any(k.startswith("media_") for k in place):
            place = dict(place)
            url, caption, credit = (place.pop(f"media_{k}", "") for k in ("url", "caption", "credit"))
            if not all(isinstance(v, str) for v in (url, caption, credit)):
                raise SchemaError(["A place's image (media_url, media_caption, media_credit) should be text."])
            place["media"] = legacy_media(url, caption, credit, str(place.get("name", "")))
        upgraded.append(place)
    return {**document, "version": VERSION, "places": upgraded}


def _check_media_items(places: list, where: str = "") -> None:
    """Every media item's own rules (media.check_item), listed like the schema's problems:
    ``places[2].media[1]: ...`` in a story file (``where``), ``media[1]: ...`` in an edit."""
    problems = []
    for i, place in enumerate(places, 1):
        for j, item in enumerate(place.get("media") or [], 1):
            try:
                check_item(item)
            except ValueError as exc:
                problems.append(f"{where}[{i}].media[{j}]: {exc}" if where else f"media[{j}]: {exc}")
    if problems:
        raise SchemaError(problems[:20])


def check_place(values: dict) -> dict:
    """A place's values, or some of them (an edit), against the same rules as a story file."""
    if _depth(values) > MAX_DEPTH:
        raise SchemaError(["These values nest too deeply to be a place."])
    _check(_PLACE, values)
    _check_media_items([values])
    return values


def check_story_values(values: dict) -> dict:
    """A story's values, or some of them (an edit), against the same rules as a story file."""
    _check(_STORY_VALUES, values)
    return values


def _no_constant(name: str):
    raise SchemaError([f"The file holds {name}, which is not a number a story can use."])


def read_story_file(raw: bytes) -> dict:
    """Parse and check an uploaded story file: size, encoding and nesting first, then the schema."""
    if len(raw) > MAX_FILE_BYTES:
        raise SchemaError([f"The file is {len(raw) / 1e6:.1f} MB; a story file is at most "
                           f"{MAX_FILE_BYTES // 2**20} MB."])
    try:
        document = json.loads(raw.decode("utf-8-sig"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise SchemaError(["The file is not UTF-8 text, so it is not a Storymap story file."]) from None
    except RecursionError:
        raise SchemaError(["The file nests too deeply to be a Storymap story file."]) from None
    except json.JSONDecodeError as exc:
        raise SchemaError([f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."]) \
            from None
    return check_story_file(document)


# --- an editor's values, mentions: what the schema alone cannot say ---


def validate_place(values: dict) -> dict:
    """Clean an editor's values and check them against the story schema; ValueError with a
    message meant for the editor."""
    out = dict(values)
    if "name" in out:
        out["name"] = str(out["name"]).strip()
        if not out["name"]:
            raise ValueError("A place needs a label.")
    labels = {"lat": "latitude", "lon": "longitude", "precision_km": "precision", "confidence": "confidence"}
    for key, label in labels.items():
        if key in out:
            try:
                out[key] = float(out[key])
            except (TypeError, ValueError):
                out[key] = math.nan
            if not math.isfinite(out[key]):
                raise ValueError(f"The {label} is not a number ({values[key]!r}).")
    if "lat" in out or "lon" in out:
        check_coordinates(out.get("lat", 0.0), out.get("lon", 0.0))
    if "precision_km" in out and not 0 <= out["precision_km"] <= MAX_PRECISION_KM:
        raise ValueError(f"The precision is a radius between 0 and {MAX_PRECISION_KM:,} km.")
    for key in ("tour_order", "tour_zoom"):
        if isinstance(out.get(key), float) and out[key].is_integer():
            out[key] = int(out[key])
    if out.get("tour_zoom") is not None and isinstance(out["tour_zoom"], int) and not 1 <= out["tour_zoom"] <= 18:
        raise ValueError("A step's zoom is between 1 and 18.")
    if "shape" in out:
        out["shape"] = check_shape(out["shape"])
    return check_place(out)


def check_story_text(title: str, text: str) -> None:
    if not str(title).strip():
        raise ValueError("A story needs a title.")
    if not str(text).strip():
        raise StoryError("This story has no text to map.")
    if len(text) > MAX_STORY_CHARS:
        raise StoryError(f"This story is too long to map ({len(text) / 1e6:.1f} million characters; "
                         f"the limit is {MAX_STORY_CHARS / 1e6:.0f} million).")


def check_mentions(mentions: list, text: str) -> None:
    for m in mentions:
        if not (isinstance(m, (list, tuple)) and len(m) == 3):
            raise ValueError("A mention is [start, end, words].")
        start, end, words = m
        if not (0 <= start < end <= len(text)) or text[start:end] != words:
            raise ValueError(f"The words “{words}” are not at that place in the text.")


def find_all(text: str, words: str) -> list[int]:
    out, i = [], text.find(words)
    while i >= 0:
        out.append(i)
        i = text.find(words, i + len(words))
    return out
