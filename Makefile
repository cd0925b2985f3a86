# Tabled: `make run` to try it, `make test` to prove it. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := static/vendor
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run test test-fast lint fmt typecheck bench clean lock

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# requirements.lock pins every package, with hashes, so a fresh clone installs the
# same bytes; the project itself goes on top without resolving anything again.
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENDOR)/tabled.css: node_modules/.installed static/scss/tabled.scss
	mkdir -p $(VENDOR)
	npx sass --pkg-importer=node --no-source-map --style=compressed --quiet-deps \
		static/scss/tabled.scss $@
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	mkdir -p $(VENDOR)/editor
	cp node_modules/@github/markdown-toolbar-element/dist/index.js $(VENDOR)/editor/markdown-toolbar.js
	cp node_modules/turndown/lib/turndown.browser.es.js $(VENDOR)/editor/turndown.js
	cp node_modules/turndown-plugin-gfm/lib/turndown-plugin-gfm.browser.es.js \
		$(VENDOR)/editor/turndown-plugin-gfm.js
	mkdir -p $(VENDOR)/swagger
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
		$(VENDOR)/swagger/

# GOV.UK Frontend's components (error summary focus, data-module), as the built ES module.
$(VENDOR)/govuk-frontend.min.js: node_modules/.installed
	mkdir -p $(VENDOR)
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $@

install: $(VENV)/.installed $(VENDOR)/tabled.css $(VENDOR)/govuk-frontend.min.js ## set up .venv and front-end assets (idempotent)

run: install ## upgrade the database, load the demo if empty, serve on http://127.0.0.1:8000
	$(BIN)/tabled db upgrade
	$(BIN)/tabled demo --if-empty
	@echo "Serving on http://$(HOST):$(PORT)"
	$(BIN)/tabled serve --host $(HOST) --port $(PORT)

# Unit and HTTP tests on both cores (each test has its own database), then the
# browser tests, which share one server and one Chromium, in one process.
test: install ## the whole suite (browser tests when a chromium is installed; required under CI)
	$(BIN)/pytest -n 2 --dist loadfile tests/unit tests/http
	$(BIN)/pytest tests/browser

test-fast: install ## unit and HTTP tests only
	$(BIN)/pytest -n 2 --dist loadfile tests/unit tests/http

lock: $(BIN)/python ## pin every Python dependency again, with hashes, after changing pyproject.toml
	$(BIN)/pip install --quiet pip-tools==7.6.2
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --extra dev --strip-extras \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

lint: install ## ruff, mypy and the import layers (pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy server
	$(BIN)/lint-imports --no-logo

fmt: install ## format the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install ## benchmarks: publishing time, load on SQLite and PostgreSQL, worst-case inputs (README)
	$(BIN)/python bench/publish.py 60
	$(BIN)/python bench/run.py
	$(BIN)/python bench/worst.py

clean: ## remove the virtualenv, installed assets and local data
	rm -rf $(VENV) node_modules $(VENDOR) var
