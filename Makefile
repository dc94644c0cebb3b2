# The two promises: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_ENV := TRYGG_DEBUG=1 TRYGG_MFA_ENFORCED=0
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint format bench venv messages clean security

venv: $(STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements/constraints.txt -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(DEV_ENV) $(BIN)/trygg migrate --noinput -v0
	$(DEV_ENV) $(BIN)/trygg demo --if-empty
	$(DEV_ENV) $(BIN)/trygg runserver $(HOST):$(PORT)

test: $(STAMP) lint
	$(BIN)/pytest -q $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/pytest -q -m "not browser" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench

format: $(STAMP)
	$(BIN)/ruff check --fix src bench
	$(BIN)/ruff format src bench

# bandit over src/ (reviewed exceptions: .bandit.yml, .bandit-baseline.json) and
# pip-audit over the pins (skipped with a message where no advisory source answers).
security: $(STAMP)
	$(BIN)/bandit -r src -c .bandit.yml -b .bandit-baseline.json -q
	@echo "bandit: no findings beyond the reviewed exceptions"
	$(BIN)/python .ci/pip-audit.py

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

messages: $(STAMP)
	cd src/trygg && $(DEV_ENV) ../../$(BIN)/trygg makemessages -l en --no-obsolete
	cd src/trygg && $(DEV_ENV) ../../$(BIN)/trygg compilemessages

clean:
	rm -rf $(VENV) var/static
