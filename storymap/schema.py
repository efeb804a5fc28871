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
from dataclasses import dataclass

from jsonschema import Draft202012Validator

from storymap.articles import MAX_STORY_CHARS
from storymap.places import KINDS

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
