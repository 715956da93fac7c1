# Two commands on a fresh machine: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SERVICES_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
SERVICES_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: install run test test-services lint format bench fuzz clients loadtest migrate seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

var:
	mkdir -p var/media

migrate: install var
	DEBUG=1 $(BIN)/python manage.py migrate --no-input

seed: migrate
	DEBUG=1 $(BIN)/python manage.py seed_demo

run: seed
	DEBUG=1 PORT=$(PORT) $(BIN)/honcho start -f Procfile.dev -p $(PORT)

test: install
	$(BIN)/pytest -m "not services"

test-services: install
	DATABASE_URL=$(SERVICES_DATABASE_URL) REDIS_URL=$(SERVICES_REDIS_URL) $(BIN)/pytest --services

# bench and loadtest need wrk (apt-get install wrk); each exits 1 on a missed target.
bench: install
	$(BIN)/python -m bench.run

loadtest: install
	$(BIN)/python -m bench.loadtest

fuzz: install
	$(BIN)/python -m bench.fuzz

# A Python client generated (openapi-python-client) from every served document, then driven.
clients: install
	$(BIN)/python -m bench.clients

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var/db.sqlite3* var/huey.sqlite3* var/media var/static
