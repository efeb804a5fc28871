"""Where Storymap's data files are: one answer for a checkout, an editable install and a wheel.

The repository keeps its data at the top level (``data/``: the curated gazetteer, the word
lists, the ranker's weights, the sample story). ``pyproject.toml`` ships that folder inside the
wheel as ``storymap/data`` (setuptools ``package-dir``: ``storymap.data = "data"``), so an
installed package carries everything it reads; a checkout and an editable install
(``pip install -e .``, what ``make`` does) read ``data/`` where it is.
"""

from __future__ import annotations

from pathlib import Path

from storymap.settings import current

_PACKAGE = Path(__file__).resolve().parent
_MARKER = Path("gazetteer") / "curated.json"


def data_dir() -> Path:
    """``STORYMAP_DATA``, else the wheel's ``storymap/data``, else the checkout's ``data/``."""
    override = current().data
    if override:
        return Path(override)
    for candidate in (_PACKAGE / "data", _PACKAGE.parent / "data"):
        if (candidate / _MARKER).is_file():
            return candidate
    raise FileNotFoundError(f"Storymap's data files are missing: neither {_PACKAGE / 'data'} nor "
                            f"{_PACKAGE.parent / 'data'} holds {_MARKER}. Reinstall the package, "
                            "or set STORYMAP_DATA to a copy of the repository's data/ folder.")
