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
from storymap.places import KINDS, check_coordinates
from storymap.shapes import AREA, LINE, MAX_VERTICES, check_shape
from storymap.tiles import CHOICES, DEFAULT, OUTLINE

FORMAT = "storymap-story"
VERSION = 1
FOUND, ACCEPTED, REJECTED, ADDED = "found", "accepted", "rejected", "added"
STATUSES = (FOUND, ACCEPTED, REJECTED, ADDED)
KEY_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
"""A slug: what :func:`storymap.articles.slugify` makes. Safe in an address, a CSS class and a script."""
MEDIA_PATTERN = r"^(https?://[^\s\"'<>]+|media:[0-9a-f]{64})$"
MAX_LABEL = 200
MAX_NOTE = 5000
MAX_SHORT = 1000
MAX_FILE_BYTES = 20 * 1024 * 1024

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
        "precision_km": {"type": "number", "minimum": 0, "maximum": 5000},
        "source": _text(MAX_SHORT), "note": _text(MAX_NOTE),
        "names": {"type": "array", "items": _text(MAX_LABEL), "maxItems": 500},
    },
    "additionalProperties": False,
}
"""A runner-up: a gazetteer entry the resolver weighed (``Place.to_dict()``)."""

PLACE_PROPERTIES = {
    "key": _key,
    "gazetteer_id": _text(200),
    "name": _text(MAX_LABEL, 1),
    "kind": {"enum": list(KINDS)},
    "lat": {"type": "number", "minimum": -90, "maximum": 90},
    "lon": {"type": "number", "minimum": -180, "maximum": 180},
    "country": _text(8),
    "precision_km": {"type": "number", "minimum": 0, "maximum": 5000},
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
    "media_url": {"anyOf": [{"const": ""}, {"type": "string", "pattern": MEDIA_PATTERN, "maxLength": 2000}]},
    "media_caption": _text(MAX_SHORT),
    "media_credit": _text(MAX_SHORT),
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
    if field_name == "media_url":
        return f"{where}: an image address is an http(s):// address or an image stored in Storymap."
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
    if document.get("version") != VERSION:
        raise SchemaError([f"This story file is version {document.get('version')!r}; "
                           f"this Storymap reads version {VERSION}."])
    _check(_FILE, document)
    return document


def check_place(values: dict) -> dict:
    """A place's values, or some of them (an edit), against the same rules as a story file."""
    if _depth(values) > MAX_DEPTH:
        raise SchemaError(["These values nest too deeply to be a place."])
    _check(_PLACE, values)
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


# --- an editor's values, an image, mentions: what the schema alone cannot say ---

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
"""An image decoded is width x height x 4 bytes: 40 megapixels is 160 MB, ample for a photograph."""
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}


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
    if "precision_km" in out and not 0 <= out["precision_km"] <= 5000:
        raise ValueError("The precision is a radius between 0 and 5000 km.")
    for key in ("tour_order", "tour_zoom"):
        if isinstance(out.get(key), float) and out[key].is_integer():
            out[key] = int(out[key])
    if out.get("tour_zoom") is not None and isinstance(out["tour_zoom"], int) and not 1 <= out["tour_zoom"] <= 18:
        raise ValueError("A step's zoom is between 1 and 18.")
    if out.get("media_url") and not str(out["media_url"]).startswith(("http://", "https://", "media:")):
        raise ValueError("An image address must start with http:// or https://.")
    if "shape" in out:
        out["shape"] = check_shape(out["shape"])
    return check_place(out)


def check_image(data: bytes) -> str:
    """The image's MIME type, or ValueError when it is too big or not an image.

    The size in pixels is read from the header and checked before anything is decoded,
    so a small file claiming to be enormous (a decompression bomb) costs nothing.
    """
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError(f"The image is {len(data) / 1e6:.1f} MB; the limit is {MAX_IMAGE_BYTES // 2**20} MB.")
    from PIL import Image, UnidentifiedImageError
    import io
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind, (width, height) = image.format, image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise ValueError(f"The image is {width:,} x {height:,} pixels; the limit is "
                                     f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels.")
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValueError(f"The image claims more than {MAX_IMAGE_PIXELS // 1_000_000} megapixels.") from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValueError("The file is not an image (PNG, JPEG, GIF or WebP).") from None
    if kind not in IMAGE_TYPES:
        raise ValueError(f"Images must be PNG, JPEG, GIF or WebP, not {kind}.")
    return IMAGE_TYPES[kind]


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
