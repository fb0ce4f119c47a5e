# Two commands matter: `make run` and `make test`. Both set everything up from a fresh clone.
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: assets run serve test test-fast fuzz check lint types migrations-check setup system-deps migrate db-stop test-db-stop bench clean messages backup restore

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

# A compressed dump of the database into BACKUP_DIR (var/backups), keeping the newest BACKUP_KEEP (14).
backup: setup
	DEBUG=$${DEBUG:-true} $(PY) manage.py backup

# Restores FILE into the configured database, which must be empty (a new `createdb`, then DATABASE_URL=...).
restore: setup
	@[ -n "$(FILE)" ] || { echo "usage: make restore FILE=var/backups/bekrin-<time>.dump"; exit 2; }
	DEBUG=$${DEBUG:-true} $(PY) manage.py restore "$(FILE)"

# The judge worker `run` and `serve` start beside the web server (more can run anywhere with the same database).
# In a session of its own, so Ctrl-C reaches only the web server and the worker gets exactly one SIGTERM (from
# the trap): a second signal would kill it mid-submission instead of letting it finish.
WORKER := setsid $(PY) manage.py procrastinate worker
# The secret key of `make serve` on this machine: made once, kept out of the repo (var/ is ignored).
SECRET_KEY_FILE := var/secret-key

# Serves the API, the admin and a judge worker with the development server (reloads on code changes); Ctrl-C
# stops both. The embedded database keeps running (`make db-stop` stops it).
run: migrate
	DEBUG=$${DEBUG:-true} $(PY) manage.py seed_dev
	@export DEBUG=$${DEBUG:-true}; \
	$(WORKER) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

$(SECRET_KEY_FILE): | $(PY)
	@mkdir -p $(dir $@) && umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(64))' > $@

# Production mode on this machine: gunicorn (config/gunicorn.py) and a judge worker, DEBUG off, static files
# collected for WhiteNoise. Plain HTTP on 127.0.0.1, so no HTTPS redirect unless SECURE_SSL_REDIRECT says so; put
# a TLS proxy in front for real use (README, Deployment). No seed data: that is `make run`'s.
serve: setup $(SECRET_KEY_FILE)
	@export DEBUG=false SECRET_KEY="$${SECRET_KEY:-$$(cat $(SECRET_KEY_FILE))}" \
		ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-false} \
		PORT=$(PORT); \
	$(PY) manage.py migrate --noinput && $(PY) manage.py collectstatic --noinput -v 0 || exit 1; \
	$(WORKER) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(VENV)/bin/gunicorn -c config/gunicorn.py config.wsgi

# The tests start their own embedded server on .pgdata-test (config/testenv.py), so they pass while `make run`
# serves from .pgdata; `make test-db-stop` stops it.
test: setup
	$(PY) -m pytest

# Everything but the tests that run programs in the judge's sandbox, start a judge worker, start a server or a
# command in a process of its own, or drive a browser (the markers of pyproject.toml): a quick loop while working.
# `make test` runs all.
test-fast: setup
	$(PY) -m pytest -m "not sandbox and not worker and not server and not browser"

# A long fuzz of the whole API from its schema (bekrin/core/tests/test_fuzz.py; `make test` runs a short one).
fuzz: setup
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-300} $(PY) -m pytest bekrin/core/tests/test_fuzz.py

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: setup
	DEBUG=true $(VENV)/bin/mypy bekrin config $(wildcard judge bench)

migrations-check: setup
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

check: lint types migrations-check test

# Every benchmark, even after one misses or crashes; each figure beside its target, then the misses (bench/_run.py).
bench: setup
	DEBUG=true $(PY) bench/_run.py

# Rebuilds the web app's JavaScript and CSS (bekrin/web/static/web/, committed, so a clone needs no Node) from the
# exact npm versions of assets/package.json; assets/.npmrc keeps npm from writing a lock file.
assets:
	cd assets && npm install --no-save --ignore-scripts && npm run build

# Refresh the translation catalogues after changing messages; the compiled .mo files are committed so a machine
# without gettext serves translations too.
messages: setup
	DEBUG=true $(PY) manage.py makemessages -l az -l en --ignore=.venv --ignore=bench --ignore=judge --ignore=var
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv

db-stop:
	@[ -x $(PY) ] && $(PY) -m config.embedded_db stop || true

test-db-stop:
	@[ -x $(PY) ] && BEKRIN_PGDATA=$(CURDIR)/.pgdata-test $(PY) -m config.embedded_db stop || true

clean: db-stop test-db-stop
	rm -rf $(VENV) .pgdata .pgdata-test var .mypy_cache .ruff_cache .pytest_cache
