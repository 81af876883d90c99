# Two commands for users: `make demo` and `make test`. Each creates .venv if it is
# missing and installs the project with the exact versions pinned in constraints.txt.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint install clean examples-table report results

# --no-compile: pip would byte-compile every module of every package (torch's thousands of
# files, one by one) where a run imports a few hundred of them; Python compiles and caches
# those on first import instead (measured: install 325 s with, 144 s without).
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-compile -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/jaxnn run mnist_two_hidden --framework both --dtype float64 --out build/demo

# The workers, and the processes tests start (lessons, command runs, crash points), share
# compiled XLA programs through a persistent cache (keyed by the program, the jax version and
# the flags, so a stale entry is never used) and each module's bytecode (gitignored), which an
# environment with PYTHONDONTWRITEBYTECODE set would otherwise recompile in every process.
XLA_CACHE := $(CURDIR)/build/xla-cache
TEST_ENV := env -u PYTHONDONTWRITEBYTECODE JAX_COMPILATION_CACHE_DIR=$(XLA_CACHE) \
	JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS=0 JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES=0

test: $(STAMP)
	# One worker per core (at most 4: each worker loads JAX and torch).
	$(TEST_ENV) $(BIN)/python -m pytest parity_tests -n auto --maxprocesses 4

# Runs every worked example in both frameworks and regenerates docs/examples.md from the run.
examples-table: $(STAMP)
	rm -rf build/examples-records
	$(BIN)/python -m pytest parity_tests/examples/test_examples.py -n auto --maxprocesses 4 -k twins \
		--parity-records build/examples-records
	$(BIN)/python -m twinlab.reports.examples_doc build/examples-records/examples

# Runs the parity suite, writes the HTML report (build/report.html) and a screenshot of it.
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser)
report: $(STAMP)
	@test -n "$(CHROMIUM)" || { echo "make report: chromium not found (Debian: apt-get install chromium)"; exit 1; }
	@# The screenshot is taken even when tests fail; make then fails with pytest's status.
	@# Headless Chromium's complaints about the missing desktop bus go to build/chromium.log.
	@rm -f build/report.html build/report.png
	$(BIN)/jaxnn parity --html build/report.html; status=$$?; \
	test -f build/report.html && $(CHROMIUM) --headless --no-sandbox --disable-gpu \
		--hide-scrollbars --window-size=1400,3000 --screenshot=build/report.png \
		file://$(CURDIR)/build/report.html 2>build/chromium.log; exit $$status

# Runs every training example at the seed's settings, both frameworks and precisions, and
# regenerates docs/results.md and the README's results table from the run.
results: $(STAMP)
	$(BIN)/python -m twinlab.reports.results_doc

lint: $(STAMP)
	$(BIN)/ruff check twincore jaxnn torch_ref examples twinlab parity_tests scripts
	$(BIN)/ruff format --check twincore jaxnn torch_ref examples twinlab parity_tests scripts

clean:
	rm -rf $(VENV) build
