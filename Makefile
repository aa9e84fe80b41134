# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# `make run` and friends sign sessions with a random key made once for this
# checkout and kept in instance/ (not in git); the app refuses the published one.
DEV_KEY := instance/dev-secret-key
FLASK  := BOOKING_SECRET_KEY_FILE="$${BOOKING_SECRET_KEY_FILE:-$(CURDIR)/$(DEV_KEY)}" $(BIN)/flask --app wsgi
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-fast test-dates fuzz screenshots install install-test lint db demo clean translations upgrade-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the package metadata or the pinned versions changed.
# Every install is bounded by constraints.txt: the exact versions CI tests.
PIP_INSTALL := $(BIN)/pip install --quiet --constraint constraints.txt

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml constraints.txt
	$(PIP_INSTALL) -e '.[postgres]'
	touch $@

$(VENV)/.installed-test: $(BIN)/python setup.cfg pyproject.toml constraints.txt
	$(PIP_INSTALL) -e '.[test]'
	touch $(VENV)/.installed $@

## make upgrade-deps: resolve the newest versions setup.cfg allows, in a fresh
## environment, and write them to constraints.txt (then run `make test`)
upgrade-deps:
	rm -rf .venv-upgrade
	$(PYTHON) -m venv .venv-upgrade
	.venv-upgrade/bin/pip install --quiet --upgrade pip
	.venv-upgrade/bin/pip install --quiet -e '.[test,postgres,redis]'
	{ echo "# The exact versions CI installs and tests (make upgrade-deps writes this file)."; \
	  .venv-upgrade/bin/pip freeze --exclude-editable | grep -iv '^booking[= ]'; } > constraints.txt
	rm -rf .venv-upgrade

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

$(DEV_KEY): | $(BIN)/python
	@mkdir -p $(@D)
	@umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > $@.tmp && mv $@.tmp $@
	@echo "made a development SECRET_KEY in $@"

db: install $(DEV_KEY)
	$(FLASK) init-db

demo: db
	$(FLASK) seed-demo --year 2024

## make run: set up and serve on http://$(HOST):$(PORT) with SQLite and demo data;
## every e-mail is kept in instance/mail/ and shown to admins at /dev/mail
# Feed and e-mail links follow the address served, unless BOOKING_BASE_URL says otherwise.
# The embedded scheduler sends due mail; the "instance" mail backend sends nothing
# but writes each message to the development mailbox (BOOKING_MAIL_BACKEND=smtp to send).
run: demo
	BOOKING_BASE_URL="$${BOOKING_BASE_URL:-http://$(HOST):$(PORT)}" \
	BOOKING_MAIL_BACKEND="$${BOOKING_MAIL_BACKEND:-instance}" \
	BOOKING_SCHEDULER_EMBEDDED="$${BOOKING_SCHEDULER_EMBEDDED:-1}" \
	$(FLASK) run --host $(HOST) --port $(PORT)

PYTEST := $(BIN)/pytest -n 2 --dist worksteal --durations=15

## make test: install what the tests need and run the whole suite (SQLite and PostgreSQL);
## with CI=true also make test-dates, so a date bug fails CI the day it is written
test: install-test lint
	$(PYTEST) $(PYTEST_ARGS)
ifeq ($(CI),true)
	$(MAKE) --no-print-directory test-dates
endif

## make test-fast: the quick loop, SQLite only, no browser and nothing marked slow
test-fast: install-test
	$(PYTEST) --db sqlite -m "not browser and not slow" $(PYTEST_ARGS)

## make test-dates: the quick loop again on days that catch date bugs
## (a month's first day, the end of February, New Year's Eve late at night)
TEST_DAYS ?= 2027-01-01 2027-02-28 2027-12-31T23:15
test-dates: install-test
	@for day in $(TEST_DAYS); do \
	  echo "== on $$day"; \
	  BOOKING_TEST_TODAY=$$day $(PYTEST) --db sqlite -m "not browser and not slow" -q $(PYTEST_ARGS) || exit 1; \
	done

## make screenshots: the browser tests, refreshing the pictures in docs/screenshots
screenshots: install-test
	BOOKING_SCREENSHOTS=1 $(BIN)/pytest -m browser -q $(PYTEST_ARGS)

## make fuzz: the OpenAPI contract with many more generated examples than CI runs
fuzz: install-test
	BOOKING_FUZZ_EXAMPLES=$${BOOKING_FUZZ_EXAMPLES:-500} $(BIN)/pytest -n 2 tests/api/test_openapi_contract.py $(PYTEST_ARGS)

lint: install-test
	$(BIN)/python -m compileall -q booking
	$(BIN)/ruff check booking tests bench
	$(BIN)/mypy
	$(BIN)/python tools/check_sizes.py booking

clean:
	rm -rf $(VENV) .venv-upgrade node_modules .pytest_cache
