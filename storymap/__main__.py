"""Command line: ``python -m storymap COMMAND`` (``--help`` lists them)."""

from __future__ import annotations

import argparse
import getpass
import sys

from storymap.accounts import hash_password


def _hash_password(_args: argparse.Namespace) -> int:
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Again: "):
            print("The two passwords differ.", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        print(hash_password(password))
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def _export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from storymap.analysis import analyse, from_record
    from storymap.articles import StoryError
    from storymap.export import data_uri_media, export
    from storymap.importing import story_from_file
    from storymap.library import seeded_storage
    from storymap.storage import NotFound

    media = None
    path = Path(args.story)
    try:
        if path.suffix and path.exists():
            story_map = analyse(story_from_file(path.name, path.read_bytes()))
        else:
            store = seeded_storage(args.database)  # the story library's files first, as the app does
            story_map = from_record(store.load(args.story))
            media = data_uri_media(store)
        text = export(story_map, args.format, media)
    except NotFound:
        print(f"storymap: there is no story called “{args.story}” in {args.database or 'the store'}, "
              "and no such file. Give a story's slug or the path to a story file.", file=sys.stderr)
        return 2
    except (StoryError, ValueError, OSError) as exc:
        print(f"storymap: {exc}", file=sys.stderr)
        return 1
    if args.out == "-":
        sys.stdout.write(text)
        return 0
    try:
        Path(args.out).write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"storymap: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"Wrote {args.out} ({len(text.encode()) / 1024:.0f} KB, {len(story_map.places)} places).", file=sys.stderr)
    return 0


def _migrate(args: argparse.Namespace) -> int:
    """Bring the store to this Storymap's schema: once per deployment and upgrade, before the app
    starts (``make run`` does it). Safe when two processes run it at once."""
    from sqlalchemy import create_engine

    from storymap import migrations
    from storymap.storage import default_url

    engine = create_engine(args.database or default_url())
    before = migrations.current(engine)
    migrations.upgrade(engine)
    after = migrations.current(engine)
    shown = engine.url.render_as_string(hide_password=True)
    print(f"{shown}: schema {after}" + (f" (was {before or 'empty'})" if before != after else ", up to date"),
          file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    """A story file into the store, through the same schema check as the editor's import."""
    import getpass as users
    from pathlib import Path

    from storymap.accounts import Editor
    from storymap.library import seeded_storage
    from storymap.schema import SchemaError, read_story_file
    from storymap.transfer import import_story

    try:
        document = read_story_file(Path(args.file).read_bytes())
        record = import_story(seeded_storage(args.database), Editor(f"{users.getuser()} (command line)", via="cli"),
                              document)
    except SchemaError as exc:
        print(f"storymap: {args.file} cannot be imported; nothing was stored:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    except (ValueError, OSError) as exc:
        print(f"storymap: {exc}", file=sys.stderr)
        return 1
    print(f"Imported “{record.title}” as {record.slug} ({len(record.places)} places).", file=sys.stderr)
    return 0


def _gazetteer_add(args: argparse.Namespace) -> int:
    """GeoNames' dump files into the imported index (storymap.imported): resumable, idempotent."""
    import time
    import urllib.error
    from pathlib import Path

    from storymap.imported import add, index_path

    path = Path(args.index) if args.index else index_path()
    started = time.perf_counter()
    try:
        added = add(args.sources, path, again=args.again, show=not args.quiet)
    except KeyboardInterrupt:
        print("storymap: stopped; run the same command again to go on where it stopped.", file=sys.stderr)
        return 130
    except (ValueError, OSError, urllib.error.URLError) as exc:
        print(f"storymap: {exc}", file=sys.stderr)
        return 1
    rows = sum(a.rows for a in added if not a.skipped)
    if not rows:
        print(f"{path}: nothing new to add.", file=sys.stderr)
        return 0
    print(f"{path}: {rows:,} rows added or updated in {time.perf_counter() - started:.0f} s "
          f"({path.stat().st_size / 1e6:,.1f} MB). Restart the app to use them.", file=sys.stderr)
    return 0


def _gazetteer_status(args: argparse.Namespace) -> int:
    from pathlib import Path

    from storymap.imported import index_path, open_index

    path = Path(args.index) if args.index else index_path()
    index = open_index(path) if path else None
    if index is None:
        print(f"No GeoNames import{f' at {path}' if path else ' (STORYMAP_GEONAMES=off)'}: the gazetteer is "
              "what ships in the packages.")
        return 0
    status = index.status()
    print(f"{status['path']}: {status['places']:,} places, {status['names']:,} names, "
          f"{status['bytes'] / 1e6:,.1f} MB" + (" (keyed by an older normalisation: add again)" if status["stale"] else ""))
    for f in status["files"]:
        print(f"  {f['label']}: {f['format'] or '?'}, {f['rows']:,} rows, "
              + ("done" if f["done"] else f"stopped after {f['lines']:,} lines (add it again to go on)"))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storymap", description="Storymap from the command line.")
    commands = parser.add_subparsers(dest="command", required=True)
    hp = commands.add_parser("hash-password", help="make a salted hash for an editor account "
                                                   "(STORYMAP_EDITORS='name=HASH')")
    hp.set_defaults(run=_hash_password)
    from storymap.export import FORMATS

    ex = commands.add_parser("export", help="write a story as one HTML file, GeoJSON, CSV, KML or StoryMapJS JSON",
                             description="Export a story: a slug from the store, or a story file "
                                         "(.md, .txt, .html, .docx) that is geoparsed first.")
    ex.add_argument("story", help="the story's slug (as in ?story=...) or a path to a story file")
    ex.add_argument("--format", required=True, choices=FORMATS)
    ex.add_argument("--out", required=True, help="file to write, or - for standard output")
    ex.add_argument("--database", default=None,
                    help="SQLAlchemy URL of the store (default: STORYMAP_DATABASE_URL or the local SQLite file)")
    ex.set_defaults(run=_export)
    mg = commands.add_parser("migrate", help="create or upgrade the store's tables (once per deployment and upgrade)")
    mg.add_argument("--database", default=None,
                    help="SQLAlchemy URL of the store (default: STORYMAP_DATABASE_URL or the local SQLite file)")
    mg.set_defaults(run=_migrate)
    im = commands.add_parser("import", help="add a story file (.storymap.json, as the editor exports) to the store",
                             description="Import a story file; it is checked against the story schema first.")
    im.add_argument("file", help="a .storymap.json file")
    im.add_argument("--database", default=None,
                    help="SQLAlchemy URL of the store (default: STORYMAP_DATABASE_URL or the local SQLite file)")
    im.set_defaults(run=_import)
    gz = commands.add_parser("gazetteer", help="extend the offline gazetteer with GeoNames' own dump files")
    gz_commands = gz.add_subparsers(dest="action", required=True)
    gza = gz_commands.add_parser(
        "add", help="import GeoNames files or URLs (allCountries.zip, PK.zip, alternateNamesV2.zip, admin2Codes.txt...)",
        description="Import GeoNames dump files (https://download.geonames.org/export/dump/, CC BY 4.0) into "
                    "the imported index. Resumable: run it again after a stop. A file already imported is skipped.")
    gza.add_argument("sources", nargs="+", metavar="FILE_OR_URL")
    gza.add_argument("--again", action="store_true", help="import files already imported once more")
    gza.add_argument("--quiet", action="store_true", help="no progress bar")
    gza.set_defaults(run=_gazetteer_add)
    gzs = gz_commands.add_parser("status", help="what is imported, and from which files")
    gzs.set_defaults(run=_gazetteer_status)
    for sub in (gza, gzs):
        sub.add_argument("--index", default=None,
                         help="the index file (default: STORYMAP_GEONAMES or geonames.sqlite in the cache folder)")
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
