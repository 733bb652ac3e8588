# Workshop Portal: one command to run, one to test.
#   make run    set up, migrate, compile translations, load the demo, start worker + server
#   make test   set up (+ browser deps), pytest on SQLite then PostgreSQL, ruff, migrations check
# Setup is idempotent and quick when already done: Debian packages are checked with
# dpkg before apt-get, pip runs only when requirements.txt (the lock) changed.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python

# Extra pytest arguments, e.g. make test PYTEST_ARGS="-k autosave -x"
PYTEST_ARGS ?=
# pytest-xdist workers (2 cores here); empty or 0 runs in one process.
PYTEST_N ?= 2
# Languages for `make messages`.
LANGUAGES ?= fr vi th

# Debian packages: WeasyPrint (Pango; harfbuzz-subset makes PDFs ~5x faster), gettext
# for the .po/.mo files, ICU's headers and pkg-config to build PyICU; the tests also
# drive Debian's Chromium (never `playwright install`), read rendered PDFs with
# poppler-utils and decode QR codes with zbarimg (zbar-tools); the PostgreSQL run uses
# Redis (redis-server) as production does; Node's npm checks the committed front-end
# bundle against its lock (scripts/build-frontend --check).
RUN_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext libicu-dev pkg-config
TEST_DEBS := chromium poppler-utils zbar-tools libreoffice-calc-nogui redis-server nodejs npm  # soffice: the exports open in LibreOffice (tests/summaries/organisers/test_answer_exports.py)

I18N_IGNORE := --ignore=.venv --ignore=node_modules --ignore=frontend --ignore=static --ignore=staticfiles --ignore=var

.PHONY: help setup setup-test run test lint messages clean distclean

help:
	@echo "make run        set up, migrate, compilemessages, load_demo, db_worker + runserver 127.0.0.1:8000"
	@echo "make test       set up, pytest on SQLite and PostgreSQL, ruff, makemigrations --check"
	@echo "                (PYTEST_ARGS=\"-k foo\" for extra pytest args, PYTEST_N=$(PYTEST_N) xdist workers)"
	@echo "make lint       ruff check ."
	@echo "make messages   makemessages -l $(LANGUAGES) for the project"
	@echo "make setup      system packages (when root on Debian) and $(VENV) from requirements.txt"
	@echo "make clean      caches and build output; make distclean also removes $(VENV)"

setup:
	@bash scripts/ensure-system-packages $(RUN_DEBS)
	@bash scripts/ensure-venv

setup-test:
	@bash scripts/ensure-system-packages $(RUN_DEBS) $(TEST_DEBS)
	@bash scripts/ensure-venv

run: setup
	@bash scripts/run-dev

test: setup-test
	@PYTEST_N='$(PYTEST_N)' bash scripts/test-all $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

messages: setup
	DJANGO_DEBUG=1 DATABASE_URL=sqlite://:memory: $(PY) manage.py makemessages $(foreach l,$(LANGUAGES),-l $(l)) $(I18N_IGNORE)

clean:
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache staticfiles test-results

distclean: clean
	rm -rf $(VENV)
