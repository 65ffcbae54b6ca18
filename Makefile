# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements

# `make run PORT=8001` serves on another port.
PORT ?= 8000

.PHONY: run test test-fast venv lint format bench messages clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	@echo ""
	@echo "  EMPS is starting on http://127.0.0.1:$(PORT)"
	@echo "  Demo logins (password: demo): educateur, coordination, financeur"
	@echo ""
# The background tasks' worker (imports) runs beside the web server and stops with it.
	$(BIN)/python manage.py db_worker --queue-name default & WORKER=$$!; trap "kill $$WORKER" EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The suite runs on every core (pytest-xdist), each worker on a test database of its own, created afresh.
# PYTEST_WORKERS=0 runs it in one process; PYTEST_ARGS adds options (a folder, -k, -x...).
PYTEST_WORKERS ?= auto

test: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Locally: keep the test databases between runs (SQLite ones in var/). They are not migrated again:
# after a change of migrations, run once with PYTEST_ARGS=--create-db.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --reuse-db $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Regenerate the French catalog from the source (needs GNU gettext: apt-get install gettext), fill it
# (the msgids are French) and compile it; commit locale/ with its .mo files, CI has no gettext.
MAKEMESSAGES_IGNORE := --ignore=tests --ignore=bench --ignore=docs --ignore=staticfiles --ignore=locale

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l fr --no-obsolete $(MAKEMESSAGES_IGNORE)
	$(BIN)/python manage.py fill_messages
	$(BIN)/python manage.py compilemessages -l fr --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache var/test-*.sqlite3
