# Alumni Commons — the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi
CHROMIUM := /usr/bin/chromium

.PHONY: run test test-e2e lint bench translations compile-translations chromium clean serve setup setup-dev

# The venv is rebuilt when requirements change (stamp files).
$(VENV)/.stamp-runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.stamp-dev: requirements-dev.txt requirements.txt $(VENV)/.stamp-runtime
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.stamp-runtime compile-translations
setup-dev: $(VENV)/.stamp-dev compile-translations

compile-translations: $(VENV)/.stamp-runtime
	$(BIN)/pybabel compile -d app/translations 2>&1 | grep -v "^compiling" || true

## make run: set up, migrate, load demo content into an empty database, serve on 127.0.0.1:$(PORT) with the
## background worker beside it (mail and periodic jobs; its queue is a SQLite file, no Redis needed).
## Mail from the worker links to SITE_URL: the address served here, unless set otherwise.
## DEMO=0 make run: no demo content; an empty site prints the link that creates its first admin and starts
## the first-run setup.
DEMO ?= 1
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask push-keys  # once: the key for push notifications (instance/vapid.pem); kept on later runs
	@if [ "$(DEMO)" != "0" ]; then $(BIN)/flask seed-demo; fi
	$(BIN)/flask setup-link --if-needed
	@echo ""
	@echo "  Alumni Commons is starting: open http://127.0.0.1:$(PORT)/"
	@echo "  Log in with a demo account above (password printed when the demo content was loaded)."
	@echo ""
	$(BIN)/flask worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

## make test: set up and run the whole suite (unit, integration, browser)
test: setup-dev chromium
	$(BIN)/python -m pytest

## Debian's Chromium for the browser tests (never `playwright install`).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; fi; \
	fi

## make lint: ruff, bandit, the import contracts (layers, independent blueprints) and mypy on services + policy
lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/bandit -q -r app -c pyproject.toml
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

## Extract strings and update both catalogues (English is filled from the source strings).
translations: setup-dev
	$(BIN)/pybabel extract -F babel.cfg --ignore-dirs=".* __pycache__" -k _l -k lazy_gettext -k lazy_ngettext:1,2 -o app/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python scripts/fill_english.py app/translations/en/LC_MESSAGES/messages.po
	$(MAKE) compile-translations

## make bench: on SQLite and PostgreSQL, the feed under load (req/s, p50/p99, queries per page), a sign-up
## storm (500 people, 50 seats, 4 workers), `flask send-digests` for 1,000 and 10,000 people, and mail through
## real workers (mails/s with one and two; a 10,000-person announcement), search at 100,000 posts, and the
## organizers' dashboard at 10,000 posts, and the pages of a logged-in member beside a visitor's (CPU per request,
## share of the bare endpoint, p50/p99, statements, page-cache hits) with deep feed pages at 100,000 posts
## (options: make bench BENCH_ARGS="--suite storm --db postgres"; see bench/README.md)
bench: setup-dev
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
