"""Map tiles: the base map a story is drawn on, chosen by its editor among a few xyzservices
providers (folium's own dependency), and the deployment's ``STORYMAP_TILES`` setting.

The offline country outlines (:mod:`storymap.basemap`) are always drawn beneath, so a reader
without a network still sees a map. A story's choice is a provider's name (or ``outline``, the
outlines alone, or nothing: the deployment's default); the tile address, its zoom range and its
attribution come from xyzservices, so the credit shown is the provider's own.

Precedence: ``STORYMAP_TILES=none`` draws every story offline whatever its choice (a deployment
that must not call out); otherwise a story's choice wins, and a story without one gets the
deployment's default: OpenStreetMap (``osm``, the default) or its own tile URL template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import xyzservices.providers as providers

from storymap.settings import current as current_settings

OUTLINE = "outline"
"""A story's choice of no tiles: the offline outlines alone, online or not."""
DEFAULT = ""
"""No choice of the story's own: the deployment's default."""
CHOICES = {
    "OpenStreetMap.Mapnik": "OpenStreetMap (streets)",
    "Esri.WorldGrayCanvas": "Light grey (Esri)",
    "Esri.WorldImagery": "Satellite imagery (Esri)",
    "OpenTopoMap": "Terrain (OpenTopoMap)",
    "Stadia.AlidadeSmoothDark": "Dark (Stadia Maps)",
}
"""The providers an editor may choose, by xyzservices' name. None needs an API key (CartoDB's
light and dark maps do since xyzservices 2026.9, so they are not offered); Stadia Maps serves
its tiles to a site whose domain is registered with it, free for non-commercial use."""
LABELS = {**CHOICES, OUTLINE: "Outline only (offline)"}
"""Every choice a story may have made, as the editor sees it (the default aside, which depends on the deployment)."""
LABEL_ZOOM = 7
"""From this zoom, a map without tiles names its places beside their markers."""
MAP_MAX_ZOOM = 18


@dataclass(frozen=True)
class BaseMap:
    """A tile layer as Leaflet draws it, with the credit its provider asks for."""

    name: str  # xyzservices' name, or "custom" for the deployment's own URL template
    label: str
    url: str  # a Leaflet URL template: {s}, {z}, {x}, {y} (and {r} for retina)
    attribution: str  # HTML, the provider's own (from a package, never from a story)
    credit: str  # the same in plain text, for the tour's credits
    credit_url: str
    max_native_zoom: int
    subdomains: str = "abc"


@lru_cache(maxsize=None)
def provider(name: str) -> BaseMap:
    """One of :data:`CHOICES` as a base map, everything taken from xyzservices."""
    if name not in CHOICES:
        raise ValueError(f"Unknown base map {name!r}; choose from {', '.join(CHOICES)}.")
    tiles = providers.query_name(name)
    link = re.search(r'href="(https?://[^"]+)"', tiles.html_attribution)
    return BaseMap(name=name, label=CHOICES[name], url=tiles.build_url(fill_subdomain=False, scale_factor="{r}"),
                   attribution=tiles.html_attribution, credit=tiles.attribution,
                   credit_url=link.group(1) if link else "",
                   max_native_zoom=min(int(tiles.get("max_zoom") or MAP_MAX_ZOOM), MAP_MAX_ZOOM),
                   subdomains=tiles.get("subdomains", "abc"))


def options() -> dict[str, str]:
    """What the editor picks from: the deployment's default, each provider, the outlines alone."""
    default = base_map(DEFAULT)
    return {DEFAULT: f"Deployment default: {default.label if default else 'outline only'}", **LABELS}


def offline_only() -> bool:
    """Whether the deployment draws every map without tiles (``STORYMAP_TILES=none``), whatever a
    story chose: the editor is told so."""
    return base_map("OpenStreetMap.Mapnik") is None


def base_map(choice: str, setting: str | None = None) -> BaseMap | None:
    """The tiles a story with ``choice`` is drawn on under the deployment's ``setting``
    (``STORYMAP_TILES``, read now when not given); None for the outlines alone."""
    setting = (current_settings().tiles if setting is None else setting).strip()
    if setting.lower() in ("none", "off", "") or choice == OUTLINE:
        return None
    if choice:
        return provider(choice)
    if setting.lower() == "osm":
        return provider("OpenStreetMap.Mapnik")
    host = setting.split("/")[2] if "://" in setting else "the deployment's tile server"
    return BaseMap(name="custom", label=f"its own tiles ({host})", url=setting, attribution="Map tiles",
                   credit=host, credit_url="", max_native_zoom=MAP_MAX_ZOOM)
