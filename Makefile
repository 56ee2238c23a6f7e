# Digitalstadt Darmstadt: set-up, run and test. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.13 or 3.12, chosen explicitly (Debian 12's python3 is 3.11).
PYTHON ?= $(shell for p in python3.13 python3.12; do if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1; then echo $$p; break; fi; done)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
CHROMIUM ?= /usr/bin/chromium
# Links in e-mails and QR codes point here; set SITE_URL yourself when others reach the
# machine under another name (e.g. HOST=0.0.0.0 SITE_URL=http://192.0.2.10:8000).
SITE_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),localhost,$(HOST)):$(PORT)
export DJANGO_SETTINGS_MODULE ?= digitalstadt.settings.dev

.PHONY: help setup setup-dev run dev test check-python chromium assets migrate messages clean-venv

help:
	@echo "make run    – set up everything and start the platform with Darmstadt demo data"
	@echo "make test   – set up everything and run the whole test suite (browser tests included)"
	@echo "make dev    – like make run, but with Django's debug pages and autoreload (for developers)"

check-python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Python 3.13 or 3.12 is required (python3.13 or python3.12 on PATH)."; \
	  echo "Debian/Ubuntu: sudo apt-get install python3.13 python3.13-venv  (or use pyenv)"; exit 1; fi

$(PY): | check-python
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js) is required: sudo apt-get install nodejs npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed $(VENV)/.installed
	$(PY) scripts/copy_assets.py

migrate: $(VENV)/.installed
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py createcachetable
	$(PY) manage.py ensure_dev_seal -v 0

setup: $(VENV)/.installed assets migrate

setup-dev: $(VENV)/.installed-dev assets
	@mkdir -p var

# The product as it is served (gunicorn, DEBUG off, settings.run); `make dev` for
# developers (runserver with autoreload and Django's debug pages, settings.dev).
run: setup
	DJANGO_SETTINGS_MODULE=digitalstadt.settings.run SITE_URL=$(SITE_URL) $(PY) manage.py seed_demo
	@DJANGO_SETTINGS_MODULE=digitalstadt.settings.run SITE_URL=$(SITE_URL) $(PY) manage.py demo_info --url "$(SITE_URL)/"
	DJANGO_SETTINGS_MODULE=digitalstadt.settings.run SITE_URL=$(SITE_URL) DS_HOST=$(HOST) DS_PORT=$(PORT) \
	  $(VENV)/bin/honcho start -f Procfile

dev: setup
	$(PY) manage.py seed_demo
	@$(PY) manage.py demo_info --url "$(SITE_URL)/"
	SITE_URL=$(SITE_URL) DS_HOST=$(HOST) DS_PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile.dev

chromium:
	@if [ ! -x "$(CHROMIUM)" ] || ! command -v pdftotext >/dev/null; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	  else echo "Chromium and poppler-utils are missing for the browser tests: sudo apt-get update && sudo apt-get install -y chromium poppler-utils"; exit 1; fi; fi

# Parallel test processes (pytest-xdist; each has its own test database, live server
# and browser). `TEST_WORKERS=0 make test` runs in one process.
TEST_WORKERS ?= auto

test: setup-dev chromium
	$(VENV)/bin/ruff check --select F,E9 src e2e bench
	cd src && PYTHONPATH=. ../$(VENV)/bin/lint-imports --config ../pyproject.toml --no-logo
	DJANGO_SETTINGS_MODULE=digitalstadt.settings.test $(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal \
	  --durations=25 $(PYTEST_ARGS)

messages: $(VENV)/.installed
	cd src/digitalstadt && ../../$(PY) ../../manage.py makemessages -l en --no-obsolete --ignore 'static/*' --ignore 'testing/*' --ignore 'appointments/*'
	cd src/digitalstadt/appointments && ../../../$(PY) ../../../manage.py makemessages -l en --no-obsolete
	cd src/digitalstadt && ../../$(PY) ../../manage.py compilemessages -l en

clean-venv:
	rm -rf $(VENV) node_modules
