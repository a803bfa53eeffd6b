# Two commands for a newcomer: `make demo` and `make test`. Both set up what they need first.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.geomap-installed
OUT    ?= out

.PHONY: demo test lint bench sysdeps clean index

# The virtual environment, the package (editable, with its test extra) and the gazetteer index.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "geomap needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m geomap.geocode.index
	@touch $@

index: $(STAMP)
	$(PY) -m geomap.geocode.index --force

demo: $(STAMP)
	@mkdir -p $(OUT)
	$(VENV)/bin/geomap render examples/kursk/events.yaml -o $(OUT)/kursk.html
	$(VENV)/bin/geomap export examples/kursk/events.yaml -o $(OUT)/kursk.gpkg
	$(VENV)/bin/geomap export examples/kursk/events.yaml -o $(OUT)/kursk.geojson
	@echo "Open $(OUT)/kursk.html in a browser; drag $(OUT)/kursk.gpkg into QGIS."

# System packages the tests drive for real: Debian's chromium (headless browser tests) and QGIS
# (python3-qgis, qgis-providers: the GeoPackage opened in real QGIS, tests/test_qgis.py).
sysdeps:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing chromium with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	else echo "warning: chromium is missing and cannot be installed here (not root); browser tests will skip" >&2; fi
	@if /usr/bin/python3 -c 'import qgis.core' >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing python3-qgis qgis-providers with apt-get (about 410 MB)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-qgis qgis-providers >/dev/null; \
	else echo "warning: QGIS (python3-qgis) is missing and cannot be installed here (not root); QGIS tests will skip" >&2; fi

test: $(STAMP) sysdeps
	@$(PY) -m pytest -q; rc=$$?; \
	if [ $$rc = 5 ]; then echo "make test: pytest collected no tests: that is a failure" >&2; fi; \
	exit $$rc

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(OUT) .pytest_cache build *.egg-info
