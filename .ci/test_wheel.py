"""`make test-wheel`: Storymap as someone who installs it gets it, on a fresh machine.

Builds the sdist and the wheel from it (``python -m build``), installs the wheel (not editable) into
a new virtual environment in a temporary folder outside the checkout, then, from another folder
outside the checkout, with an empty store and empty cache and data directories:

1. ``storymap export pakistan-copper --format html`` must write the sample story: the package's
   own story library seeds the empty store, and the gazetteer is built from the wheel's data;
2. ``storymap`` must be imported from that environment's site-packages, its data beside it;
3. the app (app.py, serve.py, pages/ and .streamlit/ copied beside nothing else) must show the
   sample story on its reader page (Streamlit's AppTest), and ``streamlit run serve.py`` must answer.

Run it with the project's environment (``.venv/bin/python .ci/test_wheel.py``); it needs ``build``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_FILES = ("app.py", "serve.py", "pages", ".streamlit")

APP_SMOKE = r"""
import json, re, sys, sysconfig
from pathlib import Path
from streamlit.testing.v1 import AppTest
import storymap

at = AppTest.from_file("app.py", default_timeout=300).run()
assert not at.exception, [e.message for e in at.exception]
frame = at.get("iframe")[0].proto
assert frame.alt.startswith("Story map: Copper under the frontier"), frame.alt
data = json.loads(re.search(r"storymapViewer\(map_\w+, (\{.*?\})\);\n", frame.srcdoc).group(1))
names = {p["name"] for p in data["places"]}
assert {"Wana", "Muhammad Khel copper mine", "Islamabad"} <= names, names
# The page used the installed package, whose assets it published beside app.py.
assert Path(storymap.__file__).is_relative_to(sysconfig.get_paths()["purelib"]), storymap.__file__
assert Path("static/vendor/storymap/viewer.js").is_file()
print(f"the reader page shows “{data['title']}” with {len(names)} places")
"""


_STARTED = time.monotonic()


def step(text: str) -> None:
    print(f"test-wheel [{time.monotonic() - _STARTED:4.0f} s] {text}", flush=True)


def run(command, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        sys.exit(f"test-wheel: FAILED: {' '.join(map(str, command))}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return done


def check(condition: bool, message: str) -> None:
    if not condition:
        sys.exit(f"test-wheel: FAILED: {message}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_machine_env(tmp: Path, database: str) -> dict[str, str]:
    """This environment less anything that points at the checkout, the developer's store or caches."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("STORYMAP_", "XDG_", "PYTHON", "VIRTUAL_ENV", "STREAMLIT_"))}
    home = tmp / "home"
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        (home / name.lower()).mkdir(parents=True, exist_ok=True)
        env[name] = str(home / name.lower())
    env.update(HOME=str(home), STORYMAP_DATABASE_URL=f"sqlite:///{tmp / database}", STORYMAP_TILES="none",
               PATH=f"{tmp / 'venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    return env


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="storymap-wheel-") as name:
        tmp = Path(name)
        check(not tmp.resolve().is_relative_to(ROOT), f"{tmp} is inside the checkout")

        step("building the sdist, and the wheel from it")
        run([sys.executable, "-m", "build", "--outdir", tmp / "dist", ROOT])
        (wheel,) = (tmp / "dist").glob("storymap-*.whl")
        step(f"{wheel.name}: {wheel.stat().st_size / 1024:.0f} KB")

        step("installing it into a fresh virtual environment")
        run([sys.executable, "-m", "venv", tmp / "venv"])
        python = tmp / "venv" / "bin" / "python"
        run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel])
        purelib = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
                       .stdout.strip())

        elsewhere = tmp / "elsewhere"
        elsewhere.mkdir()
        env = fresh_machine_env(tmp, "cli.sqlite3")

        step("storymap export pakistan-copper, from an empty store")
        out = elsewhere / "story.html"
        done = run([tmp / "venv" / "bin" / "storymap", "export", "pakistan-copper", "--format", "html",
                    "--out", out], cwd=elsewhere, env=env)
        page = out.read_text(encoding="utf-8") if out.exists() else ""
        check("Copper under the frontier" in page and "storymapViewer(" in page and "Wana" in page,
              f"the exported page lacks the story: {done.stderr}")
        step(f"  {done.stderr.strip()}")

        where = run([python, "-c", "import storymap, storymap.paths; print(storymap.__file__); "
                                   "print(storymap.paths.data_dir())"], cwd=elsewhere, env=env).stdout.split("\n")
        for path in map(Path, where[:2]):
            check(path.is_relative_to(purelib) and not path.is_relative_to(ROOT),
                  f"{path} is not in the fresh environment's site-packages {purelib}")
        step(f"  storymap from {where[0]}")

        step("the app, from the installed package (AppTest on the reader page)")
        app = tmp / "app"
        app.mkdir()
        for item in APP_FILES:
            source = ROOT / item
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, app / item)
        shutil.rmtree(app / "pages" / "__pycache__", ignore_errors=True)
        env = fresh_machine_env(tmp, "app.sqlite3")  # a second empty store: the app seeds it itself
        done = run([python, "-c", APP_SMOKE], cwd=app, env=env)
        step("  " + done.stdout.strip().splitlines()[-1])

        step("streamlit run serve.py")
        port = free_port()
        server = subprocess.Popen([python, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
                                   "--server.address", "127.0.0.1", "--server.headless", "true"],
                                  cwd=app, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            shell = None
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                    request = urllib.request.Request(f"http://127.0.0.1:{port}/present",
                                                     headers={"Accept": "text/html"})
                    shell = urllib.request.urlopen(request, timeout=5).read().decode()
                    break
                except OSError:
                    time.sleep(0.3)
        finally:
            server.terminate()
            try:
                log = server.communicate(timeout=10)[0].decode(errors="replace")
            except subprocess.TimeoutExpired:
                server.kill()
                log = server.communicate()[0].decode(errors="replace")
        check(shell is not None and "BACKEND_BASE_URL" in shell, f"serve.py did not answer:\n{log[-3000:]}")
        step("  it answers, with serve.py's base address in the page")
    step("passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
