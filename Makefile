# obsgen — see README.md. Two commands on a fresh machine: `make generate` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.obsgen-installed
TOOLS := promtool amtool prometheus-blackbox-exporter
DEBS := prometheus prometheus-alertmanager prometheus-blackbox-exporter

.PHONY: venv generate check lint test e2e bench preview tools schema reference typecheck clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

venv: $(STAMP)

## Compile specs/ into generated/.
generate: $(STAMP)
	$(BIN)/obsgen generate --specs specs --out generated

## Fail with a diff when generated/ does not match specs/.
check: $(STAMP)
	$(BIN)/obsgen check --specs specs --out generated

## Run the real tools over generated/.
lint: $(STAMP) tools
	$(BIN)/obsgen check --specs specs --out generated
	$(BIN)/obsgen lint --specs specs --out generated

## Everything: unit, golden, error, property and real-tool tests.
test: $(STAMP) tools
	$(BIN)/python -m pytest

## Real Prometheus + Alertmanager + blackbox_exporter deliver tests/e2e/specs' alerts to local
## receivers; prints the delivery table (also part of `make test`).
e2e: $(STAMP) tools
	$(BIN)/python -m pytest -q -s -p no:cacheprovider tests/test_e2e.py

## Figures: compile a synthetic fleet, time validation of specs/.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

## Draw a generated dashboard with live data to a PNG: make preview DASHBOARD=obsgen-edge
DASHBOARD ?= obsgen-edge
preview: $(STAMP) tools
	$(BIN)/python -m obsgen.dev.preview $(DASHBOARD) --specs specs --out generated

## Type-check and lint the code.
typecheck: $(STAMP)
	$(BIN)/python -m mypy
	$(BIN)/python -m ruff check obsgen tests benchmarks

## Install promtool, amtool and blackbox_exporter from Debian when root and missing.
tools:
	@missing=""; for t in $(TOOLS); do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	if [ -z "$$missing" ]; then echo "tools: $(TOOLS) present"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "tools: installing$$missing from Debian ($(DEBS))"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEBS) >/dev/null; \
	else \
	  echo "tools: missing$$missing — install them with: sudo apt-get install --no-install-recommends $(DEBS)"; \
	fi

## Regenerate docs/reference.md (the spec reference) from the models.
reference: $(STAMP)
	$(BIN)/python -m obsgen.dev.reference --write docs/reference.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
