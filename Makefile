# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8501
# Test processes: the browser tests mostly wait on the app and Chromium, so more workers than cores
# pay; past 3 on 2 cores, Chromium is starved and the browser tests' waits run out.
WORKERS ?= 3

.PHONY: install run test test-suite test-fast test-wheel bench bench-geoparse train-ranker load chromium clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,postgres]'
	touch $(STAMP)

install: $(STAMP)

## Run the app on the embedded defaults (offline gazetteer, SQLite-free reader).
run: install
	$(PY) -m storymap migrate
	$(VENV)/bin/streamlit run serve.py --server.port $(PORT)

## Debian's Chromium for the browser tests (Playwright drives it; no browser download).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: run 'sudo apt-get install chromium'"; exit 1; fi; }

## All tests: unit, AppTest and browser, and beside them the wheel as a user installs it.
test: install chromium
	@$(MAKE) --no-print-directory -j2 test-suite test-wheel

## The pytest suite alone, in $(WORKERS) processes (pytest-xdist).
test-suite: install chromium
	$(PY) -m pytest -q -n $(WORKERS)

## The wheel, installed into a fresh environment outside the checkout: the CLI's export on an empty
## store, and the app's reader page, run from there (.ci/test_wheel.py says how).
test-wheel: install
	$(PY) .ci/test_wheel.py

## Everything but the browser tests.
test-fast: install
	$(PY) -m pytest -q -n $(WORKERS) -m "not browser"

## Speed and memory figures, printed as a table.
bench: install
	$(PY) benchmarks/run.py

## Many readers at once against the app on loopback (READERS=50 by default).
load: install chromium
	$(PY) benchmarks/load.py --readers $${READERS:-50} --browsers $${BROWSERS:-5}

## Geoparsing accuracy and speed on ../shared/corpora, beside published systems (skips without them).
bench-geoparse: install
	$(PY) -m pip install --quiet geotext
	$(PY) benchmarks/geoparsing.py

## Fit the resolver's weights on TR-News, report them on LGL, write data/gazetteer/ranker.json.
train-ranker: install
	$(PY) benchmarks/train_ranker.py

clean:
	rm -rf $(VENV) static/vendor .pytest_cache
