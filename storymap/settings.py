"""Every setting Storymap reads, in one place: the environment's ``STORYMAP_*`` variables.

Modules ask :func:`current` when they need a setting, rather than reading the environment
themselves, so the README's table can list them all from here and a test can see that no
other module reads the environment. Streamlit secrets (``[storymap.editors]``,
``[geocoders]``) are merged in by the app's pages, which alone know Streamlit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping


GEOCODER_PREFIXES = ("STORYMAP_GEOCODER", "STORYMAP_GEOCODE_", "STORYMAP_NOMINATIM_", "STORYMAP_PHOTON_",
                     "STORYMAP_ARCGIS_")
"""The online geocoders' settings (see :func:`storymap.geocoders.chain_from_settings`)."""


@dataclass(frozen=True)
class Settings:
    database_url: str = ""  # STORYMAP_DATABASE_URL: any SQLAlchemy URL; "" = a SQLite file in data_home
    editors: str = ""  # STORYMAP_EDITORS: "name=HASH;other=HASH"
    stories: str = ""  # STORYMAP_STORIES: the folder of story files that seed the store
    data: str = ""  # STORYMAP_DATA: a copy of the repository's data/ folder
    cache: str = ""  # STORYMAP_CACHE: the compiled gazetteer and geocoders' answers
    geonames: str = ""  # STORYMAP_GEONAMES: the imported GeoNames index (default: in the cache); "off" for none
    tiles: str = "osm"  # STORYMAP_TILES: osm, none, or a tile URL template
    spacy_model: str = ""  # STORYMAP_SPACY_MODEL: an optional second recogniser
    home: str = ""  # STORYMAP_HOME: the newsroom's home, in words ("Columbus, Georgia"), until its stories show it
    fetch_allow: frozenset[str] = frozenset()  # STORYMAP_FETCH_ALLOW: hosts exempt from the public-address rule
    geocoders: Mapping[str, str] = field(default_factory=dict)  # GEOCODER_PREFIXES: see geocoders.py
    data_home: Path = Path("~/.local/share").expanduser()  # XDG_DATA_HOME
    cache_home: Path = Path("~/.cache").expanduser()  # XDG_CACHE_HOME

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "Settings":
        get = lambda name, default="": env.get(name, default).strip()  # noqa: E731
        return cls(
            database_url=get("STORYMAP_DATABASE_URL"), editors=get("STORYMAP_EDITORS"),
            stories=get("STORYMAP_STORIES"), data=get("STORYMAP_DATA"), cache=get("STORYMAP_CACHE"),
            geonames=get("STORYMAP_GEONAMES"),
            tiles=get("STORYMAP_TILES", "osm"), spacy_model=get("STORYMAP_SPACY_MODEL"),
            home=get("STORYMAP_HOME"),
            fetch_allow=frozenset(h.strip() for h in get("STORYMAP_FETCH_ALLOW").split(",") if h.strip()),
            geocoders={k: v for k, v in env.items() if k.startswith(GEOCODER_PREFIXES)},
            data_home=Path(get("XDG_DATA_HOME") or Path("~/.local/share").expanduser()),
            cache_home=Path(get("XDG_CACHE_HOME") or Path("~/.cache").expanduser()),
        )


def current() -> Settings:
    """The settings as the environment has them now (read each time: cheap, and a test's or a
    deployment's change is seen at once)."""
    return Settings.from_env(os.environ)
