# The two commands: `make run` and `make test`. Both create .venv and install what they need.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint format bench messages screens clean install assets browser fonts

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependencies change.
.stamp-install: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

install: .stamp-install

# Swagger UI for /api/docs comes from npm and is served locally from node_modules.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

assets: node_modules/.package-lock.json

run: install assets fonts
	$(BIN)/lianxin db upgrade
	$(BIN)/lianxin demo load
	$(BIN)/lianxin serve --host $(HOST) --port $(PORT)

# What the platform itself needs from Debian to run: the Chinese font that the PDF documents
# embed (lianxin.documents, WeasyPrint) and the browsers' prints fall back to, and Pango, which
# WeasyPrint lays text out with. Installed when missing (as root; otherwise the command to run).
RUN_PACKAGES := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc:fonts-wqy-microhei /usr/lib/$(shell uname -m)-linux-gnu/libpangoft2-1.0.so.0:libpangoft2-1.0-0

fonts:
	@missing=""; for pair in $(RUN_PACKAGES); do \
	  [ -e "$${pair%%:*}" ] || missing="$$missing $${pair##*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "installing from Debian:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing Debian packages:$$missing (apt-get install -y$$missing; PDF downloads answer 503 without them)"; fi; fi

# What the tests need from Debian besides, installed when missing (as root; otherwise those tests
# skip outside CI and fail under CI=true): Chromium for the browser tests (Playwright never
# downloads a browser), nginx-light for the proxy test, pgbouncer for the pooler test.
DEBIAN_PACKAGES := /usr/bin/chromium:chromium /usr/sbin/nginx:nginx-light /usr/sbin/pgbouncer:pgbouncer

browser: fonts
	@missing=""; for pair in $(DEBIAN_PACKAGES); do \
	  [ -e "$${pair%%:*}" ] || missing="$$missing $${pair##*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "installing from Debian:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing Debian packages:$$missing (apt-get install -y$$missing; their tests will skip)"; fi; fi

# Two workers (this machine has two cores), each with its own databases; whole files go to one
# worker so module-scoped servers start once. PYTEST_WORKERS=0 runs in this one process.
PYTEST_WORKERS ?= 2

test: install assets browser
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=25 --durations-min=3 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check platform worker tests
	$(BIN)/ruff format --check platform worker tests
	$(BIN)/mypy $(wildcard platform/*/stages platform/*/service.py platform/modules/*/stages platform/modules/*/service.py) platform/usecases platform/db
	$(BIN)/codespell platform tests README.md

format: install
	$(BIN)/ruff check --fix platform worker tests
	$(BIN)/ruff format platform worker tests

# The catalogue: every _() / _l() / gettext string of platform/**.py and of the templates
# (babel.cfg), merged into the zh_Hans_CN catalogue without fuzzy matches or obsolete entries, and
# compiled. The source strings are already Chinese, so msgstr stays empty (gettext answers the
# msgid). The .po and the .mo are committed: a production `pip install` runs no make target.
messages: install
	mkdir -p platform/translations
	$(BIN)/pybabel -q extract -F babel.cfg --add-location=file --sort-by-file \
	  --project=lianxin --copyright-holder=lianxin -o platform/translations/messages.pot platform
	$(BIN)/pybabel -q update -i platform/translations/messages.pot -d platform/translations \
	  -l zh_Hans_CN --init-missing --ignore-obsolete --no-fuzzy-matching --ignore-pot-creation-date
	$(BIN)/pybabel compile -d platform/translations --statistics

# The README's screenshots: each demo role's home on a phone, from a throwaway demo instance.
screens: install browser
	$(BIN)/python infra/screens.py

clean:
	rm -rf $(VENV) .stamp-install node_modules instance
