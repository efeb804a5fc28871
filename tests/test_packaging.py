"""The package as pip installs it: every file the core reads is in the wheel, every import is declared.

``make test-wheel`` goes further: it installs the wheel into a fresh environment outside the
checkout and runs the command line and the app from there.
"""

import ast
import re
import subprocess
import sys
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parent.parent


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    """Distributions pyproject.toml asks for, extras included (spaCy is optional, in `ner`)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return {_normal(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", r).group()) for r in requirements}


def imported() -> dict[str, set[str]]:
    """Every top-level module the core imports that is neither the standard library nor storymap: module -> files."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "storymap").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "storymap":
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_import_of_the_core_is_declared():
    owners = packages_distributions()
    wanted = declared()
    undeclared = {module: sorted(files) for module, files in imported().items()
                  if not {_normal(d) for d in owners.get(module, [module])} & wanted}
    assert not undeclared, f"imported by the core but not in pyproject.toml's dependencies: {undeclared}"


def test_the_checks_see_the_core_imports():
    assert {"PIL", "jinja2", "branca", "folium", "sqlalchemy"} <= set(imported())
    assert {"pillow", "jinja2", "branca", "jsonschema"} <= declared()


def tracked(folder: str) -> list[str]:
    listed = subprocess.run(["git", "ls-files", folder], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    return [line for line in listed.stdout.splitlines() if not line.endswith(".pyc")]


@pytest.mark.wheel
def test_the_wheel_carries_every_file_the_core_reads(tmp_path):
    pytest.importorskip("build")
    done = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (wheel,) = tmp_path.glob("storymap-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("storymap/viewer.js", "storymap/storymap.css", "storymap/paths.py",
                   "storymap/migrations/env.py", "storymap/migrations/script.py.mako",
                   "storymap/migrations/versions/0001_initial.py",
                   "storymap/data/gazetteer/curated.json", "storymap/data/gazetteer/language.json",
                   "storymap/data/gazetteer/ranker.json", "storymap/data/stories/pakistan-copper.md"):
        assert needed in names, f"{needed} is not in {wheel.name}"
    # Everything the repository keeps in the core and its data, not only the files named above.
    missing = [f for f in tracked("storymap") if f not in names]
    missing += [f for f in tracked("data") if "storymap/" + f not in names]
    assert not missing, f"not in {wheel.name}: {missing}"
    # Nothing of the app, the tests or the benchmarks: the wheel is the core.
    assert not [n for n in names if n.split("/")[0] in ("pages", "tests", "benchmarks", "data", "app.py")]
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    requires = {_normal(re.match(r"Requires-Dist: ([A-Za-z0-9._-]+)", line).group(1))
                for line in zipfile.ZipFile(wheel).read(metadata).decode().splitlines()
                if line.startswith("Requires-Dist:")}
    assert {"pillow", "jinja2", "branca", "jsonschema", "streamlit", "folium"} <= requires
