# Two commands matter: `make run` and `make test`. Both set everything up from a fresh clone.
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: run test check lint types migrations-check setup system-deps migrate db-stop bench clean messages

$(PY):
	@python=$$(scripts/find-python) && echo "Using $$python" && $$python -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

system-deps:
	@scripts/system-deps

setup: $(INSTALLED) system-deps

migrate: setup
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput

# Serves the API, the admin and a judge worker; Ctrl-C stops both. The embedded database keeps running
# (`make db-stop` stops it).
run: migrate
	DEBUG=$${DEBUG:-true} $(PY) manage.py seed_dev
	@export DEBUG=$${DEBUG:-true}; \
	$(PY) manage.py procrastinate worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: setup
	DEBUG=true $(VENV)/bin/mypy bekrin config $(wildcard judge bench)

migrations-check: setup
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

check: lint types migrations-check test

bench: setup
	@for script in bench/*.py; do echo "== $$script"; DEBUG=true $(PY) $$script || exit 1; done

# Refresh the translation catalogues after changing messages; the compiled .mo files are committed so a machine
# without gettext serves translations too.
messages: setup
	DEBUG=true $(PY) manage.py makemessages -l az -l en --ignore=.venv --ignore=bench --ignore=judge
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv

db-stop:
	@[ -x $(PY) ] && $(PY) -m config.embedded_db stop || true

clean: db-stop
	rm -rf $(VENV) .pgdata var .mypy_cache .ruff_cache .pytest_cache
