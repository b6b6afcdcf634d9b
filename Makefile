# Warta — the two commands a new user needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
WARTA  := $(VENV)/bin/warta
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
PYBABEL := $(VENV)/bin/pybabel
LOCALE := shared/locale
MO     := $(LOCALE)/en/LC_MESSAGES/warta.mo

.PHONY: install run lint test test-all faults bench services debs clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

## install: the virtual environment with Warta and its test extras, and the compiled catalog
install: $(STAMP) $(MO)

# the English catalog compiled for gettext (build output; shared/i18n.py reads the .po without it)
$(MO): $(LOCALE)/en/LC_MESSAGES/warta.po | $(STAMP)
	$(PYBABEL) compile -D warta -d $(LOCALE)

## catalogs: extract the msgids from the code (babel.cfg), add new ones to the English catalog
## (empty: translate them; tests/i18n fails until then), compile it to .mo
.PHONY: catalogs
catalogs: $(STAMP)
	$(PYBABEL) extract -F babel.cfg --no-default-keywords -k _ --sort-output --no-wrap --add-location=file \
	  --project=Warta --version=0.1.0 -o $(LOCALE)/warta.pot shared workers channels kiosk warta
	$(PYBABEL) update -D warta -i $(LOCALE)/warta.pot -d $(LOCALE) --no-wrap --no-fuzzy-matching
	$(PYBABEL) compile -D warta -d $(LOCALE) --statistics

## run: demo data under ./var and the kiosk with in-process workers (embedded broker)
run: install
	$(WARTA) init --demo
	$(WARTA) kiosk --with-workers

## lint: ruff, mypy (shared, workers, channels) and the import contracts (lint-imports)
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

## test: lint, then the whole suite (real RabbitMQ and PostgreSQL where present)
test: install lint debs services
	$(PY) -m pytest -q

## faults: the long fault-injection suite (writes the table in docs/RELIABILITY.md)
faults: install debs services
	$(PY) -m pytest -q -m faults -p no:cacheprovider tests/faults tests/ops/test_cluster.py

## bench: benchmarks; writes bench/results/latest.json and docs/PERFORMANCE.md
bench: install debs services
	$(PY) -m bench

## debs: Debian tools some tests need (installed when missing and we are root)
debs:
	@bash scripts/ensure-debs.sh

## services: start the local RabbitMQ and PostgreSQL when they are installed but down
services:
	@bash scripts/ensure-services.sh

clean:
	rm -rf $(VENV) var .pytest_cache
