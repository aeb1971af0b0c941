# Two commands set everything up on a fresh Debian/Ubuntu machine with python3:
#   make run    install into .venv, migrate, load fixtures, collect static files, serve (gunicorn)
#   make test   install what tests need, then lint and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test lint bench audit lock messages clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "newsroom needs Python 3.11 or newer as '$(PYTHON)' (set PYTHON=python3.12 to pick another)."; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
	  echo "The Python venv module is missing. Install it with:  sudo apt-get install python3-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip

# Stamps, so a second `make` installs nothing unless the lock file changed.
$(VENV)/.installed-base: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/base.txt
	@touch $@

$(VENV)/.installed-test: requirements/test.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/test.txt
	@touch $@ $(VENV)/.installed-base

# The browser tests' checkers and `make audit`'s Lighthouse (axe-core, vnu.jar, lighthouse), pinned
# in package-lock.json. Without npm the checks that need them skip (and fail under CI).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: axe/HTML checks will be skipped (sudo apt-get install nodejs npm)"; fi

# A local settings file with its own secret key, made once from the documented example.
.env:
	@sed "s|^DJANGO_SECRET_KEY=.*|DJANGO_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')|" .env.example > .env
	@echo "Wrote .env with a fresh secret key (edit it to configure the site)."

run: $(VENV)/.installed-base .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_initial_content
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py demo_editor
	@echo "Serving on http://127.0.0.1:$(PORT)/"
	exec $(BIN)/gunicorn --config gunicorn.conf.py newsroom.wsgi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint .env node_modules/.installed
	$(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/pytest $(PYTEST_ARGS)

# Load benchmark of the production configuration on 127.0.0.1 (needs wrk; ~4 minutes).
# Options: BENCH_ARGS="--duration 5 --postgres --strict" (scripts/bench.py --help).
bench: $(VENV)/.installed-test .env
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

# Lighthouse (mobile and desktop) on the home and article pages of the production configuration
# on a temporary database; prints the scores (scripts/audit.py). With CI set, under 95 fails.
audit: $(VENV)/.installed-base node_modules/.installed
	$(BIN)/python scripts/audit.py

# Re-pin every dependency (with hashes) after editing pyproject.toml.
lock: $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements/base.txt
	$(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.11 --generate-hashes -o requirements/test.txt

# Rebuild locale/fa/LC_MESSAGES/*.mo (committed) after editing the .po files; needs GNU gettext
# (sudo apt-get install gettext).
messages: $(BIN)/python
	$(BIN)/python manage.py compilemessages --locale fa --ignore '.venv/*' --ignore 'node_modules/*'

clean:
	rm -rf $(VENV) staticfiles .pytest_cache test-artifacts node_modules
