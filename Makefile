# Warta — the two commands a new user needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
WARTA  := $(VENV)/bin/warta
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: install run test test-all faults bench services debs clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

## install: the virtual environment with Warta and its test extras
install: $(STAMP)

## run: demo data under ./var and the kiosk with in-process workers (embedded broker)
run: install
	$(WARTA) init --demo
	$(WARTA) kiosk --with-workers

## test: the whole suite (real RabbitMQ and PostgreSQL where present)
test: install debs services
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
