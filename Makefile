# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-test lint db demo clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the package metadata changed.
$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e '.[postgres]'
	touch $@

$(VENV)/.installed-test: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Compiled catalogues (.mo) are not in git: build them from the .po files.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard booking/translations/*/LC_MESSAGES/messages.po))

%.mo: %.po
	$(BIN)/pybabel -q compile -i $< -o $@

install: $(VENV)/.installed $(MO_FILES)
install-test: $(VENV)/.installed-test node_modules/.installed $(MO_FILES)

## make translations: extract the Turkish msgids and merge them into the catalogues
translations: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o booking/translations/messages.pot .
	$(BIN)/pybabel -q update -i booking/translations/messages.pot -d booking/translations -w 100

db: install
	$(FLASK) init-db

demo: db
	$(FLASK) seed-demo --year 2024

## make run: set up and serve on http://$(HOST):$(PORT) with SQLite and demo data
# Feed and e-mail links follow the address served, unless BOOKING_BASE_URL says otherwise.
run: demo
	BOOKING_BASE_URL="$${BOOKING_BASE_URL:-http://$(HOST):$(PORT)}" $(FLASK) run --host $(HOST) --port $(PORT)

## make test: install what the tests need and run the whole suite (SQLite and PostgreSQL)
test: install-test
	$(BIN)/python -m compileall -q booking
	$(BIN)/ruff check booking tests bench
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check booking tests bench

clean:
	rm -rf $(VENV) node_modules .pytest_cache
