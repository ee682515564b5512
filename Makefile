# Two commands: `make run` and `make test`. Everything else here is what they need.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
SEED := ../shared/seed/000_7aa6fcb4fa6a78e7.txt
VNU_JAR := node_modules/vnu-jar/build/dist/vnu.jar
# root needs no sudo; anyone else is asked for it once.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run serve test install install-dev browser vnu lint format migrate seed seed-fixture bench bench-render bench-search lighthouse check check-deploy clean

run: install migrate seed
	@echo ""
	@echo "  Site:  http://127.0.0.1:$(PORT)/"
	@echo "  Admin: http://127.0.0.1:$(PORT)/admin/"
	@echo "  No admin login yet? In another terminal: $(BIN)/python manage.py createsuperuser"
	@echo ""
	NEWSROOM_SITE_URL=http://127.0.0.1:$(PORT) $(MANAGE) runserver 127.0.0.1:$(PORT)

# Production: gunicorn with gunicorn.conf.py, after collecting the static files. Needs the production
# variables (README, "Deploy"); run `manage.py migrate` once per release, not on every app server.
serve: install
	NEWSROOM_ENV=production $(MANAGE) collectstatic --noinput -v 0
	NEWSROOM_ENV=production $(BIN)/gunicorn

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python >= 3.11 is needed, found " + sys.version)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	$(MANAGE) migrate --noinput

seed: install
	$(MANAGE) seed

# Rebuilds fixtures/seed.json from the seed text file (a test checks the two agree).
seed-fixture: install
	$(BIN)/python fixtures/build_seed.py

# Browser tests drive Debian's Chromium (no browser download is possible or wanted) and the
# HTML checker runs on Java.
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@command -v java >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; }

$(VNU_JAR): package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

vnu: $(VNU_JAR)

test: install-dev browser vnu
	$(BIN)/pytest $(PYTEST_ARGS)

check: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	$(MAKE) --no-print-directory check-deploy

# Django's deployment checklist on the documented production environment (README, "Deploy"), with
# placeholder secrets: any warning fails.
check-deploy: install
	NEWSROOM_ENV=production DJANGO_SECRET_KEY=check-deploy-placeholder-$$(printf '%064d' 0 | tr 0 x) \
	  DJANGO_ALLOWED_HOSTS=news.example.org DATABASE_URL=postgres://newsroom@db.example.org:5432/newsroom \
	  REDIS_URL=redis://redis.example.org:6379/1 $(MANAGE) check --deploy --fail-level WARNING

lint: check

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The site under load (gunicorn + wrk) at 1,000 and 100,000 articles on SQLite and PostgreSQL; writes
# bench/<date>/report.md. Not part of `make test`. `make bench-render` is the quick in-process comparison.
$(VENV)/.installed-bench: $(VENV)/.installed-dev requirements-bench.txt
	$(BIN)/pip install --quiet -r requirements-bench.txt
	touch $@

bench: $(VENV)/.installed-bench
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(BIN)/python benchmarks/serve.py

bench-render: install-dev
	$(BIN)/python benchmarks/run.py

# p50/p95 of 200 searches over ARTICLES generated articles (default 100000); DATABASE_URL picks the database.
bench-search: install-dev
	$(BIN)/python benchmarks/search.py $(if $(ARTICLES),--articles $(ARTICLES))

# Lighthouse (npm devDependency) on the home and an article page, mobile emulation, served as in production
# (gunicorn, whitenoise, Redis db 7) with pictured demo data; writes bench/lighthouse/<date>.md. Not part of `make test`.
LIGHTHOUSE_BIN := node_modules/.bin/lighthouse

$(LIGHTHOUSE_BIN): package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

lighthouse: install browser $(LIGHTHOUSE_BIN)
	@redis-cli -u $${LIGHTHOUSE_REDIS_URL:-redis://127.0.0.1:6379/7} ping >/dev/null || { echo "Redis does not answer (LIGHTHOUSE_REDIS_URL)"; exit 1; }
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(BIN)/python benchmarks/lighthouse.py

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
