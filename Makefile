# Two commands for users: `make demo` and `make test`. Each creates .venv if it is
# missing and installs the project with the exact versions pinned in constraints.txt.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint install clean examples-table

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[torch,dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/jaxnn run toy_classifier --framework both --dtype float64 --out build/demo

test: $(STAMP)
	# One worker per core (at most 4: each worker loads JAX and torch).
	$(BIN)/python -m pytest parity_tests -n auto --maxprocesses 4

# Runs every worked example in both frameworks and regenerates docs/examples.md from the run.
examples-table: $(STAMP)
	$(BIN)/python -m pytest parity_tests/test_examples.py -n auto --maxprocesses 4 -k twins
	$(BIN)/python -m examples.table

lint: $(STAMP)
	$(BIN)/ruff check jaxnn torch_ref parity_tests examples scripts
	$(BIN)/ruff format --check jaxnn torch_ref parity_tests examples scripts

clean:
	rm -rf $(VENV) build
