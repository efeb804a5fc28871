"""Leaflet and the offline background, served by the app itself — never a CDN.

Leaflet comes from the ``xstatic-leaflet`` package. :func:`publish` copies what
the browser needs into the app's static folder (Streamlit serves ``static/``
beside ``app.py`` at ``/app/static/``); :func:`inline` gives the same files'
contents for a self-contained export. Storymap's own scripts and styles travel the
same way: ``map.js`` (the map's layers), ``viewer.js`` (the story viewer) and
``storymap.css``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_cluster

from storymap.basemap import countries_geojson_path
from storymap.media import EXTENSIONS

STATIC_URL = "/app/static/vendor"


def _sources() -> dict[str, Path]:
    leaflet = Path(xs_leaflet.BASE_DIR)
    cluster = Path(xs_cluster.BASE_DIR)
    files = {
        "leaflet/leaflet.js": leaflet / "leaflet.js",
        "leaflet/leaflet.css": leaflet / "leaflet.css",
        "markercluster/leaflet.markercluster.js": cluster / "leaflet.markercluster.js",
        "markercluster/MarkerCluster.css": cluster / "MarkerCluster.css",
        "markercluster/MarkerCluster.Default.css": cluster / "MarkerCluster.Default.css",
        "storymap/countries.geojson": countries_geojson_path(),
        "storymap/storymap.css": Path(__file__).with_name("storymap.css"),
        "storymap/map.js": Path(__file__).with_name("map.js"),
        "storymap/viewer.js": Path(__file__).with_name("viewer.js"),
    }
    for image in (leaflet / "images").glob("*.png"):
        files[f"leaflet/images/{image.name}"] = image
    return files


@dataclass(frozen=True)
class Assets:
    """Where the map's scripts, styles and background come from."""

    js: tuple[tuple[str, str], ...] = ()
    css: tuple[tuple[str, str], ...] = ()
    background_url: str | None = None
    images_url: str | None = None
    # For one self-contained file: the same things, inlined.
    inline_js: tuple[str, ...] = ()
    inline_css: tuple[str, ...] = ()
    background: dict | None = None
    icon_data: dict | None = None  # Leaflet's default marker images as data: URIs


def publish(static_dir: Path, base_url: str = STATIC_URL) -> Assets:
    """Copy the vendor files into ``static_dir/vendor`` (when changed) and point at them."""
    target = Path(static_dir) / "vendor"
    for name, source in _sources().items():
        dest = target / name
        stat = source.stat()
        if not dest.exists() or dest.stat().st_size != stat.st_size or dest.stat().st_mtime < stat.st_mtime:
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_suffix(dest.suffix + ".tmp")
            shutil.copyfile(source, tmp)
            tmp.replace(dest)
    base = base_url.rstrip("/")
    return Assets(
        js=(("leaflet", f"{base}/leaflet/leaflet.js"),
            ("markercluster", f"{base}/markercluster/leaflet.markercluster.js"),
            ("storymap_map", f"{base}/storymap/map.js"),
            ("storymap_viewer", f"{base}/storymap/viewer.js")),
        css=(("leaflet_css", f"{base}/leaflet/leaflet.css"), ("storymap_css", f"{base}/storymap/storymap.css"),
             ("markercluster_css", f"{base}/markercluster/MarkerCluster.css"),
             ("markercluster_default_css", f"{base}/markercluster/MarkerCluster.Default.css")),
        background_url=f"{base}/storymap/countries.geojson",
        images_url=f"{base}/leaflet/images/",
    )


def inline() -> Assets:
    """Every file's content, for one HTML file that works opened from disk with no network."""
    import json

    import base64

    sources = _sources()
    icons = {option: "data:image/png;base64," + base64.b64encode(sources[f"leaflet/images/{name}"].read_bytes()).decode()
             for option, name in (("iconUrl", "marker-icon.png"), ("iconRetinaUrl", "marker-icon-2x.png"),
                                  ("shadowUrl", "marker-shadow.png"))}
    return Assets(
        icon_data=icons,
        inline_js=tuple(sources[n].read_text(encoding="utf-8")
                        for n in ("leaflet/leaflet.js", "markercluster/leaflet.markercluster.js",
                                  "storymap/map.js", "storymap/viewer.js")),
        inline_css=tuple(sources[n].read_text(encoding="utf-8")
                         for n in ("leaflet/leaflet.css", "storymap/storymap.css", "markercluster/MarkerCluster.css",
                                   "markercluster/MarkerCluster.Default.css")),
        background=json.loads(sources["storymap/countries.geojson"].read_text(encoding="utf-8")),
    )


def media_publisher(storage, static_dir: Path, base_url: str = "/app/static/media"):
    """A function turning a place's media address into one the browser can load.

    Uploads (images, video, audio) live in the database (so every app process sees them) and
    are written to ``static_dir/media`` on first use, named by their type so the server sends
    the right one; web addresses pass through.
    """
    folder = Path(static_dir) / "media"

    def publish(ref: str) -> str:
        if not ref.startswith("media:"):
            return ref
        digest = ref.split(":", 1)[1]
        existing = list(folder.glob(f"{digest}.*")) if folder.exists() else []
        if existing:
            return f"{base_url}/{existing[0].name}"
        mime, data = storage.media(digest)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{digest}.{EXTENSIONS[mime]}"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        return f"{base_url}/{path.name}"

    return publish
